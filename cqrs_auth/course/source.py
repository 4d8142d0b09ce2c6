"""Show the kit's own code: the live source of an object, highlighted, with file and lines.

Always read from the installed module, never copied into a notebook, so what a chapter shows
is what runs.
"""

from __future__ import annotations

import html
import inspect
from pathlib import Path
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class Source:
    """Displays as highlighted HTML in JupyterLab, as numbered plain text elsewhere."""

    def __init__(self, obj: Any) -> None:
        lines, first_line = inspect.getsourcelines(obj)
        self.first_line = max(first_line, 1)  # a module's source starts at "line 0"
        self.code = "".join(lines)
        path = Path(inspect.getsourcefile(obj) or "?").resolve()
        self.path = path.relative_to(PACKAGE_ROOT) if path.is_relative_to(PACKAGE_ROOT) else path
        self.last_line = self.first_line + len(lines) - 1

    @property
    def where(self) -> str:
        return f"{self.path.as_posix()}, lines {self.first_line}–{self.last_line}"

    def _repr_html_(self) -> str:
        formatter = HtmlFormatter(
            linenos="inline", linenostart=self.first_line, noclasses=True, style="default"
        )
        code = highlight(self.code, PythonLexer(), formatter)
        return f"<div><b>{html.escape(self.where)}</b>{code}</div>"

    def __repr__(self) -> str:
        numbered = [
            f"{self.first_line + index:4} │ {line}"
            for index, line in enumerate(self.code.splitlines())
        ]
        return "\n".join([f"# {self.where}", *numbered])


def show_source(obj: Any) -> Source:
    """The source of a kit class, function or method, to display in a notebook."""
    return Source(obj)
