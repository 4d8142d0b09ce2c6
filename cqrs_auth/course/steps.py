"""A recorded span as the course shows it: who was called, with what, for how long."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from opentelemetry.sdk.trace import ReadableSpan

MESSAGE_ATTRIBUTES = ("cqrs.command", "cqrs.query", "cqrs.event", "cqrs.message")


@dataclass(frozen=True)
class Step:
    name: str
    span_id: int
    parent_id: int | None
    start_ns: int
    end_ns: int
    message: str  # the command, query or event type it handled, if any
    operation: str  # the GraphQL operation's name, if any
    error: str | None  # the error's class name, if it raised

    @property
    def milliseconds(self) -> float:
        return (self.end_ns - self.start_ns) / 1e6

    @property
    def participant(self) -> str:
        """Who ran it: `CommandBus` for `CommandBus.execute`, the resolvers for `resolver me`."""
        if self.name.startswith("resolver "):
            return "GraphQL resolvers"
        return self.name.split(".", 1)[0]

    @property
    def action(self) -> str:
        """What it was asked: `CreateUserCommand` (on a bus), `execute`, `verify`, `signup`."""
        if self.name.startswith("resolver "):
            field = self.name.removeprefix("resolver ")
            return f"{field} (operation {self.operation})" if self.operation else field
        _, _, verb = self.name.partition(".")
        if self.message and (self.participant.endswith("Bus") or not verb):
            return self.message  # what enters a bus, or reaches a saga
        return verb or "run"


def _step(span: ReadableSpan) -> Step:
    attributes = dict(span.attributes or {})
    message = next((str(attributes[a]) for a in MESSAGE_ATTRIBUTES if a in attributes), "")
    error = attributes.get("error.type")
    return Step(
        name=span.name,
        span_id=span.context.span_id if span.context else 0,
        parent_id=span.parent.span_id if span.parent else None,
        start_ns=span.start_time or 0,
        end_ns=span.end_time or 0,
        message=message,
        operation=str(attributes.get("cqrs.operation", "")),
        error=str(error) if error else None,
    )


def steps_of(spans: Sequence[ReadableSpan]) -> list[Step]:
    # A parent starts before its children and ends after them: it sorts first even on a tie.
    return sorted((_step(span) for span in spans), key=lambda s: (s.start_ns, -s.end_ns))


def depth(step: Step, steps: Sequence[Step]) -> int:
    by_id = {s.span_id: s for s in steps}
    level, parent = 0, by_id.get(step.parent_id or -1)
    while parent is not None:
        level, parent = level + 1, by_id.get(parent.parent_id or -1)
    return level
