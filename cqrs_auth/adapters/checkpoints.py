"""The `projection_checkpoints` table: per projection, the position of the last event applied.

The checkpoint moves in the same transaction as the projection's rows, so an event is applied
exactly once, however often it is dispatched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, Update, bindparam, select, update

from .tables import events
from .tables import projection_checkpoints as t

POSITION = select(events.c.position).where(events.c.id == bindparam("event_id")).scalar_subquery()
# The checkpoint row of the projection, if the event is the very next one after it.
IS_NEXT = (t.c.projection == bindparam("name"), t.c.position + 1 == POSITION)
ADVANCE = update(t).where(*IS_NEXT).values(position=POSITION)
LOCK = select(t.c.position).where(t.c.projection == bindparam("name")).with_for_update()
MOVE = update(t).where(t.c.projection == bindparam("name")).values(position=bindparam("to"))
POSITION_OF = select(events.c.position).where(events.c.id == bindparam("event_id"))
PROGRESS = select(t.c.position, POSITION).where(t.c.projection == bindparam("name"))


class NotNext(Exception):
    """The event is not the very next one after the checkpoint: the move was not made."""


class Checkpoints:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def advance_onto(self, projection: str, event_id: str) -> bool:
        """Move the checkpoint onto the event `event_id` if that event is the very next position
        of the log; return whether it moved. One statement, which also locks the checkpoint row
        until the transaction ends."""
        params = {"name": projection, "event_id": event_id}
        return self.connection.execute(ADVANCE, params).rowcount == 1

    def lock(self, projection: str) -> int:
        """The checkpoint, locked until the transaction ends (SQLite's BEGIN IMMEDIATE already
        holds the whole database): no other projector run can apply events meanwhile."""
        return int(self.connection.execute(LOCK, {"name": projection}).scalar_one())

    def move(self, projection: str, position: int) -> None:
        self.connection.execute(MOVE, {"name": projection, "to": position})

    def progress(self, projection: str, event_id: str) -> tuple[int, int | None]:
        """The checkpoint, and where the event `event_id` is in the log (None if not there),
        in one read."""
        params = {"name": projection, "event_id": event_id}
        checkpoint, position = self.connection.execute(PROGRESS, params).one()
        return int(checkpoint), position

    def position_of(self, event_id: str) -> int | None:
        """Where the event `event_id` is in the log, or None if it is not there."""
        return self.connection.execute(POSITION_OF, {"event_id": event_id}).scalar_one_or_none()


def moving_checkpoint(row: ColumnElement[bool], values: dict[Column[Any], Any]) -> Update:
    """A change of `values` in the row of another table that `row` finds, made together with
    the checkpoint's move, in one multi-table UPDATE (MySQL/MariaDB): both happen, or neither
    (the event is not the next one, or the row is not there). The two tables share no column:
    the statement is the product of one row of each (hence no from-linting on MySQL engines)."""
    return update(t).where(*IS_NEXT, row).values({t.c.position: POSITION, **values})


@dataclass(frozen=True)
class CheckpointMove:
    """A move of `projection`'s checkpoint onto the event `event_id`, if that is the next one."""

    projection: str
    event_id: str

    def carries(self, connection: Connection) -> bool:
        """Whether a row's UPDATE can carry the move (MySQL's multi-table UPDATE; not SQLite)."""
        return connection.dialect.name != "sqlite"

    def make(self, connection: Connection) -> None:
        if not Checkpoints(connection).advance_onto(self.projection, self.event_id):
            raise NotNext(self.event_id)

    def make_with(self, connection: Connection, moving: Update, params: dict[str, Any]) -> None:
        """Run `moving` (from `moving_checkpoint`); if it changed nothing, the row may be
        missing (an email without an account): then move the checkpoint alone."""
        own = {"name": self.projection, "event_id": self.event_id}
        if connection.execute(moving, params | own).rowcount == 0:
            self.make(connection)
