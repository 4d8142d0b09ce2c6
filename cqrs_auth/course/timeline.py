"""A recorded trace as a waterfall: one row per step, a bar where and how long it ran.

Rows are indented by nesting; the password hash's bars are drawn in another colour, so that
what dominates a login (or is missing from a refused one) shows at a glance.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from .steps import Step, depth

HASH_STEPS = ("PasswordHasher.hash", "PasswordHasher.verify")
RED = "#cf222e"  # the hash bars, and a failed step
BAR = "background:{colour};height:0.9em;margin-left:{left:.1f}%;width:{width:.1f}%;min-width:1px"


def _label(step: Step) -> str:
    return f"{step.participant}: {step.action}"


class Timeline:
    """Displays as an HTML table with bars; as text, the same rows with their milliseconds."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = list(steps)
        self.start = min((s.start_ns for s in self.steps), default=0)
        self.total_ns = max((s.end_ns for s in self.steps), default=0) - self.start or 1

    def _bar(self, step: Step) -> str:
        style = BAR.format(
            colour=RED if step.name in HASH_STEPS else "#0969da",
            left=100 * (step.start_ns - self.start) / self.total_ns,
            width=100 * (step.end_ns - step.start_ns) / self.total_ns,
        )
        return f"<div style='{style}'></div>"

    def _row(self, step: Step) -> str:
        indent = f"padding-left:{1.2 * depth(step, self.steps):.1f}em;text-align:left"
        failed = (
            f" <b style='color:{RED}'>✗ failed: {html.escape(step.error)}</b>" if step.error else ""
        )
        return (
            f"<tr><td style='{indent}'>{html.escape(_label(step))}{failed}</td>"
            f"<td style='text-align:right;white-space:nowrap'>{step.milliseconds:.1f} ms</td>"
            f"<td style='width:45%'>{self._bar(step)}</td></tr>"
        )

    def _repr_html_(self) -> str:
        head = "<tr><th>step</th><th>time</th><th style='text-align:left'>when</th></tr>"
        rows = "".join(self._row(step) for step in self.steps)
        return f"<table class='cqrs-timeline'>{head}{rows}</table>"

    def __repr__(self) -> str:
        lines = [
            f"{'  ' * depth(s, self.steps)}{_label(s)}: {s.milliseconds:.1f} ms"
            + (f" ✗ {s.error}" if s.error else "")
            for s in self.steps
        ]
        return "\n".join(lines)
