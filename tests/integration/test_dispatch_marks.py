"""Dispatch marks written later, many at a time (service/dispatcher.py), on every backend: an
event this process dispatched stays claimed by it until its mark is written, so its own relay
never dispatches it again; a process that dies before writing its marks leaves events that are
dispatched again (at least once), which the idempotent consumers make harmless."""

from __future__ import annotations

import time

import pytest
from conftest import expire_claims  # tests/conftest.py
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from cqrs_auth import UserCreatedEvent
from cqrs_auth.adapters.event_store import EventStore
from cqrs_auth.adapters.tables import events, login_failures, mail_outbox, user_activity

from .beyond_helpers import activity_rows, rows_per_table
from .helpers import WRONG_PASSWORD, count, log_in, sign_up, undispatched_types


class Handled:
    def __init__(self) -> None:
        self.ids: list[str] = []

    def execute(self, event: UserCreatedEvent) -> None:
        self.ids.append(event.event_id)


def test_an_event_dispatched_and_not_yet_marked_is_not_dispatched_again_by_its_own_relay(
    make_app,
):
    app = make_app(RELAY_LEASE_SECONDS=0.5)
    handled = Handled()
    app.event_bus.register(UserCreatedEvent, handled)
    sign_up(app)
    assert count(app, events, events.c.dispatchedAt.is_(None)) == 2  # dispatched, not marked
    time.sleep(0.6)  # the claims have run out
    assert app.dispatcher.dispatch_pending() == 0  # it wrote its marks before claiming
    assert len(handled.ids) == 1
    assert count(app, events, events.c.dispatchedAt.is_(None)) == 0


def test_when_the_marks_cannot_be_written_the_relay_claims_nothing_and_writes_them_later(
    make_app, monkeypatch
):
    app = make_app(RELAY_LEASE_SECONDS=0.5)
    handled = Handled()
    app.event_bus.register(UserCreatedEvent, handled)
    sign_up(app)
    time.sleep(0.6)
    real = EventStore.mark_dispatched

    def database_away(self, event_ids):
        raise OperationalError("UPDATE events", {}, Exception("the database is away"))

    monkeypatch.setattr(EventStore, "mark_dispatched", database_away)
    with pytest.raises(OperationalError):
        app.dispatcher.dispatch_pending()
    monkeypatch.setattr(EventStore, "mark_dispatched", real)
    assert app.dispatcher.dispatch_pending() == 0
    assert len(handled.ids) == 1 and undispatched_types(app) == []


def test_marks_waiting_half_a_lease_are_written_by_the_next_dispatch_without_a_relay(make_app):
    app = make_app(RELAY_LEASE_SECONDS=0.4)
    sign_up(app)
    time.sleep(0.25)
    sign_up(app, "bob", "bob@example.org")
    with app.engine.connect() as connection:
        query = select(events.c.dispatchedAt).order_by(events.c.position)
        marked = [moment is not None for moment in connection.scalars(query)]
    assert marked[:2] == [True, True]  # ada's event and her mail's, written by bob's signup


def test_a_process_that_dies_before_writing_its_marks_has_its_events_dispatched_again_harmlessly(
    make_app,
):
    first = make_app(LOGIN_MAX_FAILURES=2)
    sign_up(first)
    log_in(first)
    for _ in range(2):
        with pytest.raises(Exception, match="Invalid email or password"):
            log_in(first, password=WRONG_PASSWORD)
    before = rows_per_table(first) | {"activity": activity_rows(first)}
    assert first.dispatcher.marks.take()  # it dies: the marks it owed are lost with it
    first.engine.dispose()
    expire_claims(first)  # its lease runs out

    second = make_app()  # its start dispatches what is left: every event again
    assert count(second, events, events.c.dispatchedAt.is_(None)) == 0
    assert rows_per_table(second) | {"activity": activity_rows(second)} == before
    assert count(second, mail_outbox) == 1  # one welcome mail, by its causing event
    assert count(second, events, events.c.type == "AccountLockedEvent") == 1
    assert count(second, login_failures, login_failures.c.lockedUntil.is_not(None)) == 1
    assert count(second, user_activity, user_activity.c.loginCount == 1) == 1
