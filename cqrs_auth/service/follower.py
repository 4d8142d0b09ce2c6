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

An event the projector cannot apply is parked by the projector itself (projection.py). While
the database is away, the thread's ticks back off (backoff.py): one log line when the failures
begin and one when they end; a new event, a sign that the database answers again, is tried at once.

What a login costs its caller is then the write side's six statements; `me { activity }` may
lag it by a few milliseconds (the read side is eventually consistent, as in any CQRS system).
"""

from __future__ import annotations

import logging
import queue
import threading

from ..domain.events import Event
from .backoff import Backoff
from .buses import EventBus
from .projection import ProjectionBehind, UserActivityProjector

log = logging.getLogger(__name__)
STOP = object()  # wakes the thread to end it


class ProjectionFollower:
    def __init__(self, projector: UserActivityProjector, interval: float) -> None:
        self.projector, self.interval = projector, interval
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="projection", daemon=True)
        self._backoff = Backoff(log, "the projection", "catch up", interval)
        self._wait = interval  # until the next tick: longer while the projection fails

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
                items = [self._queue.get(timeout=self._wait)]
            except queue.Empty:
                self._project([])
                continue
            items += self._waiting()
            events = [item for item in items if isinstance(item, Event)]
            if events:
                self._project(events)
            if len(events) < len(items):  # STOP came: what came before it is applied
                return

    def _project(self, events: list[Event]) -> None:
        """Apply one event in turn, or catch up (several events, or none: a tick)."""
        try:
            if len(events) == 1:
                self.projector.execute(events[0])
            else:
                self.projector.catch_up()
        except ProjectionBehind:
            pass  # an earlier event is still being committed: a later event or a tick reaches it
        except Exception as error:  # noqa: BLE001 - the database may be away: tried again later
            self._wait = self._backoff.failed(error)
            return
        self._backoff.succeeded()
        self._wait = self.interval

    def _waiting(self) -> list[object]:
        items = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items
