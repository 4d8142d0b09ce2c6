"""Every exercise notebook runs top to bottom as a learner first gets it: no cell fails, and
every check says "Not yet" until the placeholders are filled in."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXERCISES = sorted(
    (Path(__file__).resolve().parents[2] / "notebooks" / "exercises").glob("*.ipynb")
)


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_an_untouched_exercise_notebook_runs_and_every_check_says_not_yet(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("DATABASE_URL", raising=False)  # SQLite, in tmp_path/.data
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, resources={"metadata": {"path": tmp_path}}).execute()
    checks = [cell for cell in notebook.cells if "check_answer()" in cell.get("source", "")]
    assert checks
    for cell in checks:
        printed = "".join(output.get("text", "") for output in cell.outputs)
        assert printed.startswith("✗ Not yet"), printed
