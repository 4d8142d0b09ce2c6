"""JupyterLab on 127.0.0.1 for the browser tests, serving copies of course notebooks.

The notebooks are copied into a temporary folder (nothing in the repository changes, and a
chapter's SQLite file lands there), JupyterLab runs with a free port, a token and settings of
its own, and is stopped by its own process at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("JupyterLab did not answer in time")


def write_lab_settings(folder: Path) -> None:
    """Render every cell (no windowing: outputs stay in the page when scrolled away) and fetch
    no news."""
    settings = {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
    }
    for plugin, values in settings.items():
        package, name = plugin.rsplit("/", 1)
        path = folder / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def copy_notebook(name: str, workdir: Path, *, clear_outputs: bool) -> None:
    """Copy notebooks/`name` (a path under it, such as `exercises/01-the-database.ipynb`)."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    (workdir / name).parent.mkdir(parents=True, exist_ok=True)
    if clear_outputs:  # a "[1]:" prompt then means "it ran"
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, workdir / name)


def lab_command(port: int, token: str, workdir: Path) -> list[str]:
    return [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={workdir}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=",
        *(["--allow-root"] if os.geteuid() == 0 else []),  # CI containers run as root
    ]  # fmt: skip


@contextmanager
def jupyterlab(
    tmp_path: Path, name: str, *, clear_outputs: bool, also: tuple[str, ...] = ()
) -> Iterator[str]:
    """JupyterLab serving a copy of notebook `name` (and of the notebooks `also` names, as
    stored); yields the notebook's URL."""
    workdir = tmp_path / "course"
    workdir.mkdir()
    copy_notebook(name, workdir, clear_outputs=clear_outputs)
    for other in also:
        copy_notebook(other, workdir, clear_outputs=False)
    write_lab_settings(tmp_path / "settings")
    port, token = free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "JWT_SECRET")}
    env.update(
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
    )
    log_path = tmp_path / "jupyterlab.log"
    with log_path.open("w") as log:
        command = lab_command(port, token, workdir)
        server = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=log)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/api/status?token={token}", server, log_path)
            yield f"http://127.0.0.1:{port}/lab/tree/{name}?token={token}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
