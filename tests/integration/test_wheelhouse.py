"""A wheelhouse installs the course with no index: the instructor's offline path.

scripts/wheelhouse builds the Linux x86-64 part for this Python (the CI machine reaches PyPI;
pip's cache makes a second run quick). A fresh venv, with no index, no find-links from any pip
configuration and a dead index URL, installs `cqrs-auth[course]` from it, imports the kit and
the course packages and runs `cqrs-auth demo`. Then the learner's own path runs on that venv:
`KIT_WHEELHOUSE=DIR scripts/start` installs the checkout in editable mode from the wheelhouse
(its build backend, hatchling, comes from there too) and starts with no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
NO_NETWORK = {
    "PIP_NO_INDEX": "1",
    "PIP_INDEX_URL": "http://127.0.0.1:9/",
    "PIP_FIND_LINKS": "",
    "PIP_CONFIG_FILE": os.devnull,
}
pytestmark = pytest.mark.timeout(1200)


def run(*command: object, env: dict[str, str] | None = None, cwd: Path = ROOT) -> str:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, cwd=cwd,
        env={**os.environ, **(env or {})}, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("wheelhouse")
    report = run(
        "bash", ROOT / "scripts" / "wheelhouse", folder, "--targets", "linux-x86_64",
        "--python", PYTHON,
    )  # fmt: skip
    return folder, report


@pytest.fixture(scope="module")
def course_venv(wheelhouse: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder, _ = wheelhouse
    target = tmp_path_factory.mktemp("learner") / "venv"
    venv.create(target, with_pip=True)
    run(
        target / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-index",
        "--find-links", folder, "cqrs-auth[course]", env=NO_NETWORK,
    )  # fmt: skip
    return target


def test_the_wheelhouse_is_complete_for_linux_x86_64_and_holds_only_wheels(wheelhouse):
    folder, report = wheelhouse
    assert f"linux-x86_64    Python {PYTHON:5} complete" in report.splitlines()
    names = [path.name for path in folder.iterdir()]
    assert all(name.endswith(".whl") for name in names), names
    assert any(name.startswith("cqrs_auth-") for name in names)
    assert any(name.startswith("hatchling-") for name in names)
    assert any(name.startswith("editables-") for name in names)


def test_a_fresh_venv_installs_the_course_from_it_and_runs_the_demo(course_venv, tmp_path):
    python = course_venv / "bin" / "python"
    imported = run(python, "-c", "import cqrs_auth, jupyterlab, ipywidgets, pandas; print('ok')")
    assert imported.strip() == "ok"
    demo = run(
        course_venv / "bin" / "cqrs-auth", "--database-url", f"sqlite:///{tmp_path / 'd.db'}",
        "demo", cwd=tmp_path,
    )  # fmt: skip
    assert '"type": "UserCreatedEvent"' in demo
    assert '"type": "UserLoggedInEvent"' in demo


def test_scripts_start_installs_a_checkout_from_the_wheelhouse_with_no_network(
    wheelhouse, course_venv, tmp_path
):
    folder, _ = wheelhouse
    kit = tmp_path / "kit"
    kit.mkdir()
    for name in ["pyproject.toml", "README.md", "cqrs_auth", "sql", "schema", "scripts"]:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, kit / name)
    env = {**NO_NETWORK, "KIT_WHEELHOUSE": str(folder), "KIT_VENV": str(course_venv)}
    started = run("bash", kit / "scripts" / "start", env=env, cwd=kit)  # no notebooks: the demo
    assert '"type": "UserLoggedInEvent"' in started
