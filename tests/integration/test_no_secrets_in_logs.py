"""Every scenario of the suite, with every logger at DEBUG and SQL echo on: no plaintext password
and no hash appears in any log record, on stdout or stderr (a stray print, a C library's write),
or in any stored event; nor does a password reset token, its hash or a new password."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator

import pytest

from cqrs_auth import GetUserQuery
from cqrs_auth.auth.reset_tokens import hash_reset_token
from cqrs_auth.domain.errors import (
    ConflictError,
    InvalidCredentials,
    TooManyAttempts,
    ValidationError,
)

from .beyond_helpers import NEW_PASSWORD, request_reset, reset_password, reset_tokens_mailed
from .helpers import PASSWORD, WRONG_PASSWORD, log_in, sign_up, stored_hashes

OTHER_PASSWORD = "a second user's own passphrase"
UNKNOWN_EMAIL_PASSWORD = "tried on an address nobody has"


@pytest.fixture
def everything_at_debug(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    manager = logging.Logger.manager
    loggers = [logging.getLogger()] + [
        logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for logger, level in levels.items():
        logger.setLevel(level)


def run_every_scenario(app) -> None:
    user = sign_up(app)
    sign_up(app, "grace", "grace@example.org", OTHER_PASSWORD)
    with pytest.raises(ConflictError):
        sign_up(app, "ada2", "ADA@example.org")  # the unique index refuses it
    assert log_in(app).user == user
    assert app.query_bus.execute(GetUserQuery(user.user_id)) == user
    with pytest.raises(InvalidCredentials):
        log_in(app, "nobody@example.org", UNKNOWN_EMAIL_PASSWORD)
    for _ in range(app.settings.LOGIN_MAX_FAILURES):
        with pytest.raises(InvalidCredentials):
            log_in(app, "ada@example.org", WRONG_PASSWORD)
    with pytest.raises(TooManyAttempts):
        log_in(app, "ada@example.org", PASSWORD)
    assert len(app.mails()) == 2
    assert "AccountLockedEvent" in [e.type for e in app.events()]


def everything_logged(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    texts = []
    for record in records:
        texts.append(formatter.format(record))  # also fills record.exc_text from exc_info
        texts += [record.getMessage(), repr(record.args), record.exc_text or ""]
        texts += [repr(value) for value in vars(record).values()]
    return "\n".join(texts)


def everything_said(records: list[logging.LogRecord], capfd: pytest.CaptureFixture[str]) -> str:
    """Every log record, and all that reached the process's stdout and stderr: captured at the
    file descriptors, so a print, a logging handler on a stream and a C library's write alike."""
    captured = capfd.readouterr()
    return "\n".join([everything_logged(records), captured.out, captured.err])


def leaked(secrets: list[str], said: str) -> list[str]:
    return [secret for secret in secrets if secret in said]


def test_no_password_or_hash_reaches_any_log_record_or_stored_event(
    make_app, everything_at_debug, capfd
):
    app = make_app(SQL_ECHO=True, LOGIN_MAX_FAILURES=3)
    run_every_scenario(app)
    secrets = [
        PASSWORD,
        OTHER_PASSWORD,
        WRONG_PASSWORD,
        UNKNOWN_EMAIL_PASSWORD,
        *stored_hashes(app),
    ]
    assert len(stored_hashes(app)) == 2

    said = everything_said(everything_at_debug.records, capfd)
    assert "INSERT INTO users" in said  # SQL echo was on and captured
    assert leaked(secrets, said) == [], "secrets in the log, on stdout or on stderr"

    payloads = json.dumps([stored.as_json() for stored in app.events()])
    assert [secret for secret in secrets if secret in payloads] == []


def to_stdout(text: str) -> None:
    print(text)


def to_stderr(text: str) -> None:
    print(text, file=sys.stderr)


def to_fd_2(text: str) -> None:
    os.write(2, text.encode())  # as a C extension would, past sys.stderr


@pytest.mark.parametrize("leak", [to_stdout, to_stderr, to_fd_2])
def test_the_search_finds_a_password_the_kit_would_print_to_stdout_or_stderr(
    make_app, everything_at_debug, capfd, leak: Callable[[str], None]
):
    """The search above is no formality: a hasher that prints what it is given is caught."""
    app = make_app(LOGIN_MAX_FAILURES=3)
    verify = app.hasher.verify_and_update

    def leaky(password: str, stored_hash: str | None) -> tuple[bool, str | None]:
        leak(password)
        return verify(password, stored_hash)

    app.hasher.verify_and_update = leaky  # type: ignore[method-assign]
    run_every_scenario(app)
    said = everything_said(everything_at_debug.records, capfd)
    assert leaked([PASSWORD, WRONG_PASSWORD, OTHER_PASSWORD], said) == [PASSWORD, WRONG_PASSWORD]


REFUSED_NEW_PASSWORD = "ada@example.org is my password"  # refused: too like the email


def run_a_password_reset_with_every_turn(app) -> list[ValidationError]:
    """A reset whose mail fails once (a database error while storing the token), a reset that
    is refused, one that works, a reuse, and requests for an email with no account."""
    sign_up(app)
    request_reset(app)
    request_reset(app, "nobody@example.org")
    with app.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE password_reset_tokens RENAME TO tokens_away")
    assert app.dispatcher.dispatch_pending() == 1  # the mail's transaction fails and rolls back
    # (nobody's request needs no dispatch: it was stored as dispatched, issue 18)
    with app.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE tokens_away RENAME TO password_reset_tokens")
    assert app.dispatcher.dispatch_pending() == 1
    [token] = reset_tokens_mailed(app)
    errors = []
    for password in (REFUSED_NEW_PASSWORD, NEW_PASSWORD, NEW_PASSWORD):
        try:
            reset_password(app, token, password)
        except ValidationError as error:
            errors.append(error)
    assert [e.field for e in errors] == ["password", "token"]
    assert log_in(app, password=NEW_PASSWORD)
    return errors


def test_no_reset_token_its_hash_or_a_new_password_reaches_a_log_an_event_or_an_error(
    make_app, everything_at_debug, capfd
):
    app = make_app(SQL_ECHO=True)
    errors = run_a_password_reset_with_every_turn(app)
    [token] = reset_tokens_mailed(app)
    token_hash = hash_reset_token(token)
    secrets = [
        token,
        token_hash.hex(),
        repr(token_hash)[2:-1],
        NEW_PASSWORD,
        REFUSED_NEW_PASSWORD,
        *stored_hashes(app),
    ]

    said = everything_said(everything_at_debug.records, capfd)
    assert "INSERT INTO password_reset_tokens" in said  # SQL echo was on and captured
    assert "failed on PasswordResetRequestedEvent" in said  # and the mail's failure
    assert leaked(secrets, said) == [], "secrets in the log, on stdout or on stderr"
    payloads = json.dumps([stored.as_json() for stored in app.events()])
    assert [secret for secret in secrets if secret in payloads] == []
    said = repr([(e.message, e.extensions) for e in errors])
    assert [secret for secret in secrets if secret in said] == []
