"""How the `user_activity` projector parks a poison event (parking.py says what counts as one).

A catch-up or a rebuild is one transaction. An event that cannot be read back into its class
fails the same way every time: it is parked at once. An event whose rule fails makes the run
roll back, and the run starts again with that event as a suspect: this time it is applied in a
SAVEPOINT, and if it fails again the savepoint is rolled back (nothing of the attempt stays) and
the event is parked. Parking writes its `parked_events` row in the run's transaction, which
also moves the checkpoint past it, and logs one line once that transaction has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Engine

from ..adapters.checkpoints import Checkpoints
from ..adapters.event_store import EventStore, StoredEvent
from ..adapters.parked_events import ParkedEvent, ParkedEvents
from ..adapters.user_activity import UserActivityRows
from ..domain.events import Event
from .parking import Unreadable, is_transient, log_parked, parked_now, restored

PROJECTION = "user_activity"


class CannotApply(Exception):
    """Applying the event failed (the first time): the run is rolled back and tried again."""

    def __init__(self, event_id: str) -> None:
        super().__init__(event_id)
        self.event_id = event_id


@dataclass(frozen=True)
class Progress:
    position: int  # the checkpoint after the run
    applied: int  # events read from the log and applied (or skipped: no rule for them)
    parked: tuple[ParkedEvent, ...] = ()  # events set aside (not counted in `applied`)


Rules = Callable[[Event, UserActivityRows], None]
Run = Callable[[Connection, set[str]], Progress]


def run_parking(engine: Engine, run: Run, suspects: set[str]) -> Progress:
    """`run` in a transaction, again with one suspect more after each CannotApply (so the runs
    end: a suspect is parked, never raised again); log what the run that committed parked."""
    while True:
        try:
            with engine.begin() as connection:
                progress = run(connection, suspects)
        except CannotApply as failure:
            suspects.add(failure.event_id)
            continue
        for parked in progress.parked:
            log_parked(parked)
        return progress


def apply_or_park(
    connection: Connection,
    rules: Rules,
    rows: UserActivityRows,
    stored: StoredEvent,
    suspects: set[str],
) -> ParkedEvent | None:
    """Apply one stored event by `rules`; what to park instead, if it is a poison. A transient
    failure is raised as it is. A type the kit has no class for (a notebook's own event, or one
    a later version wrote) has no rule here: passed, as a projection passes the events it does
    not handle; the dispatcher, whose job is to deliver it, parks it."""
    if stored.type not in Event.registry:
        return None
    suspect = stored.id in suspects
    try:
        event = restored(stored)
        with connection.begin_nested() if suspect else nullcontext():
            rules(event, rows)
    except Exception as error:
        if is_transient(error):
            raise
        if not suspect and not isinstance(error, Unreadable):
            raise CannotApply(stored.id) from error
        return replace(
            parked_now(stored.id, stored.type, PROJECTION, error), position=stored.position
        )
    return None


def retry(engine: Engine, rules: Rules, event_id: str) -> str | None:
    """Apply a parked event now, out of turn, and unpark it; or say why it still fails (it stays
    parked, with that error). An event gone from the log has nothing to apply: unparked."""
    stored: StoredEvent | None = None
    try:
        with engine.begin() as connection:
            Checkpoints(connection).lock(PROJECTION)  # no catch-up meanwhile
            stored = EventStore(connection).get(event_id)
            if stored is not None:
                rules(restored(stored), UserActivityRows(connection))
            ParkedEvents(connection).unpark(event_id, PROJECTION)
    except Exception as error:
        if is_transient(error) or stored is None:
            raise
        parked = parked_now(stored.id, stored.type, PROJECTION, error)
        with engine.begin() as connection:
            ParkedEvents(connection).park(parked)
        return parked.error
    return None
