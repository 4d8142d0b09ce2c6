"""Poison events and the read model, on every backend: an event the projection cannot restore
or apply is parked with one log line, and the events after it flow; a rebuild parks instead of
aborting; a retry after the fix applies it; and a reused email is no poison at all."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest
from conftest import expire_claims  # tests/conftest.py

from cqrs_auth.course import last_position, projection_position
from cqrs_auth.domain.errors import InvalidCredentials
from cqrs_auth.domain.events import AccountLockedEvent, Event, UserCreatedEvent
from cqrs_auth.service.projection import PROJECTION

from .beyond_helpers import activity, activity_rows
from .helpers import WRONG_PASSWORD, log_in, sign_up, undispatched_types
from .poison_helpers import (
    delete_account,
    edit_payload,
    parked,
    parking_lines,
    store_raw,
    stored_of,
)

GRACE = ("grace", "grace@example.org", "lovelace wrote the first program")


def test_an_email_freed_by_a_deleted_account_signs_up_again_and_is_no_poison(app, caplog):
    old = sign_up(app)
    log_in(app)
    delete_account(app, "ada@example.org")  # the operator's DELETE, outside the kit
    new = sign_up(app, "ada2", "ada@example.org")
    log_in(app)
    log_in(app)
    with pytest.raises(InvalidCredentials):
        log_in(app, password=WRONG_PASSWORD)
    assert activity(app, new.user_id).login_count == 2  # projected, not stuck
    assert activity(app, new.user_id).failed_logins_since_last_success == 1  # its email now
    assert activity(app, old.user_id).login_count == 1  # the old row stays, keyed by its id
    assert activity(app, old.user_id).failed_logins_since_last_success == 0
    assert parked(app) == [] and parking_lines(caplog.records) == []
    rows = activity_rows(app)
    assert app.projector.rebuild().parked == ()
    assert activity_rows(app) == rows


def test_a_stored_event_that_no_longer_fits_its_class_is_parked_and_the_rest_flows(
    app, monkeypatch, caplog
):
    sign_up(app)
    grace = sign_up(app, *GRACE)
    monkeypatch.setattr(app.dispatcher, "dispatch", lambda events: None)  # projected later
    log_in(app)
    monkeypatch.undo()
    [poison] = stored_of(app, "UserLoggedInEvent")
    edit_payload(app, poison.id, userId=None, user=poison.payload["userId"])  # a field renamed
    with caplog.at_level(logging.WARNING):
        log_in(app, GRACE[1], GRACE[2])  # catches up past the poison
        assert activity(app, grace.user_id).login_count == 1
        [row] = app.parked()
        assert (row.event_id, row.position, row.consumer) == (
            poison.id,
            poison.position,
            PROJECTION,
        )
        assert "unexpected keyword argument 'user'" in row.error
        expire_claims(app)
        app.dispatcher.dispatch_pending()  # the relay cannot restore it either: parked, done
    assert parked(app) == [("UserLoggedInEvent", "dispatcher"), ("UserLoggedInEvent", PROJECTION)]
    assert undispatched_types(app) == []
    assert len(parking_lines(caplog.records)) == 2  # one line each, no traceback
    assert not any(record.exc_info for record in caplog.records)


def test_a_type_that_no_longer_exists_is_parked_once_by_the_dispatcher_and_passed_by_the_read_model(
    app, caplog
):
    ada = sign_up(app)
    gone = store_raw(app, "UserRenamedEvent", {"userId": ada.user_id, "username": "ada_l"})
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            log_in(app)
            expire_claims(app)
            app.dispatcher.dispatch_pending()
    assert activity(app, ada.user_id).login_count == 3
    assert [(row.event_id, row.consumer, row.error) for row in app.parked()] == [
        (gone, "dispatcher", "no event class is named UserRenamedEvent")
    ]
    assert len(parking_lines(caplog.records)) == 1
    assert projection_position(app) == last_position(app)  # passed, not stuck before it


def test_an_event_whose_rule_fails_twice_is_parked_and_leaves_nothing_of_its_attempts(app):
    ada = sign_up(app)
    with app.unit_of_work() as uow:  # restorable, but its rule cannot read the lock's end
        uow.add_event(AccountLockedEvent(email=ada.email, failures=5, locked_until="soon"))
        uow.commit()
    [row] = app.parked()
    assert (row.event_type, row.error) == (
        "AccountLockedEvent",
        "ValueError: Invalid isoformat string: 'soon'",
    )
    again = UserCreatedEvent(user_id=ada.user_id, username="ada", email=ada.email)
    with app.unit_of_work() as uow:  # the same account twice: its INSERT fails after it
        uow.add_event(again)  # took the email from ada's row, in the savepoint rolled back
        uow.commit()
    assert parked(app) == [("AccountLockedEvent", PROJECTION), ("UserCreatedEvent", PROJECTION)]
    with pytest.raises(InvalidCredentials):
        log_in(app, password=WRONG_PASSWORD)
    seen = activity(app, ada.user_id)
    assert (seen.failed_logins_since_last_success, seen.locked_until) == (1, None)
    assert app.projector.catch_up().position == app.events()[-1].position


def test_a_rebuild_parks_what_it_cannot_apply_and_a_retry_after_the_fix_applies_it(app):
    sign_up(app)
    grace = sign_up(app, *GRACE)
    log_in(app, GRACE[1], GRACE[2])
    rows = activity_rows(app)
    [poison, _] = stored_of(app, "UserCreatedEvent")
    edit_payload(app, poison.id, email="not an email")  # a rule fails on it: ValueError
    progress = app.projector.rebuild()
    assert [event.event_id for event in progress.parked] == [poison.id]
    assert progress.position == app.events()[-1].position
    assert activity(app, grace.user_id).login_count == 1 and len(activity_rows(app)) == 1
    assert app.retry_parked(poison.id)[0][1] is not None  # not fixed yet: still parked
    assert parked(app) == [("UserCreatedEvent", PROJECTION)]
    edit_payload(app, poison.id, email=poison.payload["email"])  # the operator's fix
    assert [error for _, error in app.retry_parked()] == [None]
    assert parked(app) == [] and activity_rows(app) == rows
    assert app.projector.rebuild().parked == ()  # nothing to park again


def test_an_event_class_redefined_with_other_fields_does_not_stop_the_read_model(app, monkeypatch):
    """As a deploy that renames a field does: the class registered under the stored type name
    (a notebook's class never is: test_event_registry.py) no longer fits the stored payload."""
    monkeypatch.setattr(Event, "registry", dict(Event.registry))

    @dataclass(frozen=True, kw_only=True)
    class TermsAcceptedEvent(Event):  # the first try: a field `user`
        user: str

        @property
        def aggregate_id(self) -> str:
            return self.user

    Event.registry["TermsAcceptedEvent"] = TermsAcceptedEvent
    ada = sign_up(app)
    with app.unit_of_work() as uow:
        uow.add_event(TermsAcceptedEvent(user=ada.user_id))
        uow.commit()

    @dataclass(frozen=True, kw_only=True)
    class TermsAcceptedEvent(Event):  # type: ignore[no-redef]  # the right answer: `user_id`
        user_id: str

        @property
        def aggregate_id(self) -> str:
            return self.user_id

    Event.registry["TermsAcceptedEvent"] = TermsAcceptedEvent
    grace = sign_up(app, *GRACE)
    log_in(app, GRACE[1], GRACE[2])
    assert activity(app, grace.user_id).login_count == 1
    assert parked(app) == [("TermsAcceptedEvent", PROJECTION)]
