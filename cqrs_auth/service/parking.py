"""Poison events: what a consumer of the event log does with an event it cannot apply.

A consumer fails on an event for one of two kinds of reason:

- transient: the database is away or busy (SQLAlchemy's OperationalError, InterfaceError,
  DisconnectionError, the pool's TimeoutError), or the projection cannot reach the event yet
  (`TryLater`). Trying later works, so the consumer tries again, with backoff, and parks nothing.
- anything else: the event cannot be read back into its class (its type is gone, its fields no
  longer fit the class), or applying it fails. Trying again fails the same way, and until the
  code or the row is fixed it would hold up everything behind it. So once it has failed again,
  the consumer parks the event (a row in `parked_events`, one log line) and moves on:
  - restoring fails the same way every time (the same row, the same code): parked at once;
  - the projection tries a failed event once more at once, and parks it if it fails again;
  - an event handler or saga parks it at its FAILURES_BEFORE_PARKING-th failure in a row on the
    event (the dispatch, then the relay's passes), counted in memory; the event is then marked
    dispatched for the other consumers.

`cqrs-auth parked` lists parked events; `cqrs-auth parked --retry [EVENT_ID]` tries them again.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine
from sqlalchemy.exc import (
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
    TimeoutError,
)

from ..adapters.clock import utcnow
from ..adapters.event_store import EventStore, StoredEvent
from ..adapters.parked_events import ParkedEvent, ParkedEvents
from ..domain.events import Event

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, DisconnectionError, TimeoutError)
FAILURES_BEFORE_PARKING = 3  # an event handler's or saga's, on one event, in a row
STRIKES_KEPT = 10_000  # failures counted at most (the oldest are forgotten)
DISPATCHER = "dispatcher"  # the consumer that parks what cannot be restored for the bus


class TryLater(Exception):
    """A failure that says "not yet": the event will be applied later, it is no poison."""


class Unreadable(Exception):
    """A stored event that cannot be read back into its class."""


def is_transient(error: BaseException) -> bool:
    return isinstance(error, (*TRANSIENT, TryLater))


def describe(error: BaseException) -> str:
    """The error in one line: its class and the first line of its message."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def restored(stored: StoredEvent) -> Event:
    """The stored event as an object of its class, or Unreadable saying why it cannot be."""
    try:
        return stored.to_event()
    except KeyError as error:
        if error.args != (stored.type,):
            raise Unreadable(f"{stored.type} cannot be restored: {describe(error)}") from error
        raise Unreadable(f"no event class is named {stored.type}") from error
    except Exception as error:  # noqa: BLE001 - whatever the class's constructor raises
        raise Unreadable(f"{stored.type} no longer fits its payload: {describe(error)}") from error


def parked_now(event_id: str, event_type: str, consumer: str, error: BaseException) -> ParkedEvent:
    text = str(error) if isinstance(error, Unreadable) else describe(error)
    return ParkedEvent(event_id, event_type, consumer, text, utcnow())


def log_parked(parked: ParkedEvent) -> None:
    where = f" at position {parked.position}" if parked.position is not None else ""
    log.warning(
        "%s parked %s %s%s: %s (`cqrs-auth parked` lists it; --retry %s tries it again)",
        parked.consumer, parked.event_type, parked.event_id, where, parked.error, parked.event_id,
    )  # fmt: skip


class Parking:
    """Parks events for the event bus and the dispatcher, each in a transaction of its own."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._strikes: dict[tuple[str, str], int] = {}  # (event id, consumer): failures in a row
        self._lock = threading.Lock()

    def failed(self, event: Event, consumer: str, error: Exception) -> bool:
        """Count a consumer's failure on `event`; park the event for it at the last one allowed.
        Whether it is parked now (the event then counts as handled by that consumer)."""
        if is_transient(error):
            return False
        key = (event.event_id, consumer)
        with self._lock:
            strikes = self._strikes.pop(key, 0) + 1
            if strikes < FAILURES_BEFORE_PARKING:
                self._strikes[key] = strikes
                if len(self._strikes) > STRIKES_KEPT:
                    del self._strikes[next(iter(self._strikes))]
                return False
        return self.park(parked_now(event.event_id, event.type, consumer, error))

    def succeeded(self, event: Event, consumer: str) -> None:
        if self._strikes:
            with self._lock:
                self._strikes.pop((event.event_id, consumer), None)

    def park(self, parked: ParkedEvent) -> bool:
        """Write the parked row and log it; False if the database would not take it."""
        try:
            with self.engine.begin() as connection:
                ParkedEvents(connection).park(parked)
        except SQLAlchemyError as error:
            log.warning("could not park %s %s: %s", parked.event_type, parked.event_id, error)
            return False
        log_parked(parked)
        return True

    def listed(self, event_id: str | None = None) -> list[ParkedEvent]:
        with self.engine.connect() as connection:
            return ParkedEvents(connection).listed(event_id)

    def hand_back(self, parked: ParkedEvent) -> None:
        """An event parked by a handler, a saga or the dispatcher, back to the relay: it is
        undispatched again and unparked (its consumers are idempotent by the event's id)."""
        with self.engine.begin() as connection:
            EventStore(connection).undispatch(parked.event_id)
            ParkedEvents(connection).unpark(parked.event_id, parked.consumer)
