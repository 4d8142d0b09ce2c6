"""Generate the workshop's exercise notebooks (notebooks/exercises/) from the chapters.

In a chapter (the solution notebook):
- a code cell tagged `solution` is the answer to a "Your turn" task: in the exercise it becomes a
  placeholder that keeps the cell's imports and its leading comments, and leaves each name the
  answer defines as `name = ...` (a function keeps its signature and raises NotImplementedError;
  a class keeps its decorators, its first line and its methods' signatures; anything else
  becomes one `...`);
- a line ending in `# solution` becomes `name = ...  # your code` (or `...  # your code`);
- a code cell tagged `check` holds the check of the answer: in the exercise it runs inside
  `check_answer()`, which prints whether the answer is right (and if not, why) instead of
  stopping the notebook; its source is shown (the chapter collapses it);
- a code cell tagged `after-answer` uses the answer: in the exercise it runs inside
  `after_your_answer()`, which says so instead of failing while the answer is not written.
Outputs are removed. A page with no check (the start page, 00-start-here) has no exercise version;
links to it and to the course's README point one folder up.
tests/unit/test_exercises_are_current.py fails when these files are stale.

Usage: python scripts/make_exercises.py [--check]
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = NOTEBOOKS / "exercises"
PLACEHOLDER = "...  # your code"
LINE_MARKER = "# solution"


def function_stub(lines: list[str], node: ast.FunctionDef, indent: str = "") -> list[str]:
    header = [lines[n.lineno - 1].strip() for n in [*node.decorator_list, node]]
    return [
        "",
        *(f"{indent}{line}" for line in header),
        f"{indent}    raise NotImplementedError  # your code",
    ]


def class_stub(lines: list[str], node: ast.ClassDef) -> list[str]:
    header = [lines[d.lineno - 1].strip() for d in node.decorator_list]
    header.append(lines[node.lineno - 1].strip())
    methods = [n for n in node.body if isinstance(n, ast.FunctionDef)]
    body = [line for m in methods for line in function_stub(lines, m, "    ")][1:]
    return [*header, *(body or ["    pass  # your code"])]


def import_lines(lines: list[str], node: ast.stmt, after: int | None) -> list[str]:
    """An import's lines (with its comment), and the blank lines that separate it from the
    import just before it (`after`, where that one ends): import groups stay apart."""
    start = node.lineno - 1
    if after is not None and not "".join(lines[after:start]).strip():
        start = after
    return lines[start : node.end_lineno]


def stub_lines(lines: list[str], node: ast.stmt) -> list[str]:
    """What stands in an exercise for a definition or an assignment of the answer."""
    if isinstance(node, ast.FunctionDef):
        return ["", "", *function_stub(lines, node)[1:], "", ""]
    if isinstance(node, ast.ClassDef):
        return ["", "", *class_stub(lines, node), "", ""]
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [f"{t.id} = {PLACEHOLDER}" for t in targets if isinstance(t, ast.Name)]
    return []


def placeholder_for(source: str) -> str:
    """The exercise version of a `solution` cell."""
    lines = source.splitlines()
    kept = [line for line in lines if line.startswith("#")]
    imports_end = None
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            kept += import_lines(lines, node, imports_end)
            imports_end = node.end_lineno
        else:
            kept += stub_lines(lines, node)
            imports_end = None
    if not any("# your code" in line for line in kept):
        kept.append(PLACEHOLDER)
    return re.sub(r"\n{4,}", "\n\n\n", "\n".join(kept)).strip("\n")


def blank_marked_lines(source: str) -> str:
    out = []
    for line in source.splitlines():
        if not line.rstrip().endswith(LINE_MARKER):
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        code = line.rstrip()[: -len(LINE_MARKER)].rstrip()
        head, sep, _ = code.partition("=")
        is_assignment = sep and head.strip().isidentifier()
        out.append(
            f"{indent}{head.strip()} = {PLACEHOLDER}" if is_assignment else f"{indent}{PLACEHOLDER}"
        )
    return "\n".join(out)


def wrap_check(source: str) -> str:
    return (
        "from cqrs_auth.course import check_answer\n\n"
        "with check_answer():  # run me: I say whether your answer above is right\n"
        + textwrap.indent(source, "    ")
    )


def wrap_after_answer(source: str) -> str:
    return (
        "from cqrs_auth.course import after_your_answer\n\n"
        "with after_your_answer():  # uses your answer above\n" + textwrap.indent(source, "    ")
    )


def banner(chapter: Path) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(
        f"> **Exercise version** of [{chapter.stem}](../{chapter.name}), generated by "
        "`scripts/make_exercises.py` — do not edit it, edit the chapter.\n"
        "> Run the cells from the top. Where a cell says `# your code`, write your answer there, "
        "run it, then run the check below it: it says whether you got it right."
    )
    cell["id"] = "exercise-banner"
    return cell


def relink(source: str, upstairs: set[str]) -> str:
    """`[Course](README.md)` → `[Course](../README.md)`: links to pages with no exercise copy."""
    return re.sub(
        r"\]\(([^)/]+)\)", lambda m: f"](../{m[1]})" if m[1] in upstairs else m[0], source
    )


def exercise_of(chapter: Path) -> nbformat.NotebookNode:
    notebook = copy.deepcopy(nbformat.read(chapter, as_version=4))
    notebook.metadata.pop("widgets", None)
    upstairs = {"README.md"} | {page.name for page in pages()} - {c.name for c in chapters()}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = relink(cell.source, upstairs)
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if "solution" in tags:
            cell.source = placeholder_for(cell.source)
        elif "check" in tags:
            cell.source = wrap_check(cell.source)
            cell.metadata.pop("jupyter", None)
        elif "after-answer" in tags:
            cell.source = wrap_after_answer(cell.source)
        else:
            cell.source = blank_marked_lines(cell.source)
        cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
    notebook.cells.insert(0, banner(chapter))
    return notebook


def pages() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def has_a_check(page: Path) -> bool:
    cells = nbformat.read(page, as_version=4).cells
    return any("check" in cell.metadata.get("tags", []) for cell in cells)


def chapters() -> list[Path]:
    """The pages with an exercise version: those with a task (and so a check)."""
    return [page for page in pages() if has_a_check(page)]


def render(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"


def stale() -> list[str]:
    """Exercise files that are missing, out of date, or left over."""
    wanted = {EXERCISES / c.name: render(exercise_of(c)) for c in chapters()}
    problems = [
        str(path.relative_to(ROOT))
        for path, text in wanted.items()
        if not path.exists() or path.read_text() != text
    ]
    extra = set(EXERCISES.glob("*.ipynb")) - set(wanted)
    return problems + [str(path.relative_to(ROOT)) for path in sorted(extra)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for problem in problems:
            print(f"stale: {problem}")
        return 1 if problems else 0
    EXERCISES.mkdir(exist_ok=True)
    wanted = {chapter.name for chapter in chapters()}
    for leftover in EXERCISES.glob("*.ipynb"):
        if leftover.name not in wanted:
            leftover.unlink()
    for chapter in chapters():
        target = EXERCISES / chapter.name
        target.write_text(render(exercise_of(chapter)))
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
