"""The course in a real browser: JupyterLab under headless Chromium.

- The start page shows each chapter's row, and its link to chapter 1's exercise opens the
  exercise notebook in JupyterLab.
- The *Try it* chapter, outputs cleared, is run from the Run menu; a user signs up through the
  form by hand (the password rules say "ok" or "not yet" in green or red, beside the emoji), and
  the event log shows the UserCreatedEvent and the trace view, beside the forms, the click's
  sequence diagram; a wrong password then shows its trace drawn as a failure (a red band, the
  error and its code).
- Chapter 4, opened as stored, shows its traces as sequence diagrams that JupyterLab's Mermaid
  renderer drew (an SVG image), not as Mermaid source, and its test-only cells collapsed; its
  login flowcharts, on a laptop's 1366 × 768 screen, fit the screen's height with text that is
  not shrunk to fit its width.
- Chapters 3, 5, 8 and 9, opened as stored, have every diagram drawn: the flowcharts of their
  text and the sequence diagrams of their traces, failures included (a diagram Mermaid cannot
  parse shows no image).

Screenshots go to artifacts/ (kept by CI).
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from .jupyterlab import NOTEBOOKS, ROOT, jupyterlab

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
MERMAID_IMAGE = ".jp-RenderedMermaid img[src^='data:image/svg+xml']"  # in text or in outputs
RENDERED_DIAGRAM = f".jp-OutputArea-output{MERMAID_IMAGE}"
RED, GREEN = "rgb(207, 34, 46)", "rgb(26, 127, 55)"
LAPTOP = {"width": 1366, "height": 768}
NARROW = {"width": 760, "height": 900}
START_PAGE = "00-start-here.ipynb"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM} (scripts/system-packages.sh installs it)",
)


@pytest.fixture
def browser_page() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(SLOW)
            yield page
        finally:
            browser.close()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def diagram_svg(image: Any) -> str:
    """The SVG that Mermaid drew, from the image's data URL."""
    source = image.get_attribute("src")
    return urllib.parse.unquote(source.split(",", 1)[1])


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


def sign_up_by_hand(page: Any, expect: Any) -> None:
    page.locator(".cqrs-signup-username input").fill("browser_user")
    page.locator(".cqrs-signup-email input").fill("browser.user@example.org")
    page.locator(".cqrs-signup-password input").fill("short")
    feedback = page.locator(".cqrs-signup-feedback")
    length_rule = feedback.locator("li", has_text="at least 15 characters")
    expect(length_rule).to_have_text("❌ not yet: at least 15 characters")
    expect(length_rule).to_have_css("color", RED)
    page.locator(".cqrs-signup-password input").fill("typed in a real browser tab")
    page.locator(".cqrs-signup-confirm input").fill("typed in a real browser tab")
    expect(length_rule).to_have_text("✅ ok: at least 15 characters")
    expect(length_rule).to_have_css("color", GREEN)
    expect(feedback).to_contain_text("✅ ok: both passwords match")
    page.locator(".cqrs-signup-button").click()


def log_in_wrongly_by_hand(page: Any) -> None:
    page.locator(".cqrs-login-email input").fill("browser.user@example.org")
    page.locator(".cqrs-login-password input").fill("not what browser_user typed")
    page.locator(".cqrs-login-button").click()


def assert_beside(right: Any, left: Any) -> None:
    """`right` starts to the right of `left`, and the two share some height on the page."""
    a, b = right.bounding_box(), left.bounding_box()
    assert a["x"] >= b["x"] + b["width"] - 1, (a, b)
    assert a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"], (a, b)


def test_the_start_page_lists_the_chapters_and_opens_an_exercise(tmp_path: Path, browser_page: Any):
    expect = pytest.importorskip("playwright.sync_api").expect
    page, exercise = browser_page, "exercises/01-the-database.ipynb"
    with jupyterlab(tmp_path, START_PAGE, clear_outputs=False, also=(exercise,)) as url:
        try:
            page.goto(url)
            text = page.locator(".jp-MarkdownCell .jp-RenderedMarkdown")
            expect(text.locator("h1", has_text="Start here")).to_be_visible()
            rows = page.locator(".jp-RenderedMarkdown table tbody tr")
            expect(rows).to_have_count(len(list(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))) - 1)
            expect(rows.first).to_contain_text("The database")
            screenshot(page, "start-page.png")
            rows.first.locator("a", has_text="exercise").click()
            tab = page.locator(".lm-TabBar-tab", has_text="01-the-database.ipynb")
            expect(tab).to_be_visible()
            banner = page.locator(".jp-RenderedMarkdown", has_text="Exercise version")
            expect(banner.first).to_be_visible()
        except Exception:
            screenshot(page, "start-page-failure.png")
            raise


def test_a_signup_in_the_try_it_form_shows_its_event_in_the_log_and_its_trace(
    tmp_path: Path, browser_page: Any
):
    expect = pytest.importorskip("playwright.sync_api").expect
    page = browser_page
    with jupyterlab(tmp_path, "06-try-it.ipynb", clear_outputs=True) as url:
        try:
            page.goto(url)
            page.locator(".jp-Notebook").wait_for()
            run_all_cells(page)
            log = page.locator(".cqrs-event-log")
            # The notebook's own cells sign up grace through the form: wait for her event.
            log.filter(has_text="grace@example.org").wait_for()
            log.scroll_into_view_if_needed()
            sign_up_by_hand(page, expect)
            row = log.locator("tr", has_text="browser_user").filter(has_text="UserCreatedEvent")
            row.wait_for()
            expect(page.locator(".cqrs-signup-result")).to_contain_text("Signed up browser_user")
            expect(page.locator(".cqrs-signup-password input")).to_have_value("")
            caption = page.locator(".cqrs-trace-caption")
            expect(caption).to_have_text("Sign up: ✅ ok")
            diagram = page.locator(f".cqrs-trace {RENDERED_DIAGRAM}")
            diagram.wait_for()
            assert "CreateUser" in diagram_svg(diagram)
            expect(page.locator(".cqrs-trace .cqrs-timeline")).to_contain_text("PasswordHasher")
            assert_beside(page.locator(".cqrs-trace"), page.locator(".cqrs-signup-button"))
            diagram.scroll_into_view_if_needed()
            screenshot(page, "try-it-in-jupyterlab.png")
            log_in_wrongly_by_hand(page)
            expect(caption).to_have_text("Log in: ❌ failed, code UNAUTHENTICATED")
            failed = page.locator(f".cqrs-trace {MERMAID_IMAGE}[src*='InvalidCredentials']")
            failed.wait_for()
            svg = diagram_svg(failed)
            words = " ".join(re.sub(r"<[^>]+>", " ", svg).split())  # a note wraps its lines
            assert "failed: InvalidCredentials, code UNAUTHENTICATED" in words, words
            assert "rgba(207, 34, 46, 0.18)" in svg, svg  # the red band
            expect(page.locator(".cqrs-trace .cqrs-timeline")).to_contain_text(
                "✗ failed: InvalidCredentials"
            )
            failed.scroll_into_view_if_needed()
            screenshot(page, "try-it-failed-login.png")
            page.set_viewport_size(LAPTOP)
            assert_beside(page.locator(".cqrs-trace"), page.locator(".cqrs-signup-button"))
            page.set_viewport_size(NARROW)  # no room beside the forms: the trace goes under them
            trace, login = (
                page.locator(f".cqrs-{x}").bounding_box() for x in ("trace", "login-button")
            )
            assert trace["y"] > login["y"] + login["height"], (trace, login)
        except Exception:
            screenshot(page, "try-it-failure.png")
            raise


def test_a_chapter_shows_its_traces_as_rendered_sequence_diagrams(
    tmp_path: Path, browser_page: Any
):
    page = browser_page
    with jupyterlab(tmp_path, "04-logging-in.ipynb", clear_outputs=False) as url:
        try:
            page.goto(url)
            page.locator(".jp-Notebook").wait_for()
            diagrams = page.locator(RENDERED_DIAGRAM)
            diagrams.nth(3).wait_for()  # the good, wrong, third-failure and locked logins
            first = diagrams.first
            svg = diagram_svg(first)
            assert "<svg" in svg and 'aria-roledescription="sequence"' in svg
            assert "PerformLogin" in svg and "Password" in svg
            assert first.bounding_box()["width"] > 600  # as wide as the notebook: readable
            cells = nbformat.read(NOTEBOOKS / "04-logging-in.ipynb", as_version=4).cells
            hidden = [c for c in cells if c.metadata.get("jupyter", {}).get("source_hidden")]
            assert page.locator(".jp-Cell .jp-InputPlaceholder").count() == len(hidden) > 5
            first.scroll_into_view_if_needed()
            screenshot(page, "trace-in-chapter-4.png")
            assert_the_flowcharts_fit_a_laptop_screen(page)
        except Exception:
            screenshot(page, "trace-in-chapter-4-failure.png")
            raise


def assert_the_flowcharts_fit_a_laptop_screen(page: Any) -> None:
    """The chapter's flowcharts (in its markdown cells), drawn on a 1366 × 768 screen: each fits
    its height, and none is shrunk to fit its width (its text would shrink too)."""
    page.set_viewport_size(LAPTOP)
    flowcharts = page.locator(f".jp-MarkdownCell {MERMAID_IMAGE}")
    assert flowcharts.count() >= 2
    for number in range(flowcharts.count()):
        flowchart = flowcharts.nth(number)
        flowchart.scroll_into_view_if_needed()
        drawn = flowchart.bounding_box()
        natural = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+)', diagram_svg(flowchart))
        screenshot(page, f"flowchart-{number + 1}-in-chapter-4.png")
        assert drawn["height"] < LAPTOP["height"] - 250, drawn  # browser and JupyterLab bars
        assert drawn["width"] >= 0.9 * float(natural[1]), (drawn, natural[1])


def mermaid_blocks(name: str) -> int:
    """How many diagrams a chapter holds: ```mermaid fences in its text, traces in its outputs."""
    cells = nbformat.read(NOTEBOOKS / name, as_version=4).cells
    fences = sum(c.source.count("```mermaid") for c in cells if c.cell_type == "markdown")
    outputs = [o for c in cells if c.cell_type == "code" for o in c.outputs]
    return fences + sum("text/vnd.mermaid" in o.get("data", {}) for o in outputs)


DRAWN_IN_FULL = [
    "03-events-and-sagas.ipynb",  # a trace with a failure drawn (a red band, crossed arrows)
    "05-graphql.ipynb",  # two more
    "08-read-models.ipynb",
    "09-capstone-password-reset.ipynb",
]


@pytest.mark.parametrize("name", DRAWN_IN_FULL)
def test_every_diagram_of_these_chapters_is_drawn(tmp_path: Path, browser_page: Any, name: str):
    page, expected = browser_page, mermaid_blocks(name)
    with jupyterlab(tmp_path, name, clear_outputs=False) as url:
        try:
            page.goto(url)
            page.locator(".jp-Notebook").wait_for()
            drawn = page.locator(MERMAID_IMAGE)
            drawn.nth(expected - 1).wait_for()
            assert drawn.count() == expected >= 3
            assert all("<svg" in diagram_svg(drawn.nth(i)) for i in range(expected))
        except Exception:
            screenshot(page, f"diagrams-in-{name[:2]}-failure.png")
            raise
