"""Forgetting a person (issue 21), on SQLite and MariaDB: after deleteAccount no row of any table
holds the email or the username, the log keeps its events and positions, a rebuild gives the same
rows for everyone else and keeps the erasure, the email signs up again from nothing, the old
token is refused, and the login answers as for an email nobody has."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from cqrs_auth import App
from cqrs_auth.adapters.tables import (
    ended_sessions,
    login_failures,
    mail_outbox,
    password_reset_requests,
    password_reset_tokens,
)
from cqrs_auth.course.search import places_holding
from cqrs_auth.domain.commands import (
    ChangePasswordCommand,
    DeleteAccountCommand,
    LogoutCommand,
    RequestPasswordResetCommand,
)
from cqrs_auth.domain.errors import InvalidCredentials, NotAuthenticated, ValidationError
from cqrs_auth.domain.events import ERASED

from .beyond_helpers import activity, activity_rows
from .helpers import PASSWORD, WRONG_PASSWORD, count, event_types, log_in, sign_up

EMAIL, USERNAME = "Ada.Lovelace@Example.org", "ada_lovelace"
DELETE = "mutation ($p: String!) { deleteAccount(password: $p) }"


def history(app: App, email: str = EMAIL, username: str = USERNAME) -> tuple[str, str]:
    """A signup, a failed login, a login, a reset request and its mail: (user id, token)."""
    user = sign_up(app, username, email)
    with pytest.raises(InvalidCredentials):
        log_in(app, email, WRONG_PASSWORD)
    token = log_in(app, email).access_token
    app.command_bus.execute(RequestPasswordResetCommand(email))
    app.dispatcher.dispatch_pending()
    return user.user_id, token


def delete(app: App, token: str, password: str = PASSWORD) -> Any:
    return app.command_bus.execute(DeleteAccountCommand(token, password))


def everywhere(app: App, *needles: str) -> dict[str, Any]:
    return {
        needle: dict(places) for needle in needles if (places := places_holding(app.engine, needle))
    }


@pytest.fixture
def app(make_app) -> App:
    return make_app(LOGIN_MAX_FAILURES=3)


def test_after_the_deletion_no_row_of_any_table_holds_the_email_or_the_username(app):
    user_id, token = history(app)
    assert set(everywhere(app, EMAIL, USERNAME)) == {EMAIL, USERNAME}  # the search finds them
    assert ("events", "aggregateId") in everywhere(app, EMAIL)[EMAIL]
    before = [(e.position, e.id, e.type) for e in app.events()]
    assert app.graphql(DELETE, {"p": PASSWORD}, token=token) == {"data": {"deleteAccount": True}}
    assert everywhere(app, EMAIL, USERNAME, "lovelace") == {}
    after = app.events()
    assert [(e.position, e.id, e.type) for e in after][: len(before)] == before
    assert [e.type for e in after[len(before) :]] == ["AccountDeletedEvent"]
    assert activity(app, user_id) is None
    assert app.parked() == []


def test_the_rows_keyed_by_the_account_go_with_it(app):
    _, token = history(app)
    app.command_bus.execute(LogoutCommand(log_in(app, EMAIL).access_token))
    tables = (ended_sessions, password_reset_tokens, mail_outbox, login_failures)
    assert all(count(app, table) for table in (*tables, password_reset_requests))
    delete(app, token)
    assert [count(app, table) for table in (*tables, password_reset_requests)] == [0] * 5


def test_a_request_still_waiting_for_the_relay_is_erased_and_mails_nobody(app):
    _, token = history(app)
    app.command_bus.execute(RequestPasswordResetCommand(EMAIL))  # left to the relay
    assert any(e.dispatched_at is None for e in app.events())
    delete(app, token)
    assert all(e.dispatched_at is not None for e in app.events())
    app.dispatcher.dispatch_pending()
    assert app.mails() == [] and everywhere(app, EMAIL) == {}


def test_a_wrong_password_deletes_nothing_and_counts_as_a_failed_login(app):
    _, token = history(app)
    failures = event_types(app).count("UserLoginFailedEvent")
    with pytest.raises(ValidationError) as refused:
        delete(app, token, WRONG_PASSWORD)
    assert refused.value.extensions["field"] == "password"
    assert event_types(app).count("UserLoginFailedEvent") == failures + 1
    assert EMAIL in everywhere(app, EMAIL) and log_in(app, EMAIL).access_token


def test_the_old_token_is_refused_and_the_login_answers_as_for_an_unknown_email(app):
    _, token = history(app)
    other = log_in(app, EMAIL).access_token
    delete(app, token)
    assert app.graphql("{ me { username } }", token=other) == {"data": {"me": None}}
    for used in (token, other):
        with pytest.raises(NotAuthenticated):
            delete(app, used)
    answers = []
    for email in (EMAIL, "nobody.ever@example.org"):
        hashes = app.hasher.calls
        with pytest.raises(InvalidCredentials) as refused:
            log_in(app, email)
        answers.append((refused.value.extensions, app.hasher.calls - hashes))
    assert answers[0] == answers[1] and answers[0][1] == 1  # one (dummy) hash each


def test_the_email_signs_up_again_as_a_new_account_that_starts_from_nothing(app):
    old_id, token = history(app)
    delete(app, token)
    again = sign_up(app, USERNAME, EMAIL)
    assert again.user_id != old_id
    fresh = activity(app, again.user_id)
    assert (fresh.login_count, fresh.failed_logins_since_last_success) == (0, 0)
    assert fresh.password_reset_requested_at is None


def test_a_bystander_is_untouched_and_a_rebuild_keeps_the_erasure(app, database_url, tmp_path):
    history(app, "grace@example.org", "grace")
    _, token = history(app)
    bystander = [(e.id, e.payload) for e in app.events() if "grace" in str(e.payload)]
    delete(app, token)
    rows = activity_rows(app)
    assert [(e.id, e.payload) for e in app.events() if "grace" in str(e.payload)] == bystander
    cli = [sys.executable, "-m", "cqrs_auth.cli", "--database-url", database_url]
    rebuilt = subprocess.run(
        [*cli, "project", "--rebuild"],
        capture_output=True, text=True, cwd=Path(tmp_path), timeout=120, check=False,
    )  # fmt: skip
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert activity_rows(app) == rows and len(rows) == 1
    assert everywhere(app, EMAIL, USERNAME) == {} and app.parked() == []


def test_erased_events_restore_and_say_so(app):
    user_id, token = history(app)
    delete(app, token)
    erased = [e.to_event() for e in app.events() if e.type != "AccountDeletedEvent"]
    mine = [e for e in erased if e.is_erased]
    assert {e.type for e in mine} >= {"UserCreatedEvent", "UserLoginFailedEvent"}
    assert all(e.aggregate_id in (user_id, ERASED) for e in mine)
    assert all(e.dispatched_at for e in app.events())


def race(app: App, email: str, token: str) -> list[str | None]:
    """Two logins with the right password and the deletion, let go at once: the logins' tokens
    (None: refused)."""
    start, outcomes = threading.Barrier(3), []

    def login() -> None:
        start.wait()
        try:
            outcomes.append(log_in(app, email).access_token)
        except InvalidCredentials:
            outcomes.append(None)

    def deletion() -> None:
        start.wait()
        delete(app, token)

    threads = [threading.Thread(target=f) for f in (login, login, deletion)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_a_deletion_racing_logins_leaves_no_login_after_it(app):
    """Each round: the owner deletes the account while logins with its password race. A login
    either settled before the deletion (and its event was erased with the others) or is
    refused; no event of the account after the deletion, none left in clear."""
    for round_ in range(6):
        email = f"racer{round_}@example.org"
        sign_up(app, f"racer{round_}", email)
        token = log_in(app, email).access_token
        outcomes = race(app, email, token)
        user_id = app.tokens.claims(token).user_id
        mine = [e for e in app.events() if e.payload.get("userId") == user_id]
        assert mine[-1].type == "AccountDeletedEvent", [e.type for e in mine]
        assert all(e.to_event().is_erased for e in mine[:-1])
        for issued in filter(None, outcomes):
            assert app.graphql("{ me { username } }", token=issued) == {"data": {"me": None}}


def test_an_email_beyond_ascii_is_found_in_the_payloads_and_then_nowhere(app):
    """The payloads' JSON writes `ë` as `\\u00eb`: the search reads the escapes."""
    _, token = history(app, "Zoë.Quinn@example.org", "zoe_quinn")
    assert ("events", "payload") in everywhere(app, "zoë.quinn@example.org")[
        "zoë.quinn@example.org"
    ]
    delete(app, token)
    assert everywhere(app, "zoë.quinn@example.org", "zoe_quinn") == {}


def test_the_search_reads_every_table_and_binary_and_json_columns(app):
    """The search itself can fail: it finds text in a table that is not the kit's, in a binary
    column (as UTF-8, not as the bytes' repr), and inside JSON, in any case."""
    with app.engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (id INT PRIMARY KEY, body BLOB, doc TEXT)"))
        connection.execute(
            text("INSERT INTO notes VALUES (1, :body, :doc)"),
            {"body": "Zoë@example.org".encode(), "doc": json.dumps({"who": USERNAME.upper()})},
        )
    try:
        assert everywhere(app, "zoë@EXAMPLE.org", USERNAME) == {
            "zoë@EXAMPLE.org": {("notes", "body"): 1},
            USERNAME: {("notes", "doc"): 1},
        }
    finally:
        with app.engine.begin() as connection:
            connection.execute(text("DROP TABLE notes"))


def together(app: App, *commands: Any) -> list[str]:
    """Run the commands at once, one thread each: each one's result type, or "refused"."""
    start, outcomes = threading.Barrier(len(commands)), []

    def run(command: Any) -> None:
        start.wait()
        try:
            outcomes.append(type(app.command_bus.execute(command)).__name__)
        except NotAuthenticated:
            outcomes.append("refused")

    threads = [threading.Thread(target=run, args=(command,)) for command in commands]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_a_deletion_racing_a_password_change_lets_one_of_them_win(app):
    """Both pass their password check; then the change's UPDATE and the deletion's DELETE of the
    account, each in its session version, decide: one wins, the other is NotAuthenticated, and
    neither fails with a deadlock."""
    new = "a brand new passphrase for ada"
    for round_ in range(4):
        email = f"changer{round_}@example.org"
        sign_up(app, f"changer{round_}", email)
        first, second = (log_in(app, email).access_token for _ in range(2))
        change = ChangePasswordCommand(first, PASSWORD, new, new)
        outcomes = together(app, change, DeleteAccountCommand(second, PASSWORD))
        assert sorted(outcomes) in (["LoginResult", "refused"], ["bool", "refused"]), outcomes
        if "bool" in outcomes:
            assert everywhere(app, email) == {}
        else:
            assert log_in(app, email, new).access_token
