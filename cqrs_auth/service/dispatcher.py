"""Dispatching stored events: right after commit, and by the outbox relay for what is left.

Delivery is at least once: an event is marked dispatched only when every handler and saga
succeeded on it. Consumers stay idempotent by the event's id (the welcome mail is keyed on it).
Each event is claimed before its handlers run (see adapters/event_store.py), so with several
processes on one database an event is handled by one process at a time.

Marks are written later, many in one statement: a dispatched event stays claimed by this
process (its lease) until its mark is written, so no other process takes it meanwhile. The
marks are written by the relay's next run (`dispatch_pending` writes them before it claims
anything, so this process never dispatches again what it has dispatched), when the log is read
(`App.events`), when the app closes, and by `dispatch` itself once MARKS_AT_ONCE are waiting or
the oldest has waited half a lease. A process that dies before writing them leaves its events
claimed until the lease runs out; then another process dispatches them again: at least once.

A claimed event that cannot be read back into its class (its type is gone, its payload no longer
fits) is parked for the consumer "dispatcher" and marked dispatched: it no longer stops the
batch it came in, tick after tick (parking.py).
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..adapters.event_store import EventStore, Lease, StoredEvent
from ..domain.events import Event
from ..tracing import traced
from .buses import EventBus
from .parking import DISPATCHER, Parking, Unreadable, parked_now, restored

log = logging.getLogger(__name__)

BATCH_SIZE = 100
MARKS_AT_ONCE = 200


class DispatchMarks:
    """Ids of events dispatched by this process whose mark is not written yet (thread-safe)."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._since = 0.0  # when the oldest waiting mark was added (monotonic clock)
        self._lock = threading.Lock()

    def add(self, event_id: str) -> None:
        with self._lock:
            if not self._ids:
                self._since = time.monotonic()
            self._ids.append(event_id)

    def due(self, max_wait: float) -> bool:
        with self._lock:
            waited = time.monotonic() - self._since
            return len(self._ids) >= MARKS_AT_ONCE or bool(self._ids) and waited >= max_wait

    def take(self) -> list[str]:
        with self._lock:
            ids, self._ids = self._ids, []
            return ids

    def put_back(self, ids: list[str]) -> None:
        with self._lock:
            self._ids[:0] = ids
            self._since = time.monotonic() - 3600.0  # overdue: written at the next chance


class EventDispatcher:
    def __init__(
        self, engine: Engine, event_bus: EventBus, lease: Lease, parking: Parking | None = None
    ) -> None:
        self._engine = engine
        self._event_bus = event_bus
        self.lease = lease
        self.marks = DispatchMarks()
        self.parking = parking or Parking(engine)

    @traced("EventDispatcher.dispatch")
    def dispatch(self, events: list[Event]) -> None:
        """Run the handlers of events this process has claimed; note each for its mark, or give
        its claim back. A database that fails here is logged, not raised: the command has
        committed, and the relay delivers the event once the database (or the lease) allows."""
        for event in events:
            if self._event_bus.publish(event):
                self.marks.add(event.event_id)
            else:
                self._release(event)
        if self.marks.due(self.lease.seconds / 2):
            self._write_marks_or_log()

    def write_marks(self) -> int:
        """Write the marks of the events this process has dispatched; return how many."""
        ids = self.marks.take()
        for start in range(0, len(ids), MARKS_AT_ONCE):
            try:
                with self._engine.begin() as connection:
                    EventStore(connection).mark_dispatched(ids[start : start + MARKS_AT_ONCE])
            except SQLAlchemyError:
                self.marks.put_back(ids[start:])
                raise
        return len(ids)

    def dispatch_pending(self) -> int:
        """Claim and dispatch the events nobody holds that are still undispatched (their
        process died, a handler failed, the database was away), each at most once per call.
        The marks this process owes are written first. Returns how many were claimed."""
        self.write_marks()
        position, total = 0, 0
        while True:
            with self._engine.begin() as connection:
                claimed = EventStore(connection).claim(
                    self.lease, after_position=position, limit=BATCH_SIZE
                )
            if not claimed:
                self.write_marks()
                return total
            log.info("dispatching %d stored event(s) left undispatched", len(claimed))
            self.dispatch(self._restore(claimed))
            position, total = claimed[-1].position, total + len(claimed)

    def _restore(self, claimed: list[StoredEvent]) -> list[Event]:
        """The claimed events as objects of their classes; those that cannot be are parked
        (and marked dispatched), or left claimed if the database would not take the row."""
        restored_events = []
        for stored in claimed:
            try:
                restored_events.append(restored(stored))
            except Unreadable as error:
                if self.parking.park(parked_now(stored.id, stored.type, DISPATCHER, error)):
                    self.marks.add(stored.id)
        return restored_events

    def _release(self, event: Event) -> None:
        try:
            with self._engine.begin() as connection:
                EventStore(connection).release(event.event_id, self.lease)
        except SQLAlchemyError:
            log.exception("could not give back the claim on %s %s", event.type, event.event_id)

    def _write_marks_or_log(self) -> None:
        try:
            self.write_marks()
        except SQLAlchemyError:
            log.exception("could not mark dispatched events; the relay tries again")
