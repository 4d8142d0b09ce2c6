"""The `projection_checkpoints` table: per projection, the position of the last event applied.

The checkpoint moves in the same transaction as the projection's rows, so an event is applied
exactly once, however often it is dispatched.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from .tables import events
from .tables import projection_checkpoints as t


class Checkpoints:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def advance_onto(self, projection: str, event_id: str) -> bool:
        """Move the checkpoint onto the event `event_id` if that event is the very next position
        of the log; return whether it moved. One statement, which also locks the checkpoint row
        until the transaction ends."""
        position = select(events.c.position).where(events.c.id == event_id).scalar_subquery()
        statement = (
            update(t)
            .where(t.c.projection == projection, t.c.position + 1 == position)
            .values(position=position)
        )
        return self.connection.execute(statement).rowcount == 1

    def lock(self, projection: str) -> int:
        """The checkpoint, locked until the transaction ends (SQLite's BEGIN IMMEDIATE already
        holds the whole database): no other projector run can apply events meanwhile."""
        query = select(t.c.position).where(t.c.projection == projection).with_for_update()
        return int(self.connection.execute(query).scalar_one())

    def move(self, projection: str, position: int) -> None:
        self.connection.execute(
            update(t).where(t.c.projection == projection).values(position=position)
        )

    def position_of(self, event_id: str) -> int | None:
        """Where the event `event_id` is in the log, or None if it is not there."""
        query = select(events.c.position).where(events.c.id == event_id)
        return self.connection.execute(query).scalar_one_or_none()
