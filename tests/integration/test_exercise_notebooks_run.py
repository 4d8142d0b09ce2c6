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


def test_in_a_real_kernel_a_wrong_event_class_then_the_right_one_leaves_the_read_model_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Chapter 3's first exercise in a Jupyter kernel, as the issue saw it: a first try with the
    field `user`, then the chapter's answer; after it, a signup still reaches the read model."""
    from learner import RIGHT, Kernel, chapter_cells

    monkeypatch.delenv("DATABASE_URL", raising=False)
    [answer, *_], [check, *_] = chapter_cells("03", "solution"), chapter_cells("03", "check")
    event = "class TermsAcceptedEvent(Event):\n    user_id: str"
    assert event in answer
    wrong = answer.replace(event, event.replace("user_id", "user"))
    wrong = wrong.replace("(user_id=command", "(user=command").replace("self.user_id", "self.user")
    setup = (
        "from dataclasses import dataclass\n"
        "from cqrs_auth import CreateUserCommand\n"
        "from cqrs_auth.course import captured_logs, check_accept_terms, fresh_app, last_position,"
        " projection_position\n"
        "from cqrs_auth.domain.commands import Command\n"
        "from cqrs_auth.domain.events import Event\n"
        "app = fresh_app('03-in-a-kernel')\n"
        "password = 'correct horse battery staple'"
    )
    signup_after = (
        "lin = CreateUserCommand('lin', 'lin@example.org', password, password)\n"
        "with captured_logs() as logs:\n"
        "    app.command_bus.execute(lin)\n"
        "print(projection_position(app) == last_position(app),"
        " [m for m in logs if 'INFO' not in m])"
    )
    cells = [setup, wrong, Kernel.wrap_check(check), answer, Kernel.wrap_check(check)]
    cells += [Kernel.wrap_check(check), signup_after]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=300, resources={"metadata": {"path": tmp_path}}).execute()
    printed = ["".join(o.get("text", "") for o in cell.outputs) for cell in notebook.cells]
    assert printed[2].startswith("✗ Not yet: the stored payload is {'user': ")
    assert printed[4] == printed[5] == RIGHT
    assert printed[6] == "True []\n"
