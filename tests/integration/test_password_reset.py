"""Password reset on every backend: the mail and its one-time link, the token's lifetime and
single use, the password rules, the lock cleared, and requests that reveal no account."""

from __future__ import annotations

import base64
import hashlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from cqrs_auth.adapters.clock import utcnow
from cqrs_auth.adapters.tables import password_reset_tokens, users
from cqrs_auth.auth.reset_tokens import email_key
from cqrs_auth.domain.commands import RequestPasswordResetCommand, ResetPasswordCommand
from cqrs_auth.domain.errors import (
    InvalidCredentials,
    ServerBusy,
    TooManyAttempts,
    ValidationError,
)
from cqrs_auth.service import password_reset
from cqrs_auth.service.password_reset import INVALID_TOKEN

from .beyond_helpers import (
    NEW_PASSWORD,
    request_reset,
    reset_password,
    reset_tokens_mailed,
    rows_per_table,
    statements,
)
from .helpers import PASSWORD, WRONG_PASSWORD, count, event_types, log_in, sign_up


def mailed_token(app, email: str = "ada@example.org") -> str:
    """Ask for a reset, let the relay dispatch, and return the token of the newest mail."""
    assert request_reset(app, email) is True
    app.dispatcher.dispatch_pending()
    return reset_tokens_mailed(app, email)[-1]


def stored_token_hashes(app) -> list[bytes]:
    with app.engine.connect() as connection:
        return [bytes(h) for h in connection.scalars(select(password_reset_tokens.c.tokenHash))]


def test_the_request_answers_true_and_the_mail_follows_when_the_relay_dispatches(app):
    sign_up(app)
    assert request_reset(app) is True
    assert reset_tokens_mailed(app) == []  # nothing sent while answering
    assert app.dispatcher.dispatch_pending() == 1
    [token] = reset_tokens_mailed(app)
    [mail] = [m for m in app.mails() if "#token=" in m.body]
    assert f"{app.settings.PASSWORD_RESET_URL}#token={token}" in mail.body
    assert mail.recipient == "ada@example.org"
    assert event_types(app)[-2:] == ["PasswordResetRequestedEvent", "PasswordResetEmailSentEvent"]


def test_the_token_is_32_random_bytes_and_only_its_sha256_is_stored(app):
    sign_up(app)
    token = mailed_token(app)
    assert len(base64.urlsafe_b64decode(token + "=")) == 32
    assert stored_token_hashes(app) == [hashlib.sha256(token.encode()).digest()]
    with app.engine.connect() as connection:
        tables = ["users", "events", "login_failures", "password_reset_tokens", "user_activity"]
        dumped = repr([connection.exec_driver_sql(f"SELECT * FROM {t}").all() for t in tables])
    assert token not in dumped
    [sent] = [e for e in app.events() if e.type == "PasswordResetEmailSentEvent"]
    expires = utcnow() + timedelta(seconds=app.settings.PASSWORD_RESET_TTL_SECONDS)
    assert sent.payload["expiresAt"] <= expires.isoformat()
    assert set(sent.payload) == {"userId", "email", "mailId", "expiresAt"}


def test_a_reset_sets_the_new_password_clears_failures_and_lock_and_mails_the_user(make_app):
    app = make_app(LOGIN_MAX_FAILURES=3)
    sign_up(app)
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            log_in(app, password=WRONG_PASSWORD)
    with pytest.raises(TooManyAttempts):
        log_in(app)
    token = mailed_token(app)

    hashes_before = app.hasher.calls
    assert reset_password(app, token) is True
    assert app.hasher.calls == hashes_before + 1  # one argon2id hash: the new password's
    assert log_in(app, password=NEW_PASSWORD).user.email == "ada@example.org"
    with pytest.raises(InvalidCredentials):
        log_in(app, password=PASSWORD)
    assert "PasswordChangedEvent" in event_types(app)
    assert event_types(app).count("PasswordChangedEmailSentEvent") == 1
    assert [m.subject for m in app.mails()][-1] == "Your password was changed"
    with app.engine.connect() as connection:
        [stored] = connection.scalars(select(users.c.password))
    assert stored.startswith("$argon2id$") and app.hasher.context.verify(NEW_PASSWORD, stored)


def _used(app, token):
    reset_password(app, token)
    return token


def _expired(app, token, monkeypatch):
    ttl = timedelta(seconds=app.settings.PASSWORD_RESET_TTL_SECONDS + 1)
    later = utcnow() + ttl
    monkeypatch.setattr(password_reset, "utcnow", lambda: later)
    return token


def _replaced(app, token):
    mailed_token(app)  # a second request: a new token
    return token


BAD_TOKENS = {
    "unknown": lambda app, token, _: token[::-1],
    "empty": lambda app, token, _: "",
    "used": lambda app, token, _: _used(app, token),
    "expired": _expired,
    "replaced by a newer request": lambda app, token, _: _replaced(app, token),
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_a_bad_token_is_refused_with_the_one_token_error_and_no_hash(app, monkeypatch, kind):
    sign_up(app)
    token = BAD_TOKENS[kind](app, mailed_token(app), monkeypatch)
    hashes_before = app.hasher.calls
    with pytest.raises(ValidationError) as refused:
        reset_password(app, token, "yet another passphrase for ada")
    assert (refused.value.message, refused.value.extensions) == (
        INVALID_TOKEN,
        {"code": "BAD_USER_INPUT", "field": "token"},
    )
    assert app.hasher.calls == hashes_before
    assert log_in(app, password=NEW_PASSWORD if kind == "used" else PASSWORD)


def test_a_token_just_before_it_expires_still_works(app, monkeypatch):
    sign_up(app)
    token = mailed_token(app)
    almost = utcnow() + timedelta(seconds=app.settings.PASSWORD_RESET_TTL_SECONDS - 5)
    monkeypatch.setattr(password_reset, "utcnow", lambda: almost)
    assert reset_password(app, token) is True


def test_a_second_request_replaces_the_first_token(app):
    sign_up(app)
    first, second = mailed_token(app), mailed_token(app)
    assert first != second and len(stored_token_hashes(app)) == 1
    with pytest.raises(ValidationError):
        reset_password(app, first)
    assert reset_password(app, second) is True


@pytest.mark.parametrize(
    ("password", "confirmation", "field"),
    [
        ("too short", "too short", "password"),
        ("1qaz2wsx3edc4rfv", "1qaz2wsx3edc4rfv", "password"),
        ("ada@example.org and more", "ada@example.org and more", "password"),
        (NEW_PASSWORD, "something else entirely", "passwordConfirm"),
    ],
)
def test_the_signup_password_rules_apply_and_a_refused_password_keeps_the_token(
    app, password, confirmation, field
):
    sign_up(app)
    token = mailed_token(app)
    hashes_before = app.hasher.calls
    with pytest.raises(ValidationError) as refused:
        app.command_bus.execute(ResetPasswordCommand(token, password, confirmation))
    assert refused.value.field == field
    assert app.hasher.calls == hashes_before
    assert reset_password(app, token) is True


def test_racing_resets_with_one_token_let_exactly_one_win(make_app):
    app = make_app(HASH_CONCURRENCY=4)
    sign_up(app)
    token = mailed_token(app)
    passwords = [f"racing passphrase number {i}" for i in range(8)]
    barrier = threading.Barrier(len(passwords), timeout=60)
    outcomes: dict[str, object] = {}

    def reset(password: str) -> None:
        barrier.wait()
        try:
            outcomes[password] = reset_password(app, token, password)
        except ValidationError as error:
            outcomes[password] = error.extensions

    threads = [threading.Thread(target=reset, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [p for p, outcome in outcomes.items() if outcome is True]
    assert len(winners) == 1
    losers = [o for o in outcomes.values() if o is not True]
    assert losers == [{"code": "BAD_USER_INPUT", "field": "token"}] * 7
    assert event_types(app).count("PasswordChangedEvent") == 1
    assert log_in(app, password=winners[0])


def test_a_request_costs_the_same_with_or_without_an_account(app):
    sign_up(app)
    costs = {}
    for email in ("ada@example.org", "nobody@example.org"):
        rows_before, hashes_before = rows_per_table(app), app.hasher.calls
        with statements(app.engine) as sent:
            answer = request_reset(app, email)
        rows_after = rows_per_table(app)
        written = {t: rows_after[t] - rows_before[t] for t in rows_after}
        costs[email] = (answer, sent, written, app.hasher.calls - hashes_before)
    assert costs["ada@example.org"] == costs["nobody@example.org"]
    answer, sent, written, hashes = costs["nobody@example.org"]
    assert answer is True and hashes == 0 and len(sent) == 3
    assert written == {**dict.fromkeys(written, 0), "events": 1, "password_reset_requests": 1}

    app.dispatcher.dispatch_pending()  # only then is the mail written
    assert len(reset_tokens_mailed(app)) == 1
    assert reset_tokens_mailed(app, "nobody@example.org") == []


def test_requests_over_the_limit_answer_true_and_send_nothing_with_or_without_an_account(
    make_app, monkeypatch
):
    app = make_app(PASSWORD_RESET_MAX_REQUESTS=2, PASSWORD_RESET_WINDOW_SECONDS=600)
    sign_up(app)
    for email in ("ada@example.org", "nobody@example.org"):
        assert [request_reset(app, email) for _ in range(5)] == [True] * 5
    requested = [e.aggregate_id for e in app.events() if e.type == "PasswordResetRequestedEvent"]
    keys = [
        email_key(app.settings.JWT_SECRET, e) for e in ("ada@example.org", "nobody@example.org")
    ]
    assert requested == [keys[0]] * 2 + [keys[1]] * 2
    app.dispatcher.dispatch_pending()
    assert len(reset_tokens_mailed(app)) == 2

    later = utcnow() + timedelta(seconds=601)
    monkeypatch.setattr(password_reset, "utcnow", lambda: later)
    assert request_reset(app) is True  # a new window
    app.dispatcher.dispatch_pending()
    assert len(reset_tokens_mailed(app)) == 3


def test_racing_requests_for_one_email_stay_within_the_limit(make_app):
    app = make_app(PASSWORD_RESET_MAX_REQUESTS=3)
    sign_up(app)
    barrier = threading.Barrier(10, timeout=60)

    def ask() -> None:
        barrier.wait()
        request_reset(app)

    threads = [threading.Thread(target=ask) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert event_types(app).count("PasswordResetRequestedEvent") == 3


def test_a_request_dispatched_twice_sends_one_mail_and_makes_one_token(app):
    sign_up(app)
    token = mailed_token(app)
    hashes = stored_token_hashes(app)
    [requested] = [e for e in app.events() if e.type == "PasswordResetRequestedEvent"]
    assert app.event_bus.publish(requested.to_event())
    assert reset_tokens_mailed(app) == [token]
    assert stored_token_hashes(app) == hashes


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (RequestPasswordResetCommand("ada\ud800@example.org"), "email"),
        (ResetPasswordCommand("tok\ud800en", NEW_PASSWORD, NEW_PASSWORD), "token"),
        (ResetPasswordCommand("token", "pass\ud800word", NEW_PASSWORD), "password"),
        (ResetPasswordCommand("token", NEW_PASSWORD, "pass\ud800word"), "passwordConfirm"),
    ],
)
def test_input_that_is_not_text_is_refused_naming_its_field_before_anything_is_done(
    app, command, field
):
    sign_up(app)
    rows_before = rows_per_table(app)
    with statements(app.engine) as sent, pytest.raises(ValidationError) as refused:
        app.command_bus.execute(command)
    assert refused.value.field == field
    assert sent == [] and rows_per_table(app) == rows_before
    assert count(app, password_reset_tokens) == 0


def test_a_reset_refused_by_a_busy_hash_lane_keeps_the_token(app, monkeypatch):
    sign_up(app)
    token = mailed_token(app)

    def busy(password: str) -> str:
        raise ServerBusy()

    monkeypatch.setattr(app.hasher, "hash", busy)
    with pytest.raises(ServerBusy):
        reset_password(app, token)
    monkeypatch.undo()
    assert reset_password(app, token) is True
