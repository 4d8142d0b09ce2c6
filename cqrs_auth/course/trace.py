"""`with trace() as t: ...` records the spans of what ran in the block; `t` shows them.

The kit's spans (cqrs_auth.tracing) go to the process's one SDK tracer provider. A single
span processor, added once, hands each finished span to the recordings open at that moment,
each an SDK `InMemorySpanExporter`; so recordings can be opened and closed at will although
the provider can be set only once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from ..telemetry import tracer_provider
from .steps import Step, steps_of


class _Recordings(SpanProcessor):
    """Forwards every finished span to the exporters of the recordings now open."""

    def __init__(self) -> None:
        self.open: list[InMemorySpanExporter] = []

    def on_end(self, span: ReadableSpan) -> None:
        for exporter in list(self.open):
            exporter.export([span])


_recordings: _Recordings | None = None
_lock = threading.Lock()


def _processor() -> _Recordings:
    global _recordings
    with _lock:
        if _recordings is None:
            _recordings = _Recordings()
            tracer_provider().add_span_processor(_recordings)
        return _recordings


class Trace:
    """The spans of one recording, in the order they started (filled when the block ends)."""

    def __init__(self) -> None:
        self.spans: tuple[ReadableSpan, ...] = ()  # as the SDK recorded them
        self.steps: list[Step] = []

    def names(self) -> list[str]:
        return [step.name for step in self.steps]

    def milliseconds(self, name: str | None = None) -> float:
        """How long the steps of that name took together; with no name, the whole trace."""
        if name is None:
            ids = {step.span_id for step in self.steps}
            roots = [step for step in self.steps if step.parent_id not in ids]
            return sum(step.milliseconds for step in roots)
        return sum(step.milliseconds for step in self.steps if step.name == name)

    def step(self, name: str) -> Step:
        """The first step of that name."""
        return next(step for step in self.steps if step.name == name)

    def diagram(self) -> Any:
        from .sequence import SequenceDiagram

        return SequenceDiagram(self.steps)

    def timeline(self) -> Any:
        from .timeline import Timeline

        return Timeline(self.steps)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.diagram(), self.timeline())


@contextmanager
def trace() -> Iterator[Trace]:
    """Record the spans of everything the block runs in this process. A full garbage collection
    first: the kernel's own garbage, collected inside the block, would show as tens of
    milliseconds in whichever step allocated at that moment."""
    gc.collect()
    recordings, exporter, recorded = _processor(), InMemorySpanExporter(), Trace()
    recordings.open.append(exporter)
    try:
        yield recorded
    finally:
        recordings.open.remove(exporter)
        recorded.spans = exporter.get_finished_spans()
        recorded.steps = steps_of(recorded.spans)
