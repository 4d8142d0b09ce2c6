"""The `user_activity` projection: a read model kept from the event log, apart from the write side.

The projector is an event handler registered for every event type, because it keeps its place
in the log: the checkpoint, the position of the last event it applied, which moves in the same
transaction as the rows. (In a server, a ProjectionFollower takes its place on the bus and runs
it on a thread of its own, off the request path: follower.py.) Events reach it at least once
and not always in log order (a failed dispatch is retried later by the relay, after newer
events), so it never applies an event out of turn:

- the event is the very next one after the checkpoint: apply it (move the checkpoint onto it and
  change the row: one multi-table UPDATE on MySQL/MariaDB, two statements on SQLite);
- otherwise read the log from the checkpoint, in order, and apply what it missed ("catch up").
  An event at or before the checkpoint is already applied: nothing to do.

Positions are handed out when a transaction writes its event, but transactions commit in any
order: position 11 may be visible while 10 is still being written. A catch-up stops before such
a gap, and an event it could not reach raises ProjectionBehind, so it stays undispatched and the
relay hands it over again. A gap that stays (its transaction rolled back) is passed once the
event after it is PROJECTION_GAP_TIMEOUT_SECONDS old.

An event the projector cannot apply (it cannot be read back into its class, or applying it
fails, twice) is parked, not retried for ever: the checkpoint moves past it in the same
transaction that writes its `parked_events` row, and the events after it flow
(projection_parking.py). A transient failure (the database away) is raised: the caller tries
again later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine

from ..adapters.checkpoints import CheckpointMove, Checkpoints, NotNext
from ..adapters.clock import utcnow
from ..adapters.db import read_only
from ..adapters.event_store import EventStore, StoredEvent
from ..adapters.parked_events import ParkedEvents
from ..adapters.user_activity import UserActivityRows
from ..domain.activity import UserActivity
from ..domain.events import (
    AccountDeletedEvent,
    AccountLockedEvent,
    Event,
    PasswordChangedEvent,
    PasswordResetRequestedEvent,
    UserCreatedEvent,
    UserLoggedInEvent,
    UserLoggedOutEvent,
    UserLoginFailedEvent,
)
from ..domain.queries import GetUserActivityQuery
from ..domain.rules import parse_email
from .parking import TryLater, is_transient
from .projection_parking import PROJECTION, Progress, apply_or_park, retry, run_parking

BATCH = 500  # events read from the log at a time while catching up


class ProjectionBehind(TryLater):
    """The projection cannot reach this event yet: an earlier one is still being committed."""


def apply(event: Event, rows: UserActivityRows) -> None:
    """The projection's rules: what each event changes in `user_activity` (one statement at
    most, but for a signup whose email a deleted account's row still holds). Events with no
    rule here change nothing, and neither do erased events (issue 21): they belong to a
    deleted account, whose row AccountDeletedEvent drops (or, in a rebuild, never made)."""
    if event.is_erased:
        return
    match event:
        case UserCreatedEvent():
            email = parse_email(event.email).normalised
            rows.signed_up(event.user_id, email, event.occurred_at)
        case UserLoggedInEvent():
            rows.logged_in(event.user_id, event.occurred_at)
        case UserLoginFailedEvent():
            rows.login_failed(event.email)
        case AccountLockedEvent():
            rows.locked(event.email, datetime.fromisoformat(event.locked_until))
        case PasswordResetRequestedEvent() if event.email:
            rows.reset_requested(event.email, event.occurred_at)
        case PasswordChangedEvent():
            rows.password_changed(event.user_id, event.occurred_at)
        case UserLoggedOutEvent():
            rows.logged_out(event.user_id, event.occurred_at)
        case AccountDeletedEvent():
            rows.deleted(event.user_id)


class UserActivityProjector:
    def __init__(self, engine: Engine, gap_timeout: timedelta) -> None:
        self.engine, self.gap_timeout = engine, gap_timeout

    def execute(self, event: Event) -> None:
        """The event handler: apply `event` in turn, or catch up to it (unless one read shows
        it applied already: with concurrent requests, another one's catch-up often has). If
        applying it fails, the catch-up tries it once more, and parks it if it fails again."""
        suspects: set[str] = set()
        try:
            if self._apply_if_next(event) or self._applied(event):
                return
        except Exception as error:
            if is_transient(error):
                raise
            suspects.add(event.event_id)
        reached = run_parking(self.engine, self._catch_up, suspects).position
        with read_only(self.engine.connect()) as connection:
            position = Checkpoints(connection).position_of(event.event_id)
        if position is not None and position > reached:
            raise ProjectionBehind(
                f"{PROJECTION} is at position {reached}, before {event.type} at {position}: "
                "an earlier event is not committed yet; this one stays undispatched"
            )

    def catch_up(self) -> Progress:
        """Apply every event after the checkpoint, in log order (up to a gap still young)."""
        return run_parking(self.engine, self._catch_up, set())

    def rebuild(self) -> Progress:
        """Empty the table and apply the whole log again, in one transaction: readers see the
        old rows until the new ones are complete. What it cannot apply is parked again."""
        return run_parking(self.engine, self._rebuild, set())

    def retry(self, event_id: str) -> str | None:
        """Apply a parked event now, out of turn (projection_parking.retry)."""
        return retry(self.engine, apply, event_id)

    def row_count(self) -> int:
        with self.engine.connect() as connection:
            return UserActivityRows(connection).count()

    def _apply_if_next(self, event: Event) -> bool:
        """Apply `event` with the checkpoint's move onto it, if it is the very next one."""
        try:
            with self.engine.begin() as connection:
                rows = UserActivityRows(connection, CheckpointMove(PROJECTION, event.event_id))
                apply(event, rows)
                rows.make_pending_move()  # an event without a rule moves the checkpoint alone
        except NotNext:
            return False
        return True

    def _applied(self, event: Event) -> bool:
        with read_only(self.engine.connect()) as connection:
            checkpoint, position = Checkpoints(connection).progress(PROJECTION, event.event_id)
        return position is not None and position <= checkpoint

    def _catch_up(self, connection: Connection, suspects: set[str]) -> Progress:
        return self._follow(connection, Checkpoints(connection).lock(PROJECTION), suspects)

    def _rebuild(self, connection: Connection, suspects: set[str]) -> Progress:
        checkpoints = Checkpoints(connection)
        checkpoints.lock(PROJECTION)
        UserActivityRows(connection).delete_all()
        ParkedEvents(connection).unpark_all(PROJECTION)
        checkpoints.move(PROJECTION, 0)
        return self._follow(connection, 0, suspects)

    def _follow(self, connection: Connection, start: int, suspects: set[str]) -> Progress:
        """Apply the events after `start` a batch at a time; leave the checkpoint on the last
        (parked ones included)."""
        rows, position, applied, parked, more = UserActivityRows(connection), start, 0, [], True
        while more:
            batch = EventStore(connection).read(position, BATCH)
            for stored in batch:
                if self._young_gap_before(stored, position):
                    break
                if problem := apply_or_park(connection, apply, rows, stored, suspects):
                    parked.append(problem)
                position, applied = stored.position, applied + (problem is None)
            more = len(batch) == BATCH and position == batch[-1].position
        if position != start:
            Checkpoints(connection).move(PROJECTION, position)
        for problem in parked:
            ParkedEvents(connection).park(problem)
        return Progress(position, applied, tuple(parked))

    def _young_gap_before(self, stored: StoredEvent, position: int) -> bool:
        """Whether positions are missing before `stored` that may still be committed."""
        return stored.position != position + 1 and utcnow() - stored.occurred_at < self.gap_timeout


class GetUserActivityHandler:
    """The query handler: it reads the projection's table and nothing else."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def execute(self, query: GetUserActivityQuery) -> UserActivity | None:
        with read_only(self.engine.connect()) as connection:
            return UserActivityRows(connection).get(query.user_id)
