"""Issue 18, parts 2 and 3, on SQLite and MariaDB, on a clock the test moves: whatever an attacker
does with the email alone, the owner holds a working reset link; a request for an email nobody has
leaves no trace of it in the event log; reset tokens, reset links and logged-out sessions go once
they cannot be used; a flood of anonymous requests gives the relay no work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cqrs_auth import App
from cqrs_auth.adapters import expired_rows, mail_outbox
from cqrs_auth.adapters.clock import utcnow
from cqrs_auth.adapters.tables import ended_sessions, events, password_reset_tokens
from cqrs_auth.adapters.tables import mail_outbox as outbox_table
from cqrs_auth.auth.reset_tokens import hash_reset_token
from cqrs_auth.bootstrap import reading
from cqrs_auth.domain.commands import LogoutCommand, PerformLoginCommand
from cqrs_auth.domain.errors import InvalidCredentials, TooManyAttempts
from cqrs_auth.service import password_reset, reset_mails
from cqrs_auth.service.janitor import Janitor
from cqrs_auth.service.reset_mails import RESET_SUBJECT

from .beyond_helpers import request_reset, reset_password, reset_tokens_mailed, statements
from .helpers import WRONG_PASSWORD, count, log_in, sign_up

TICK = timedelta(microseconds=1)
SECOND, MINUTE = timedelta(seconds=1), timedelta(minutes=1)


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """One clock for the reset request, its mail and token, the reset, and the outbox."""
    clock = Clock()
    for module in (password_reset, reset_mails, mail_outbox):
        monkeypatch.setattr(module, "utcnow", clock)
    return clock


def usable(app: App, token: str, now: datetime) -> bool:
    with reading(app.engine) as uow:
        return uow.reset_tokens.user_of(hash_reset_token(token), now) is not None


def attack(app: App, clock: Clock, requests: int, logins: int) -> None:
    """What the attacker can do with the email alone: ask for resets, fail logins. A second
    apart, each request followed by the relay's pass (the mails are told apart by their time)."""
    for _ in range(requests):
        clock.now += SECOND
        request_reset(app)
        app.dispatcher.dispatch_pending()
    for _ in range(logins):
        with pytest.raises((InvalidCredentials, TooManyAttempts)):
            log_in(app, password=WRONG_PASSWORD)


def owner_has_a_working_link(app: App, clock: Clock) -> bool:
    """The newest reset link in the owner's mailbox works, or a request now mails one that does
    (the relay's next pass: here, at once)."""
    mailed = reset_tokens_mailed(app)
    if mailed and usable(app, mailed[-1], clock.now):
        return True
    clock.now += SECOND
    request_reset(app)
    app.dispatcher.dispatch_pending()
    return usable(app, reset_tokens_mailed(app)[-1], clock.now)


@pytest.mark.parametrize("hammering", [False, True], ids=["one burst", "every minute"])
def test_whatever_the_attacker_does_with_the_email_the_owner_holds_a_working_link(
    make_app, clock, hammering
):
    app = make_app(LOGIN_MAX_FAILURES=3)
    app.command_bus.handler_for(PerformLoginCommand).attempts.clock = clock
    sign_up(app)
    window = timedelta(seconds=app.settings.PASSWORD_RESET_WINDOW_SECONDS)
    limit = app.settings.PASSWORD_RESET_MAX_REQUESTS
    attack(app, clock, requests=limit + 2, logins=5)  # every request the window allows, and a lock
    for _ in range(int(2.5 * window / MINUTE)):
        clock.now += MINUTE
        if hammering:
            attack(app, clock, requests=limit + 2, logins=1)
        assert owner_has_a_working_link(app, clock), clock.now
    assert reset_password(app, reset_tokens_mailed(app)[-1]) is True  # the lock ends with it
    assert log_in(app, password="a brand new passphrase for ada").user.username == "ada"


def test_an_email_nobody_has_leaves_no_trace_of_itself_in_the_event_log(app):
    sign_up(app)
    request_reset(app, "Nobody.Here@Example.org")
    request_reset(app)
    with app.engine.connect() as connection:
        stored = [tuple(map(str, row)) for row in connection.execute(select(events))]
    assert not any("nobody" in field.lower() for row in stored for field in row)
    assert any("ada@example.org" in field for row in stored for field in row)  # an account's
    anonymous, own = [e for e in app.events() if e.type == "PasswordResetRequestedEvent"]
    assert anonymous.payload["email"] == "" and len(anonymous.aggregate_id) == 64
    assert own.payload["email"] == "ada@example.org"
    assert anonymous.aggregate_id != own.aggregate_id


def sweep(app: App, now: datetime) -> dict[str, int]:
    return Janitor(app.engine, app.settings, clock=lambda: now).sweep()


def reset_mail_recipients(app: App) -> list[str]:
    return [m.recipient for m in app.mails() if m.subject == RESET_SUBJECT]


def test_used_replaced_and_expired_reset_links_and_tokens_are_deleted_and_live_ones_kept(
    app, clock
):
    sign_up(app)
    sign_up(app, "bob", "bob@example.org")
    for email in ("ada@example.org", "bob@example.org", "ada@example.org"):
        clock.now += SECOND
        request_reset(app, email)
        app.dispatcher.dispatch_pending()
    assert reset_password(app, reset_tokens_mailed(app, "bob@example.org")[-1]) is True
    newest, ttl = clock.now, timedelta(seconds=app.settings.PASSWORD_RESET_TTL_SECONDS)
    swept = sweep(app, newest)
    assert swept["password_reset_tokens"] == 1  # bob's, used
    assert swept["mail_outbox"] == 2  # bob's used link and ada's first, replaced
    assert reset_mail_recipients(app) == ["ada@example.org"]
    assert count(app, password_reset_tokens) == 1
    [live] = reset_tokens_mailed(app)
    assert usable(app, live, newest + ttl - TICK)
    almost = sweep(app, newest + ttl - TICK)
    secrets = ("password_reset_tokens", "mail_outbox", "ended_sessions")
    assert [almost[table] for table in secrets] == [0, 0, 0]
    swept = sweep(app, newest + ttl)
    assert swept["password_reset_tokens"] == 1 and swept["mail_outbox"] == 1
    assert reset_mail_recipients(app) == [] and count(app, password_reset_tokens) == 0
    assert len(app.mails()) == 3  # the welcome mails and bob's "password changed" stay


def sweep_reset_mails_only(app: App, now: datetime) -> int:
    """The janitor's rule for reset mails alone, with every token row left where it is. (A sweep
    deletes unusable tokens first, so there a mail whose token is used or expired has no token
    row either, whichever part of the rule judges it; and a sweep's batches are bounded, so
    tokens it has not reached yet are still there when it comes to the mails.)"""
    ttl = timedelta(seconds=app.settings.PASSWORD_RESET_TTL_SECONDS)
    dead = expired_rows.dead_reset_mails(now, ttl, RESET_SUBJECT)
    with app.engine.begin() as connection:
        return expired_rows.delete_expired(connection, outbox_table, dead, 100)


def test_a_reset_mail_goes_when_its_link_expires_even_while_its_unused_token_is_still_stored(
    app, clock
):
    sign_up(app)
    clock.now += SECOND
    request_reset(app)
    app.dispatcher.dispatch_pending()
    sent, ttl = clock.now, timedelta(seconds=app.settings.PASSWORD_RESET_TTL_SECONDS)
    assert sweep_reset_mails_only(app, sent + ttl - TICK) == 0
    assert reset_mail_recipients(app) == ["ada@example.org"]
    assert sweep_reset_mails_only(app, sent + ttl) == 1  # expired to the microsecond
    assert reset_mail_recipients(app) == [] and count(app, password_reset_tokens) == 1


def test_a_used_links_mail_goes_while_its_token_is_still_stored_whoever_else_holds_a_live_one(
    app, clock
):
    sign_up(app)
    sign_up(app, "bob", "bob@example.org")
    for email in ("ada@example.org", "bob@example.org"):  # ada's token is older than bob's mail
        clock.now += SECOND
        request_reset(app, email)
        app.dispatcher.dispatch_pending()
    assert reset_password(app, reset_tokens_mailed(app, "bob@example.org")[-1]) is True
    assert sweep_reset_mails_only(app, clock.now) == 1  # bob's: his link was used
    assert reset_mail_recipients(app) == ["ada@example.org"]  # hers still works
    assert count(app, password_reset_tokens) == 2  # bob's used token too, untouched


def test_a_logged_out_session_is_kept_until_its_token_expires_and_goes_then(app):
    sign_up(app)
    login = log_in(app)
    app.command_bus.execute(LogoutCommand(login.access_token))
    with app.engine.connect() as connection:
        expires = connection.scalar(select(ended_sessions.c.expiresAt)).replace(tzinfo=UTC)
    assert expires > utcnow() + timedelta(seconds=app.settings.JWT_EXPIRES_IN - 60)
    assert sweep(app, expires - TICK)["ended_sessions"] == 0
    assert sweep(app, expires)["ended_sessions"] == 1 and count(app, ended_sessions) == 0


FLOOD = 200


def relay_pass_after(app: App, anonymous_requests: int) -> int:
    """Statements of the relay's pass that writes ada's reset mail, with this many requests for
    emails nobody has stored ahead of hers."""
    for number in range(anonymous_requests):
        request_reset(app, f"flood{anonymous_requests}.{number}@example.org")
    request_reset(app)
    mails = len(reset_tokens_mailed(app))
    with statements(app.engine) as sent:
        app.dispatcher.dispatch_pending()
    assert len(reset_tokens_mailed(app)) == mails + 1  # her mail, in this very pass
    return len(sent)


def test_a_flood_of_anonymous_requests_gives_the_relay_no_work_so_delays_no_mail(make_app):
    """A request for an email nobody has is stored as dispatched already (it needs no handler):
    the relay never claims it, and the read model reads such events 500 at a time. So a flood
    ahead of a user's request adds to the pass that writes the user's mail a few statements of
    the read model's catch-up (one more read per 500), whatever the flood's size."""
    app = make_app(PASSWORD_RESET_MAX_REQUESTS=10)
    sign_up(app)
    app.dispatcher.dispatch_pending()
    alone = relay_pass_after(app, 0)
    flooded = relay_pass_after(app, FLOOD)
    doubled = relay_pass_after(app, 2 * FLOOD)
    assert flooded - alone <= FLOOD_EXTRA_STATEMENTS and doubled == flooded, (alone, flooded)
    stored = [e for e in app.events() if e.type == "PasswordResetRequestedEvent"]
    anonymous = [e for e in stored if e.payload["email"] == ""]
    assert len(anonymous) == 3 * FLOOD and all(e.dispatched_at for e in anonymous)


FLOOD_EXTRA_STATEMENTS = 8  # README and SECURITY.md state the bound
