"""A recorded trace as a Mermaid sequence diagram: who called whom, in order, and what failed.

The diagram is made of names only (participants, message types, error classes), so it is the
same on every run and every database; the times are in the timeline. A failure is drawn as one:
where an error starts, a note names it and its code (`failed: InvalidCredentials, code
UNAUTHENTICATED`), and its way back to the caller is crossed arrows (`--x`) on a red band.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..domain.errors import KitError
from .steps import Step

CALLER = "you"
LAYOUT = (
    '%%{init: {"sequence": {"mirrorActors": false, "actorMargin": 10, "width": 120, '
    '"boxMargin": 4, "messageMargin": 28, "wrap": true}}}%%'
)
FAILURE_BAND = "    rect rgba(207, 34, 46, 0.18)"


def _participant_id(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _label(name: str) -> str:
    """`Create User Handler`: spaces where a long name may wrap. (Mermaid breaks a word that is
    too long for its box anywhere, with a hyphen.)"""
    if " " in name:  # `saga password_reset_requested`: each word on its own
        return " ".join(_label(word) for word in name.split(" "))
    if len(name) <= 9:
        return name
    if "_" in name:
        middle = name.rfind("_", 0, len(name) // 2 + 3) + 1
        return f"{name[:middle]} {name[middle:]}" if middle else name
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)


def _error_codes(error: type[KitError] = KitError) -> dict[str, str]:
    """Each kit error's class name and its GraphQL code: `InvalidCredentials` → UNAUTHENTICATED."""
    codes = {error.__name__: error.code}
    for subclass in error.__subclasses__():
        codes.update(_error_codes(subclass))
    return codes


def _failed_note(participant: str, error: str) -> str:
    """A note from the caller's lifeline to the failing one's: wide enough for its words on one
    line (a note over one narrow lifeline breaks `InvalidCredentials` with a hyphen)."""
    code = _error_codes().get(error)
    text = f"failed: {error}" + (f", code {code}" if code else "")
    return f"    Note over {CALLER},{participant}: {text}"


def _message(name: str) -> str:
    """`UserCreated Event`: a message type keeps its words together but its kind apart."""
    return re.sub(r"(?<=[a-z])(?=(Command|Query|Event)$)", " ", name)


class SequenceDiagram:
    """Displays as a rendered diagram in JupyterLab (MIME type text/vnd.mermaid)."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = list(steps)
        self.source = "\n".join(self._lines())

    def _lines(self) -> list[str]:
        participants = dict.fromkeys(step.participant for step in self.steps)
        lines = [LAYOUT, "sequenceDiagram", f"    participant {CALLER}"]
        lines += [f"    participant {_participant_id(p)} as {_label(p)}" for p in participants]
        ids = {step.span_id for step in self.steps}
        for root in (step for step in self.steps if step.parent_id not in ids):
            lines += self._calls(root, CALLER, passes_on=False)
        return lines

    def _calls(self, step: Step, caller: str, *, passes_on: bool) -> list[str]:
        """The step's call, its children's, and its return. `passes_on`: its error is its
        caller's too (the band then goes on up); else the band of its failure ends with it."""
        callee = _participant_id(step.participant)
        lines = [f"    {caller}->>+{callee}: {_message(step.action)}"]
        children = [s for s in self.steps if s.parent_id == step.span_id]
        failed_with_it = [c for c in children if step.error and c.error == step.error]
        for child in children:
            lines += self._calls(
                child, callee, passes_on=bool(failed_with_it) and child is failed_with_it[-1]
            )
        if not step.error:
            return [*lines, f"    deactivate {callee}"]
        if not failed_with_it:  # the error starts here
            lines += [FAILURE_BAND, _failed_note(callee, step.error)]
        lines.append(f"    {callee}--x-{caller}: {step.error}")
        return lines if passes_on else [*lines, "    end"]

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"text/vnd.mermaid": self.source, "text/plain": self.source}
