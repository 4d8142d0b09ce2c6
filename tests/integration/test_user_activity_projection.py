"""The `user_activity` read model on every backend: projected from the event log, applied once
per event whatever the order of dispatch, lagging while dispatch is held back, rebuilt equal."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest
from conftest import expire_claims  # tests/conftest.py

from cqrs_auth.adapters.clock import utcnow
from cqrs_auth.domain.errors import InvalidCredentials, TooManyAttempts
from cqrs_auth.domain.queries import GetUserActivityQuery

from .beyond_helpers import (
    NEW_PASSWORD,
    activity,
    activity_rows,
    request_reset,
    reset_password,
    reset_tokens_mailed,
    statements,
)
from .helpers import PASSWORD, WRONG_PASSWORD, log_in, sign_up, undispatched_types


def occurred(app, event_type: str) -> list[datetime]:
    return [e.occurred_at for e in app.events() if e.type == event_type]


def checkpoint(app) -> int:
    return app.projector.catch_up().position


def test_a_signup_and_its_logins_appear_in_the_users_activity(app):
    ada = sign_up(app)
    assert activity(app, ada.user_id).login_count == 0
    log_in(app)
    log_in(app)
    seen = activity(app, ada.user_id)
    assert seen.signed_up_at == occurred(app, "UserCreatedEvent")[0]
    assert seen.login_count == 2
    assert seen.last_login_at == occurred(app, "UserLoggedInEvent")[-1]
    assert (seen.failed_logins_since_last_success, seen.locked_until) == (0, None)


def test_failures_and_the_lock_are_projected_and_a_success_starts_the_failures_again(make_app):
    app = make_app(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_SECONDS=1)
    ada = sign_up(app)
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            log_in(app, password=WRONG_PASSWORD)
    assert activity(app, ada.user_id).failed_logins_since_last_success == 2
    log_in(app)
    assert activity(app, ada.user_id).failed_logins_since_last_success == 0
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            log_in(app, password=WRONG_PASSWORD)
    with pytest.raises(TooManyAttempts):
        log_in(app)
    [locked] = [e for e in app.events() if e.type == "AccountLockedEvent"]
    seen = activity(app, ada.user_id)
    assert seen.failed_logins_since_last_success == 3
    assert seen.locked_until == datetime.fromisoformat(locked.payload["lockedUntil"])
    time.sleep(max(0.0, (seen.locked_until - utcnow()).total_seconds()) + 0.05)  # the lock ends
    log_in(app)
    after = activity(app, ada.user_id)
    assert after.failed_logins_since_last_success == 0  # a success leaves the lock's end as it was
    assert after.locked_until == seen.locked_until


def test_failed_logins_for_an_email_without_an_account_make_no_row(app):
    ada = sign_up(app)
    with pytest.raises(InvalidCredentials):
        log_in(app, "nobody@example.org", WRONG_PASSWORD)
    assert len(activity_rows(app)) == 1
    assert activity(app, ada.user_id).failed_logins_since_last_success == 0


def test_a_reset_request_and_the_password_change_are_projected(app):
    ada = sign_up(app)
    with pytest.raises(InvalidCredentials):
        log_in(app, password=WRONG_PASSWORD)
    request_reset(app)
    app.dispatcher.dispatch_pending()
    reset_password(app, reset_tokens_mailed(app)[0])
    seen = activity(app, ada.user_id)
    assert seen.password_reset_requested_at == occurred(app, "PasswordResetRequestedEvent")[0]
    assert seen.password_changed_at == occurred(app, "PasswordChangedEvent")[0]
    assert seen.failed_logins_since_last_success == 0


def test_the_query_reads_the_projection_table_and_nothing_else(app):
    ada = sign_up(app)
    with statements(app.read_engine) as sent:  # the queries' engine
        assert activity(app, ada.user_id).login_count == 0
    assert len(sent) == 1 and "FROM user_activity" in sent[0]
    assert app.query_bus.execute(GetUserActivityQuery("not-a-uuid")) is None


def test_an_event_dispatched_again_changes_nothing(app):
    sign_up(app)
    log_in(app)
    rows, position = activity_rows(app), checkpoint(app)
    for stored in app.events():
        app.projector.execute(stored.to_event())
    assert activity_rows(app) == rows
    assert checkpoint(app) == position == app.events()[-1].position


def test_the_read_side_lags_while_dispatch_is_held_back_and_catches_up_when_dispatched(
    app, monkeypatch
):
    ada = sign_up(app)
    log_in(app)
    monkeypatch.setattr(app.dispatcher, "dispatch", lambda events: None)  # the relay is late
    log_in(app)
    log_in(app)
    assert undispatched_types(app) == ["UserLoggedInEvent", "UserLoggedInEvent"]
    assert activity(app, ada.user_id).login_count == 1  # the read side is behind the log
    monkeypatch.undo()
    expire_claims(app)  # the claims of the dispatch that never came run out
    assert app.dispatcher.dispatch_pending() == 2
    assert activity(app, ada.user_id).login_count == 3
    assert activity(app, ada.user_id).last_login_at == occurred(app, "UserLoggedInEvent")[-1]


def test_events_dispatched_newest_first_are_applied_in_log_order_once_each(app, monkeypatch):
    ada = sign_up(app)
    monkeypatch.setattr(app.dispatcher, "dispatch", lambda events: None)
    for password in (WRONG_PASSWORD, WRONG_PASSWORD, PASSWORD, WRONG_PASSWORD):
        try:
            log_in(app, password=password)
        except InvalidCredentials:
            pass
    monkeypatch.undo()
    pending = [stored.to_event() for stored in app.events() if stored.dispatched_at is None]
    assert len(pending) == 4
    app.dispatcher.dispatch(pending[::-1])  # the newest first: it catches up, the others are done
    seen = activity(app, ada.user_id)
    assert (seen.login_count, seen.failed_logins_since_last_success) == (1, 1)
    assert undispatched_types(app) == []
    rows = activity_rows(app)
    app.projector.rebuild()
    assert activity_rows(app) == rows


def test_a_rebuild_from_the_log_alone_gives_the_same_rows(make_app):
    app = make_app(LOGIN_MAX_FAILURES=2)
    sign_up(app)
    grace = sign_up(app, "grace", "grace@example.org", "lovelace wrote the first program")
    log_in(app)
    for email in ("grace@example.org", "grace@example.org", "nobody@example.org"):
        with pytest.raises(InvalidCredentials):
            log_in(app, email, WRONG_PASSWORD)
    request_reset(app)
    request_reset(app, "nobody@example.org")
    app.dispatcher.dispatch_pending()
    reset_password(app, reset_tokens_mailed(app)[0])
    log_in(app, password=NEW_PASSWORD)
    rows = activity_rows(app)
    assert len(rows) == 2 and activity(app, grace.user_id).locked_until is not None

    app.projector.rebuild()
    assert activity_rows(app) == rows
    with app.engine.begin() as connection:  # spoil the read model: a rebuild repairs it
        connection.exec_driver_sql("UPDATE user_activity SET loginCount = 99")
    progress = app.projector.rebuild()
    assert activity_rows(app) == rows
    assert progress.position == app.events()[-1].position
    assert progress.applied == len(app.events())


def test_a_successful_login_sends_one_projection_statement_on_mysql_and_two_on_sqlite(
    app, monkeypatch
):
    sign_up(app)
    log_in(app)
    sent_by_projector: list[str] = []
    real_execute = app.projector.execute

    def counted(event):
        with statements(app.engine) as sent:
            real_execute(event)
        sent_by_projector.extend(sent)

    monkeypatch.setattr(app.projector, "execute", counted)
    log_in(app)
    if app.engine.dialect.name == "sqlite":  # no multi-table UPDATE: the checkpoint, then the row
        assert len(sent_by_projector) == 2
        assert sent_by_projector[0].startswith("UPDATE projection_checkpoints SET")
        assert sent_by_projector[1].startswith("UPDATE user_activity SET")
    else:  # both rows in one statement
        assert len(sent_by_projector) == 1
        assert sent_by_projector[0].startswith("UPDATE projection_checkpoints, user_activity SET")


def test_concurrent_logins_of_many_users_are_each_counted_once(make_app):
    app = make_app(HASH_CONCURRENCY=4)
    users = [sign_up(app, f"user{i}", f"user{i}@example.org") for i in range(6)]
    errors: list[Exception] = []

    def log_in_three_times(email: str) -> None:
        try:
            for _ in range(3):
                log_in(app, email)
        except Exception as error:  # noqa: BLE001 - the test reports every failure
            errors.append(error)

    threads = [threading.Thread(target=log_in_three_times, args=(u.email,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    app.dispatcher.dispatch_pending()  # an event that waited behind a slower commit
    assert [activity(app, u.user_id).login_count for u in users] == [3] * 6
    rows = activity_rows(app)
    app.projector.rebuild()
    assert activity_rows(app) == rows
