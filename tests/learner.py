"""A learner's kernel, for the tests of the exercises' checks: cells run one after another in one
namespace whose `__name__` is `"__main__"`, as in a notebook's kernel, so classes a cell defines
belong to `__main__` and a cell sees what earlier cells (and earlier tries) left behind.

A check cell runs exactly as the exercise notebook runs it: wrapped by scripts/make_exercises.py's
`wrap_check` (inside `check_answer()`), and what it prints is returned. The chapters' own answer
and check cells are read from notebooks/src/, so the tests run the course's code, not a copy.

Why `exec` and not a Jupyter kernel: the verdict depends only on what the namespace holds and on
the module the classes belong to, which `exec` with `__name__ = "__main__"` reproduces; it runs
in the test's process, on the test's database fixture, in a fraction of the time. The exercise
notebooks themselves run in a real kernel in tests/integration/test_exercise_notebooks_run.py.
"""

from __future__ import annotations

import importlib.util
import io
import re
import textwrap
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RIGHT = "✓ Right! On to the next step.\n"


def _make_exercises() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_exercises", ROOT / "scripts/make_exercises.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chapter_cells(prefix: str, tag: str) -> list[str]:
    """The sources of the cells tagged `tag` in the chapter source notebooks/src/<prefix>-*.nb."""
    [source] = (ROOT / "notebooks/src").glob(f"{prefix}-*.nb")
    cells = re.split(r"^%% (.*)\n", source.read_text(), flags=re.MULTILINE)[1:]
    heads, bodies = cells[0::2], cells[1::2]
    return [
        body.rstrip("\n")
        for head, body in zip(heads, bodies, strict=True)
        if tag in head.partition("tags=")[2].split(",")
    ]


class Kernel:
    """One learner's namespace."""

    wrap_check = staticmethod(_make_exercises().wrap_check)

    def __init__(self, **names: Any) -> None:
        self.namespace: dict[str, Any] = {"__name__": "__main__", **names}

    def run(self, source: str) -> str:
        """Run a cell; return what it printed."""
        printed = io.StringIO()
        with redirect_stdout(printed):
            exec(compile(textwrap.dedent(source), "<cell>", "exec"), self.namespace)  # noqa: S102
        return printed.getvalue()

    def check(self, source: str) -> str:
        """Run a check cell as the exercise notebook does; return its verdict."""
        return self.run(self.wrap_check(source))

    def __getitem__(self, name: str) -> Any:
        return self.namespace[name]


def not_yet(message: str) -> str:
    return f"✗ Not yet: {message}\n"
