"""The event log as a transactional outbox, on every backend: stored with the change, dispatched
after commit, kept until every handler and saga succeeded, and dispatched again after a restart."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cqrs_auth import UserCreatedEvent
from cqrs_auth.adapters.tables import users
from cqrs_auth.adapters.unit_of_work import UnitOfWork
from cqrs_auth.domain.errors import ValidationError

from .helpers import count, event_types, expire_claims, sign_up, undispatched_types


def test_a_signup_stores_its_events_oldest_first_and_marks_them_dispatched(app):
    user = sign_up(app)
    stored = app.events()
    assert [e.type for e in stored] == ["UserCreatedEvent", "WelcomeEmailSentEvent"]
    assert [e.position for e in stored] == sorted(e.position for e in stored)
    created = stored[0]
    assert created.aggregate_id == user.user_id
    assert created.payload == {
        "userId": user.user_id,
        "username": "ada",
        "email": "ada@example.org",
    }
    assert all(e.dispatched_at is not None for e in stored)
    assert app.user_created_handler.handled == [created.id]
    [mail] = app.mails()
    assert mail.causation_id == created.id and mail.recipient == "ada@example.org"


def test_a_command_that_fails_before_commit_stores_neither_its_change_nor_its_events(
    app, monkeypatch
):
    real_add_event = UnitOfWork.add_event

    def add_event_then_crash(self, event):
        real_add_event(self, event)
        raise RuntimeError("the process failed before commit")

    monkeypatch.setattr(UnitOfWork, "add_event", add_event_then_crash)
    with pytest.raises(RuntimeError):
        sign_up(app)
    monkeypatch.undo()
    assert count(app, users) == 0
    assert app.events() == [] and app.mails() == []
    assert app.user_created_handler.handled == []


def test_a_refused_command_stores_no_event(app):
    with pytest.raises(ValidationError):
        sign_up(app, password="short")
    assert app.events() == []


def test_events_are_dispatched_only_after_their_transaction_committed(app):
    seen_by_another_connection = []

    class LooksFromOutside:
        def execute(self, event: UserCreatedEvent) -> None:
            with app.engine.connect() as connection:
                query = select(users.c.username)
                seen_by_another_connection.append(list(connection.scalars(query)))

    app.event_bus.register(UserCreatedEvent, LooksFromOutside())
    sign_up(app)
    assert seen_by_another_connection == [["ada"]]


class FailsUntilHealed:
    def __init__(self) -> None:
        self.healed = False
        self.calls = 0

    def execute(self, event: UserCreatedEvent) -> None:
        self.calls += 1
        if not self.healed:
            raise RuntimeError("the handler is broken for now")


def test_a_failing_event_handler_keeps_the_change_and_leaves_the_event_undispatched(app):
    app.event_bus.register(UserCreatedEvent, FailsUntilHealed())
    user = sign_up(app)
    assert user.username == "ada"
    assert count(app, users) == 1
    assert undispatched_types(app) == ["UserCreatedEvent"]
    assert len(app.mails()) == 1  # the saga succeeded; only the broken handler failed


def test_dispatching_pending_events_again_succeeds_once_healed_without_a_second_mail(app):
    broken = FailsUntilHealed()
    app.event_bus.register(UserCreatedEvent, broken)
    sign_up(app)
    assert app.dispatcher.dispatch_pending() == 1  # still broken: stays pending
    assert undispatched_types(app) == ["UserCreatedEvent"]

    broken.healed = True
    assert app.dispatcher.dispatch_pending() == 1
    assert undispatched_types(app) == []
    assert broken.calls == 3
    assert len(app.mails()) == 1
    assert event_types(app).count("WelcomeEmailSentEvent") == 1
    assert app.dispatcher.dispatch_pending() == 0


def test_events_of_a_process_that_died_are_dispatched_by_a_new_app_once_their_claim_ran_out(
    make_app,
):
    dying = make_app()
    dying.dispatcher.dispatch = lambda events: None  # the process dies right after commit
    user = sign_up(dying)
    assert undispatched_types(dying) == ["UserCreatedEvent"]
    assert dying.mails() == []

    too_soon = make_app()  # the dead process's claim still holds
    assert undispatched_types(too_soon) == ["UserCreatedEvent"]

    expire_claims(dying)
    restarted = make_app()
    assert undispatched_types(restarted) == []
    assert restarted.user_created_handler.handled == [dying.events()[0].id]
    [mail] = restarted.mails()
    assert mail.recipient == "ada@example.org"
    assert event_types(restarted) == ["UserCreatedEvent", "WelcomeEmailSentEvent"]
    assert restarted.events()[0].aggregate_id == user.user_id
