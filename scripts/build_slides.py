"""Build the workshop's slides, docs/slides/workshop.ipynb, into one HTML file that works offline.

    python scripts/build_slides.py           # writes docs/slides/workshop.html
    python scripts/build_slides.py --check   # exit 1 if docs/slides/workshop.html is stale

It is nbconvert's `--to slides` (the SlidesExporter, reveal.js) with a template of ours,
docs/slides/offline/, instead of the stock one, which loads reveal.js, jQuery, RequireJS, MathJax
and Mermaid from CDNs that a workshop room's network may not reach. Ours inlines reveal.js 5.1.0
(vendored in docs/slides/vendor/, with its licence) and embeds the images (the design diagram,
docs/slides/design.svg), so the deck is one file that opens from a USB stick with no network.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nbconvert import SlidesExporter

ROOT = Path(__file__).resolve().parent.parent
SLIDES = ROOT / "docs" / "slides"
VENDOR = SLIDES / "vendor" / "reveal.js-5.1.0"
DECK = SLIDES / "workshop.html"


def inline_script(path: Path) -> str:
    """A script's text, safe inside <script>…</script> (its own `</script` strings escaped)."""
    return path.read_text().replace("</script", "<\\/script")


def build() -> str:
    exporter = SlidesExporter(
        template_name="offline", extra_template_basedirs=[str(SLIDES)], embed_images=True
    )
    offline = {
        "reveal_js": inline_script(VENDOR / "reveal.js"),
        "notes_js": inline_script(VENDOR / "notes.js"),
        "reveal_css": (VENDOR / "reveal.css").read_text(),
        "theme_css": (VENDOR / "white.css").read_text(),
    }
    html, _ = exporter.from_filename(str(SLIDES / "workshop.ipynb"), resources={"offline": offline})
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the deck is current")
    args = parser.parse_args(argv)
    html = build()
    if args.check:
        current = DECK.exists() and DECK.read_text() == html
        print(f"{DECK.relative_to(ROOT)} is {'current' if current else 'STALE: build it again'}")
        return 0 if current else 1
    DECK.write_text(html)
    print(f"wrote {DECK.relative_to(ROOT)} ({len(html) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
