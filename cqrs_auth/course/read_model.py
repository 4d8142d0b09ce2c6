"""Chapter 8's views of the read model: its rows, its checkpoint, and a dispatch held back.

`dispatch_held_back(app)` stands in for a process that stops between a commit and the dispatch
after it (a crash, a relay that is late): the events are stored, but no listener gets them, so
the read model falls behind the log until the relay delivers them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
from sqlalchemy import select

from ..adapters.event_store import EventStore
from ..adapters.tables import projection_checkpoints, user_activity
from ..bootstrap import App
from ..domain.events import Event
from ..service.projection import PROJECTION


def activity_rows(app: App) -> list[dict[str, Any]]:
    """Every row of `user_activity`, as stored, oldest signup first (userId as a UUID string)."""
    with app.engine.connect() as connection:
        query = select(user_activity).order_by(user_activity.c.signedUpAt, user_activity.c.userId)
        rows = [dict(row._mapping) for row in connection.execute(query)]
    return [{**row, "userId": str(uuid.UUID(bytes=bytes(row["userId"])))} for row in rows]


def activity_table(app: App) -> pd.DataFrame:
    """The `user_activity` table as a learner reads it: one row per user, one column per field."""
    columns = [column.name for column in user_activity.columns]
    return pd.DataFrame(activity_rows(app), columns=columns).astype(object)


def projection_position(app: App) -> int:
    """The read model's checkpoint: the log position of the last event it applied."""
    query = select(projection_checkpoints.c.position).where(
        projection_checkpoints.c.projection == PROJECTION
    )
    with app.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


@contextmanager
def dispatch_held_back(app: App) -> Iterator[list[Event]]:
    """Inside the block, commits store their events but nobody dispatches them; the list
    yielded collects them. On leaving, their claims are given back (as the end of the lease
    would do), so the relay's next step, `app.dispatcher.dispatch_pending()`, delivers them."""
    held: list[Event] = []

    def hold(events: list[Event]) -> None:
        held.extend(events)

    app.dispatcher.dispatch = hold  # type: ignore[method-assign]
    try:
        yield held
    finally:
        del app.dispatcher.dispatch
        with app.engine.begin() as connection:
            store = EventStore(connection)
            for event in held:
                store.release(event.event_id, app.dispatcher.lease)
