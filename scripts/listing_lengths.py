"""How many lines of the kit's code each chapter shows unfolded, read from the chapters' sources.

Each `show_source(...)` call of a code cell is evaluated after the cell's and earlier cells'
imports (nothing else of the chapter runs, so no database is touched), and the lines it shows
outside its fold are counted.

Usage:
    python scripts/listing_lengths.py            # every chapter: one line per listing
    python scripts/listing_lengths.py 03 08      # only the chapters whose names start so
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "notebooks" / "src"
CODE_CELL = re.compile(r"^%% code\b[^\n]*\n(.*?)(?=^%% |\Z)", re.MULTILINE | re.DOTALL)
LONGEST = 45


def listings(source: Path) -> Iterator[tuple[str, int]]:
    """(the call's text, the lines it shows unfolded) for each show_source call in a chapter."""
    namespace: dict[str, object] = {}
    for cell in CODE_CELL.findall(source.read_text()):
        tree = ast.parse(cell)
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                exec(compile(ast.Module([node], []), str(source), "exec"), namespace)
            elif _is_show_source(node):
                call = ast.unparse(node)
                yield call, eval(call, namespace).shown_lines


def _is_show_source(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "show_source"
    )


def main(prefixes: list[str]) -> int:
    chapters = [s for s in sorted(SOURCES.glob("*.nb")) if not prefixes or s.name[:2] in prefixes]
    too_long = 0
    for source in chapters:
        for call, lines in listings(source):
            mark = "  TOO LONG" if lines > LONGEST else ""
            too_long += bool(mark)
            print(f"{source.name[:2]}  {lines:3}  {call}{mark}")
    return 1 if too_long else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
