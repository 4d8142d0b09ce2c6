"""GraphiQL with no network: the kit serves the editor and its assets itself.

Headless Chromium may reach the kit's own server and nothing else (every other request is
aborted and recorded). It opens /graphql, runs the prepared Signup and Login operations from
the run button's menu, pastes the login's Authorization value into the Headers tab as a learner
would, runs Me, and reads each result in the result pane. A screenshot goes to artifacts/.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.helpers import RunningServer

from cqrs_auth import bootstrap

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
HEADLESS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM} (scripts/system-packages.sh installs it)",
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    kit = bootstrap(f"sqlite:///{tmp_path / 'kit.db'}")
    running = RunningServer(kit)
    yield running
    running.stop()
    kit.close()


def run_operation(page: Any, name: str) -> str:
    """Pick an operation from the run button's menu; the result pane's text once it answered."""
    result = page.locator(".graphiql-response .CodeMirror-code")
    before = result.inner_text() if result.count() else ""
    page.locator(".graphiql-execute-button").click()
    page.get_by_role("menuitem", name=name, exact=True).click()
    page.wait_for_function(
        "before => { const r = document.querySelector('.graphiql-response .CodeMirror');"
        " return r && r.CodeMirror.getValue() !== before && r.CodeMirror.getValue() !== ''; }",
        arg=before,
    )
    return page.evaluate(
        "document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()"
    )


def test_graphiql_runs_signup_login_and_me_with_every_outside_request_blocked(server):
    playwright_api = pytest.importorskip("playwright.sync_api")
    origin = server.url.removesuffix("/graphql")
    outside: list[str] = []
    problems: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=HEADLESS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(30_000)
            page.route("**/*", only_local)
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda error: problems.append(str(error)))
            try:
                page.goto(server.url)
                page.locator(".graphiql-query-editor .CodeMirror").wait_for()

                signup = json.loads(run_operation(page, "Signup"))
                assert signup == {
                    "data": {"signup": {"username": "ada", "email": "ada@example.org"}}
                }

                login = json.loads(run_operation(page, "Login"))
                authorization = login["data"]["login"]["Authorization"]
                assert re.fullmatch(r"Bearer [\w-]+\.[\w-]+\.[\w-]+", authorization)

                page.get_by_role("button", name="Headers", exact=True).click()
                headers = page.locator(".graphiql-editor-tool .CodeMirror").last
                headers.click()
                page.keyboard.insert_text(json.dumps({"Authorization": authorization}))

                me = json.loads(run_operation(page, "Me"))
                assert me["data"]["me"]["username"] == "ada"
                assert me["data"]["me"]["email"] == "ada@example.org"
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "graphiql-offline.png"))
            except Exception:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "graphiql-offline-failure.png"))
                raise
        finally:
            browser.close()
    assert outside == []
    assert problems == []
