"""The workshop's slide deck is one current file that works with no network at all."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
DECK = ROOT / "docs" / "slides" / "workshop.html"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
HEADLESS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# what would make a browser fetch something: attributes, CSS and ES-module imports
FETCHES = re.compile(
    r"""(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import|\bimport\s*\(?\s*["'](?:https?:)?//""",
    re.IGNORECASE,
)


def build_slides():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_slides", ROOT / "scripts/build_slides.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_deck_is_the_build_of_the_slides_notebook():
    assert DECK.read_text() == build_slides().build(), "run python scripts/build_slides.py"


def test_the_deck_fetches_nothing_from_anywhere():
    html = DECK.read_text()
    assert FETCHES.findall(html) == []
    assert FETCHES.search('<script src="https://unpkg.com/reveal.js">')  # the rule can see one
    assert 'src="data:image/svg+xml;base64,' in html  # the design diagram, embedded


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")
def test_the_deck_opens_and_turns_in_chromium_with_every_request_blocked():
    playwright_api = pytest.importorskip("playwright.sync_api")
    slides = nbformat.read(ROOT / "docs" / "slides" / "workshop.ipynb", as_version=4).cells
    expected = sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide" for c in slides)
    outside: list[str] = []
    problems: list[str] = []

    def only_the_file(route: Any) -> None:
        if route.request.url.startswith(DECK.as_uri()):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=HEADLESS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 760})
            page.route("**/*", only_the_file)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(DECK.as_uri())
            page.wait_for_selector(".reveal.ready")
            assert page.evaluate("Reveal.getTotalSlides()") == expected
            page.keyboard.press("ArrowRight")
            assert page.evaluate("Reveal.getState().indexh") == 1
            diagram = page.locator('img[alt="The kit\'s design"]')
            assert diagram.evaluate("img => img.naturalWidth") > 0
        finally:
            browser.close()
    assert outside == []
    assert problems == []
