"""Once installed, the kit starts with no network: scripts/setup-env.sh runs pip only when
something is missing or pyproject.toml changed.

The test copies the kit (without .venv) to a temporary folder and installs it there into a fresh
venv that sees this environment's packages through a .pth file, so the first, online install
only builds the kit itself. Every later run has pip's index pointed at a dead address and no
find-links: any pip install would fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COPIED = ["pyproject.toml", "README.md", "cqrs_auth", "sql", "schema", "scripts", "notebooks"]
PTH = "test_environment.pth"
OFFLINE = {
    "PIP_NO_INDEX": "1",
    "PIP_INDEX_URL": "http://127.0.0.1:9/",
    "PIP_FIND_LINKS": "",
    "PIP_CONFIG_FILE": os.devnull,
}


@pytest.fixture(scope="module")
def first_install(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("kit")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns(".data", "*.db"))
        else:
            shutil.copy(source, root / name)
    venv.create(root / ".venv", with_pip=True)
    site = subprocess.run(
        [root / ".venv/bin/python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    ours = [entry for entry in sys.path if entry.endswith("site-packages")]
    (Path(site) / PTH).write_text("\n".join(ours) + "\n")
    first = setup_env(root, "course", offline=False)
    assert first.returncode == 0, first.stderr
    return root, first


@pytest.fixture(scope="module")
def kit(first_install: tuple[Path, subprocess.CompletedProcess]) -> Path:
    return first_install[0]


def setup_env(root: Path, extra: str, *, offline: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIT_VENV": str(root / ".venv"), **(OFFLINE if offline else {})}
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)  # the copy's own kit, not a checkout on the path
    script = f"source scripts/setup-env.sh {extra} && cqrs-auth --help >/dev/null"
    return subprocess.run(
        ["bash", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_first_install_says_each_step_and_shows_pips_lines_as_they_come(
    first_install: tuple[Path, subprocess.CompletedProcess],
):
    said = first_install[1].stderr.splitlines()
    steps = [line for line in said if line.startswith("setup-env: ")]
    assert steps[:2] == [
        "setup-env: installing (nothing installed yet)",
        "setup-env: step 1 of 2: updating pip",
    ]
    assert steps[2].startswith("setup-env: step 2 of 2: installing the kit and its 'course' ")
    assert steps[3:] == ["setup-env: installed; the next start needs no network"]
    pips = said[said.index(steps[2]) + 1 : said.index(steps[3])]
    assert any(line.startswith("    Successfully installed cqrs-auth") for line in pips), said
    assert not any("Requirement already satisfied" in line for line in said)


def test_a_second_setup_needs_no_network_and_says_nothing(kit: Path):
    second = setup_env(kit, "course", offline=True)
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""


def test_scripts_start_runs_offline_after_the_first_install(kit: Path):
    env = {**os.environ, **OFFLINE}
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)  # the copy's own kit, not a checkout on the path
    started = subprocess.run(
        ["bash", "scripts/start", "--version"],
        cwd=kit, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip()[0].isdigit()  # JupyterLab's version: it got as far as jupyter


def lab_url(kit: Path, tmp_path: Path) -> str:
    """The URL `scripts/start` prints for the course (it is stopped, by its PID, once seen)."""
    env = {**os.environ, **OFFLINE, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path))
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)  # the copy's own kit, not a checkout on the path
    port = free_port()
    command = ["bash", "scripts/start", "--no-browser", f"--port={port}"]
    lab = subprocess.Popen(command, cwd=kit, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert lab.stderr is not None
        for line in lab.stderr:
            if f"http://127.0.0.1:{port}/" in line:
                return line.split("http://", 1)[1].split("?", 1)[0]
        raise AssertionError(f"scripts/start ended ({lab.wait()}) without a URL")
    finally:
        lab.terminate()
        lab.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_scripts_start_opens_jupyterlab_on_the_start_page(kit: Path, tmp_path: Path):
    assert (kit / "notebooks/00-start-here.ipynb").exists()
    assert lab_url(kit, tmp_path).endswith("/lab/tree/00-start-here.ipynb")


def test_without_a_start_page_scripts_start_opens_jupyterlab_on_the_folder(
    kit: Path, tmp_path: Path
):
    page = kit / "notebooks/00-start-here.ipynb"
    page.rename(tmp_path / page.name)
    try:
        assert lab_url(kit, tmp_path).endswith("/lab")
    finally:
        (tmp_path / page.name).rename(page)


def test_a_changed_pyproject_is_installed_again_which_offline_fails(kit: Path):
    pyproject = kit / "pyproject.toml"
    original = pyproject.read_text()
    pyproject.write_text(original + "\n# changed\n")
    try:
        again = setup_env(kit, "course", offline=True)
    finally:
        pyproject.write_text(original)
    assert "installing (pyproject.toml changed since the last install)" in again.stderr
    assert again.returncode != 0


def test_an_extra_not_installed_yet_is_installed(kit: Path):
    again = setup_env(kit, "test", offline=True)
    assert "installing (the 'test' extra is not installed yet)" in again.stderr
    assert again.returncode != 0


def test_a_missing_package_is_installed_again(kit: Path):
    [pth] = (kit / ".venv").glob(f"lib/python*/site-packages/{PTH}")
    seen = pth.read_text()
    pth.unlink()  # the packages of the course are gone from this venv
    try:
        again = setup_env(kit, "course", offline=True)
    finally:
        pth.write_text(seen)
    assert "installing (missing: " in again.stderr
    assert "jupyterlab" in again.stderr.split("missing: ", 1)[1]
    assert again.returncode != 0
