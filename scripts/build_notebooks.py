"""Build the course notebooks from their sources in notebooks/src/, and execute them.

A source file is plain text, cut into cells by marker lines:

    %% markdown
    # A heading ...
    %% code
    app = fresh_app("01-the-database")
    %% code tags=solution,nbval-ignore-output

Cells tagged `check` (an exercise's check) or `test` (asserts for nbval) are stored with their
source collapsed (`jupyter.source_hidden`): nbval still runs them, a reader sees one line.
A markdown line `{{navigation}}` becomes the links to the previous and next chapters, made from
the sources' file names and first headings, so adding a chapter is adding its source.

Usage:
    python scripts/build_notebooks.py            # build every notebook, execute, store outputs
    python scripts/build_notebooks.py 03 06      # only the chapters whose names start so
    python scripts/build_notebooks.py --no-execute

Notebooks are executed on the SQLite default (DATABASE_URL removed from the environment) with
the working directory `notebooks/`, as JupyterLab and nbval run them. Then run
scripts/make_exercises.py to regenerate the exercise versions.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
MARKER = re.compile(r"^%% (markdown|code)(?: tags=([\w,-]+))?$")
HIDDEN_TAGS = {"check", "test"}
NAVIGATION = "{{navigation}}"
KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def title(source: Path) -> str:
    """`2 Commands and handlers`, from the heading `# 2 · Commands and handlers`."""
    heading = source.read_text().split("\n# ", 1)[1].split("\n", 1)[0]
    return heading.replace(" · ", " ", 1)


def navigation(source: Path) -> str:
    """`[‹ 1 The database](01-…ipynb) · **2 Commands and handlers** · [3 Events … ›](03-…)`."""
    chapters = sources([])
    index = chapters.index(source)
    parts = ["[Course](README.md)", f"**{title(source)}**"]
    if index > 0:
        before = chapters[index - 1]
        parts.insert(1, f"[‹ {title(before)}]({notebook_path(before).name})")
    if index + 1 < len(chapters):
        after = chapters[index + 1]
        parts.append(f"[{title(after)} ›]({notebook_path(after).name})")
    else:
        parts.append(f"back to [{title(chapters[0])}]({notebook_path(chapters[0]).name})")
    return " · ".join(parts)


def parse(source: Path) -> nbformat.NotebookNode:
    """The notebook a source file describes (no outputs)."""
    text = source.read_text().replace(NAVIGATION, navigation(source))
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.update(
        kernelspec=KERNEL, language_info={"name": "python", "pygments_lexer": "ipython3"}
    )
    kind, tags, lines = None, [], []

    def flush() -> None:
        if kind is None:
            return
        source = "\n".join(lines).strip("\n")
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source)
        if tags:
            cell.metadata["tags"] = tags
        if HIDDEN_TAGS & set(tags):
            cell.metadata["jupyter"] = {"source_hidden": True}
        notebook.cells.append(cell)

    for line in text.splitlines():
        match = MARKER.match(line)
        if match:
            flush()
            kind, tags, lines = match[1], (match[2] or "").split(",") if match[2] else [], []
        else:
            lines.append(line)
    flush()
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number:03d}"  # stable ids: rebuilding changes no diff by itself
    return notebook


def sources(prefixes: list[str]) -> list[Path]:
    found = sorted(SOURCES.glob("[0-9][0-9]-*.nb"))
    return [p for p in found if not prefixes or any(p.name.startswith(x) for x in prefixes)]


def notebook_path(source: Path) -> Path:
    return NOTEBOOKS / f"{source.stem}.ipynb"


def execute(notebook: nbformat.NotebookNode) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("JWT_SECRET", None)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": NOTEBOOKS}},
        record_timing=False,  # no execution timestamps: a rebuild changes only what changed
    )
    client.execute()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="name prefixes, e.g. 01 06")
    parser.add_argument("--no-execute", action="store_true")
    args = parser.parse_args(argv)
    for source in sources(args.chapters):
        notebook = parse(source)
        if not args.no_execute:
            print(f"executing {source.stem} ...", flush=True)
            execute(notebook)
        nbformat.write(notebook, notebook_path(source))
        print(f"wrote {notebook_path(source).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
