"""The read model off the request path: in a server, the projector runs on a thread of its own.

In a notebook, and in the kits the tests build, the projector is one more event handler: a
login's events are projected before the login returns, so a trace shows every step. A server
need not make its caller wait for the read side (NestJS's event handlers, too, run after the
command has returned). There `ProjectionFollower.take_over` puts the follower in the
projector's place on the event bus: handling an event only queues it, and one thread per
process applies it a moment later with the projector's own `execute` (the next event in turn,
or a catch-up). When several events wait, one catch-up applies them all (one read of the log,
one move of the checkpoint). When none come, the thread catches up every `interval` seconds
anyway, so an event behind a gap that was still young, or one another process wrote, is
reached.

What a login costs its caller is then the write side's six statements; `me { activity }` may
lag it by a few milliseconds (the read side is eventually consistent, as in any CQRS system).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from functools import partial

from ..domain.events import Event
from .buses import EventBus
from .projection import ProjectionBehind, UserActivityProjector

log = logging.getLogger(__name__)
STOP = object()  # wakes the thread to end it


class ProjectionFollower:
    def __init__(self, projector: UserActivityProjector, interval: float) -> None:
        self.projector, self.interval = projector, interval
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="projection", daemon=True)

    @classmethod
    def take_over(
        cls, bus: EventBus, projector: UserActivityProjector, interval: float
    ) -> ProjectionFollower:
        """A follower in `projector`'s place on `bus` (not started yet)."""
        follower = cls(projector, interval)
        bus.replace(projector, follower)
        return follower

    def execute(self, event: Event) -> None:
        """The event handler: hand the event to the thread; it never fails the dispatch."""
        self._queue.put(event)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(STOP)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            try:
                items = [self._queue.get(timeout=self.interval)]
            except queue.Empty:
                _try(self.projector.catch_up)
                continue
            items += self._waiting()
            events = [item for item in items if isinstance(item, Event)]
            if len(events) == 1:
                _try(partial(self.projector.execute, events[0]))
            elif events:
                _try(self.projector.catch_up)
            if len(events) < len(items):  # STOP came: what came before it is applied
                return

    def _waiting(self) -> list[object]:
        items = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items


def _try(work: Callable[[], object]) -> None:
    try:
        work()
    except ProjectionBehind:
        pass  # an earlier event is still being committed: a later event or a tick reaches it
    except Exception:  # noqa: BLE001 - the database may be away: the next event or tick retries
        log.warning("the projection could not catch up; it tries again", exc_info=True)
