"""Show the kit's own code: the live source of an object, highlighted, with file and lines.

Always read from the installed module, never copied into a notebook, so what a chapter shows
is what runs. A chapter shows the part that makes its point, and folds the rest:

    show_source(PerformLoginHandler, focus="execute")          # one method (or a tuple of names)
    show_source(bootstrap_module, region="signup and login")   # `# region: …` to `# endregion`
    show_source(EventBus, lines=(1, 20))                       # lines 1-20 of the listing

The rest of the object stays one click away, in a "Deeper: the production details" fold (HTML);
the plain-text form (what nbval compares) says how many lines are folded and where they are.
"""

from __future__ import annotations

import html
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
REGION = re.compile(r"^\s*# region: (?P<name>.+?)\s*$")
END_REGION = re.compile(r"^\s*# endregion\b")
FOLD_TITLE = "Deeper: the production details"


@dataclass(frozen=True)
class Excerpt:
    """Consecutive lines of a file: the first one's number and their text."""

    first_line: int
    lines: tuple[str, ...]

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.lines) - 1

    def numbered(self) -> list[str]:
        return [f"{self.first_line + index:4} │ {line}" for index, line in enumerate(self.lines)]

    def html(self) -> str:
        formatter = HtmlFormatter(
            linenos="inline", linenostart=self.first_line, noclasses=True, style="default"
        )
        return highlight("\n".join(self.lines) + "\n", PythonLexer(), formatter)


class Source:
    """Displays as highlighted HTML in JupyterLab, as numbered plain text elsewhere.

    `shown` are the excerpts a learner reads; when they are not the whole object, `whole` is
    folded under them."""

    def __init__(self, obj: Any, shown: list[Excerpt] | None = None) -> None:
        lines, first_line = inspect.getsourcelines(obj)
        # a module's source starts at "line 0"
        self.whole = Excerpt(max(first_line, 1), tuple(line.rstrip("\n") for line in lines))
        self.shown = shown or [self.whole]
        path = Path(inspect.getsourcefile(obj) or "?").resolve()
        self.path = path.relative_to(PACKAGE_ROOT) if path.is_relative_to(PACKAGE_ROOT) else path

    @property
    def first_line(self) -> int:
        return self.whole.first_line

    @property
    def last_line(self) -> int:
        return self.whole.last_line

    @property
    def folded(self) -> bool:
        return self.shown != [self.whole]

    @property
    def shown_lines(self) -> int:
        """How many lines a learner sees unfolded (excerpts and the `⋮` between them)."""
        return sum(len(excerpt.lines) for excerpt in self.shown) + len(self.shown) - 1

    @property
    def where(self) -> str:
        spans = ", ".join(f"{each.first_line}–{each.last_line}" for each in self.shown)
        return f"{self.path.as_posix()}, lines {spans}"

    @property
    def fold_note(self) -> str:
        hidden = len(self.whole.lines) - sum(len(excerpt.lines) for excerpt in self.shown)
        return (
            f"{FOLD_TITLE}: the whole listing, {self.path.as_posix()}, lines "
            f"{self.whole.first_line}–{self.whole.last_line} ({hidden} more lines)"
        )

    def _repr_html_(self) -> str:
        parts = [f"<div><b>{html.escape(self.where)}</b>"]
        parts.append("<pre>⋮</pre>".join(excerpt.html() for excerpt in self.shown))
        if self.folded:
            summary = html.escape(self.fold_note)
            parts.append(f"<details><summary>{summary}</summary>{self.whole.html()}</details>")
        return "".join(parts) + "</div>"

    def __repr__(self) -> str:
        body: list[str] = []
        for index, excerpt in enumerate(self.shown):
            body += (["     ⋮"] if index else []) + excerpt.numbered()
        fold = [f"# … {self.fold_note}"] if self.folded else []
        return "\n".join([f"# {self.where}", *body, *fold])


def show_source(
    obj: Any,
    *,
    focus: str | tuple[str, ...] | None = None,
    region: str | None = None,
    lines: tuple[int, int] | None = None,
) -> Source:
    """The source of a kit class, function, method or module, to display in a notebook.

    At most one of: `focus`, the names of methods (or a module's functions) to show;
    `region`, the lines between `# region: <name>` and `# endregion` in the object's source;
    `lines`, a range counted from 1 at the object's first line (both ends included).
    The rest of the object is folded."""
    if sum(choice is not None for choice in (focus, region, lines)) > 1:
        raise ValueError("show_source takes one of focus=, region= or lines=, not several")
    whole = Source(obj).whole
    if focus is not None:
        names = (focus,) if isinstance(focus, str) else focus
        return Source(obj, [_member(obj, name) for name in names])
    if region is not None:
        return Source(obj, [_region(obj, whole, region)])
    if lines is not None:
        return Source(obj, [_line_range(obj, whole, *lines)])
    return Source(obj)


def _member(obj: Any, name: str) -> Excerpt:
    member = inspect.getattr_static(obj, name, None)
    if member is None:
        raise ValueError(f"{_name(obj)} has no {name!r} to focus on")
    member = getattr(member, "__func__", member)  # staticmethod, classmethod
    member = inspect.unwrap(member)
    lines, first_line = inspect.getsourcelines(member)
    return Excerpt(first_line, tuple(line.rstrip("\n") for line in lines))


def _region(obj: Any, whole: Excerpt, name: str) -> Excerpt:
    starts = [i for i, line in enumerate(whole.lines) if _region_name(line) == name]
    if not starts:
        found = sorted({n for line in whole.lines if (n := _region_name(line))})
        raise ValueError(
            f"no region {name!r} in {_name(obj)}; its regions: {', '.join(found) or 'none'}"
        )
    start = starts[0] + 1
    ends = [i for i, line in enumerate(whole.lines[start:], start) if END_REGION.match(line)]
    if not ends:
        raise ValueError(f"region {name!r} in {_name(obj)} has no '# endregion'")
    return Excerpt(whole.first_line + start, whole.lines[start : ends[0]])


def _region_name(line: str) -> str | None:
    match = REGION.match(line)
    return match["name"] if match else None


def _line_range(obj: Any, whole: Excerpt, first: int, last: int) -> Excerpt:
    if not 1 <= first <= last <= len(whole.lines):
        raise ValueError(
            f"lines=({first}, {last}) is outside {_name(obj)}, which has lines 1–{len(whole.lines)}"
        )
    return Excerpt(whole.first_line + first - 1, whole.lines[first - 1 : last])


def _name(obj: Any) -> str:
    return str(getattr(obj, "__qualname__", None) or getattr(obj, "__name__", repr(obj)))
