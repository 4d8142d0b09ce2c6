"""The course's generated files must match their sources: rebuild them when a test here fails.

- notebooks/NN-*.ipynb come from notebooks/src/NN-*.nb (scripts/build_notebooks.py, which also
  executes them and stores the outputs);
- notebooks/exercises/*.ipynb come from the chapters (scripts/make_exercises.py).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import nbformat

ROOT = Path(__file__).resolve().parents[2]


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_exercise_notebooks_are_generated_from_the_current_chapters():
    make_exercises = load_script("make_exercises")
    stale = make_exercises.stale()
    assert stale == [], f"run `python scripts/make_exercises.py`; stale: {stale}"


def test_every_chapter_has_an_exercise_version_with_a_task_and_a_check():
    make_exercises = load_script("make_exercises")
    for chapter in make_exercises.chapters():
        exercise = make_exercises.exercise_of(chapter)
        sources = [cell.source for cell in exercise.cells if cell.cell_type == "code"]
        assert any("# your code" in source for source in sources), chapter.name
        assert any("check_answer()" in source for source in sources), chapter.name
        assert all(not cell.get("outputs") for cell in exercise.cells), chapter.name


def test_the_chapters_cells_are_those_of_their_sources():
    build = load_script("build_notebooks")
    sources = build.sources([])
    assert [build.notebook_path(s).name for s in sources] == [
        p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    ]
    for source in sources:
        expected = build.parse(source)
        stored = nbformat.read(build.notebook_path(source), as_version=4)
        assert [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in stored.cells] == [
            (c.cell_type, c.source, c.metadata.get("tags", [])) for c in expected.cells
        ], f"run `python scripts/build_notebooks.py {source.stem[:2]}`"


def test_every_code_cell_of_a_chapter_was_executed_and_stored_with_its_outputs():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        counts = [c.execution_count for c in notebook.cells if c.cell_type == "code"]
        assert None not in counts, f"{path.name} has cells that were not executed"
        assert counts == list(range(1, len(counts) + 1)), f"{path.name} was not run top to bottom"
