"""Dispatching stored events after commit, and again after a restart.

Delivery is at least once: an event is marked dispatched only when every handler and saga
succeeded on it. Consumers stay idempotent by the event's id (the welcome mail is keyed on it).
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from ..adapters.event_store import EventStore
from ..domain.events import Event
from ..tracing import traced
from .buses import EventBus

log = logging.getLogger(__name__)


class EventDispatcher:
    def __init__(self, engine: Engine, event_bus: EventBus) -> None:
        self._engine = engine
        self._event_bus = event_bus

    @traced("EventDispatcher.dispatch")
    def dispatch(self, events: list[Event]) -> None:
        for event in events:
            if self._event_bus.publish(event):
                with self._engine.begin() as connection:
                    EventStore(connection).mark_dispatched(event.event_id)

    def dispatch_pending(self) -> int:
        """Dispatch what was committed but never dispatched (the process died, a handler
        failed). Returns how many there were."""
        with self._engine.connect() as connection:
            pending = EventStore(connection).undispatched()
        if pending:
            log.info("dispatching %d stored event(s) left undispatched", len(pending))
        self.dispatch([stored.to_event() for stored in pending])
        return len(pending)
