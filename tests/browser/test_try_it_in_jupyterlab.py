"""The *Try it* chapter in a real browser: JupyterLab, headless Chromium, the forms clicked by hand.

The test copies the notebook, outputs cleared, to a temporary folder (nothing in the repository
changes, and the chapter's SQLite file lands there), starts JupyterLab on 127.0.0.1 with a free
port and a token, runs all cells from the Run menu, signs a user up through the form, and waits
for that user's UserCreatedEvent in the event-log view. A screenshot goes to artifacts/ (kept by
CI). JupyterLab is stopped by its own process at the end.
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
from pathlib import Path
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "06-try-it.ipynb"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SLOW = 120_000  # ms: running the whole notebook hashes a few passwords

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM} (scripts/system-packages.sh installs it)",
)


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
    """Render every cell (no windowing: the form's outputs stay in the page when scrolled
    away) and fetch no news."""
    settings = {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
    }
    for plugin, values in settings.items():
        package, name = plugin.rsplit("/", 1)
        path = folder / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[str]:
    """JupyterLab serving a copy of the Try-it notebook; yields the notebook's URL."""
    workdir = tmp_path / "course"
    workdir.mkdir()
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:  # outputs cleared: a "[1]:" prompt then means "it ran"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, workdir / NOTEBOOK.name)
    write_lab_settings(tmp_path / "settings")
    port, token = free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "JWT_SECRET")}
    env.update(
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
    )
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={workdir}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=",
        *(["--allow-root"] if os.geteuid() == 0 else []),  # CI containers run as root
    ]  # fmt: skip
    log_path = tmp_path / "jupyterlab.log"
    log = log_path.open("w")
    server = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/status?token={token}", server, log_path)
        yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.name}?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def run_all_cells(page: Any, attempts: int = 3) -> None:
    """Run > Run All Cells, once the kernel is idle. A click made while the kernel is still
    connecting can be lost, so try again until the first cell has run."""
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()
    first_prompt = page.locator(".jp-InputArea-prompt", has_text="[1]:")
    for attempt in range(attempts):
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
        try:
            first_prompt.first.wait_for(timeout=20_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise


def test_a_signup_in_the_try_it_form_shows_its_user_created_event_in_the_log(jupyterlab: str):
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(SLOW)
            try:
                page.goto(jupyterlab)
                page.locator(".jp-Notebook").wait_for()
                run_all_cells(page)
                log = page.locator(".cqrs-event-log")
                # The notebook's own cells sign up grace through the form: wait for her event.
                log.filter(has_text="grace@example.org").wait_for()
                log.scroll_into_view_if_needed()

                page.locator(".cqrs-signup-username input").fill("browser_user")
                page.locator(".cqrs-signup-email input").fill("browser.user@example.org")
                page.locator(".cqrs-signup-password input").fill("short")
                feedback = page.locator(".cqrs-signup-feedback")
                playwright_api.expect(feedback).to_contain_text("❌ at least 15 characters")
                page.locator(".cqrs-signup-password input").fill("typed in a real browser tab")
                page.locator(".cqrs-signup-confirm input").fill("typed in a real browser tab")
                playwright_api.expect(feedback).to_contain_text("✅ at least 15 characters")
                playwright_api.expect(feedback).to_contain_text("✅ both passwords match")
                page.locator(".cqrs-signup-button").click()

                row = log.locator("tr", has_text="browser_user").filter(has_text="UserCreatedEvent")
                row.wait_for()
                playwright_api.expect(page.locator(".cqrs-signup-result")).to_contain_text(
                    "Signed up browser_user"
                )
                playwright_api.expect(page.locator(".cqrs-signup-password input")).to_have_value("")
                ARTIFACTS.mkdir(exist_ok=True)
                row.scroll_into_view_if_needed()
                page.screenshot(path=str(ARTIFACTS / "try-it-in-jupyterlab.png"), full_page=True)
            except Exception:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "try-it-failure.png"), full_page=True)
                raise
        finally:
            browser.close()
