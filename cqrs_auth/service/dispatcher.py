"""Dispatching stored events: right after commit, and by the outbox relay for what is left.

Delivery is at least once: an event is marked dispatched only when every handler and saga
succeeded on it. Consumers stay idempotent by the event's id (the welcome mail is keyed on it).
Each event is claimed before its handlers run (see adapters/event_store.py), so with several
processes on one database an event is handled by one process at a time.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..adapters.event_store import EventStore, Lease
from ..domain.events import Event
from ..tracing import traced
from .buses import EventBus

log = logging.getLogger(__name__)

BATCH_SIZE = 100


class EventDispatcher:
    def __init__(self, engine: Engine, event_bus: EventBus, lease: Lease) -> None:
        self._engine = engine
        self._event_bus = event_bus
        self.lease = lease

    @traced("EventDispatcher.dispatch")
    def dispatch(self, events: list[Event]) -> None:
        """Run the handlers of events this process has claimed; mark each dispatched, or give
        its claim back. A database that fails here is logged, not raised: the command has
        committed, and the relay delivers the event once the database (or the lease) allows."""
        for event in events:
            ok = self._event_bus.publish(event)
            try:
                with self._engine.begin() as connection:
                    store = EventStore(connection)
                    if ok:
                        store.mark_dispatched(event.event_id)
                    else:
                        store.release(event.event_id, self.lease)
            except SQLAlchemyError:
                log.exception("could not record the dispatch of %s %s", event.type, event.event_id)

    def dispatch_pending(self) -> int:
        """Claim and dispatch the events nobody holds that are still undispatched (their
        process died, a handler failed, the database was away), each at most once per call.
        Returns how many were claimed."""
        position, total = 0, 0
        while True:
            with self._engine.begin() as connection:
                claimed = EventStore(connection).claim(
                    self.lease, after_position=position, limit=BATCH_SIZE
                )
            if not claimed:
                return total
            log.info("dispatching %d stored event(s) left undispatched", len(claimed))
            self.dispatch([stored.to_event() for stored in claimed])
            position, total = claimed[-1].position, total + len(claimed)
