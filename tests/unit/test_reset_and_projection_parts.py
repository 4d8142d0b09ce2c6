"""The pure parts of password reset and of the read model: sagas, tokens, projection rules."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

from cqrs_auth.auth.reset_tokens import email_key, hash_reset_token, new_reset_token
from cqrs_auth.domain.commands import SendPasswordChangedEmailCommand, SendPasswordResetEmailCommand
from cqrs_auth.domain.events import (
    AccountLockedEvent,
    PasswordChangedEmailSentEvent,
    PasswordChangedEvent,
    PasswordResetRequestedEvent,
    UserCreatedEvent,
    UserLoggedInEvent,
    UserLoggedOutEvent,
    UserLoginFailedEvent,
    WelcomeEmailSentEvent,
)
from cqrs_auth.service import sagas
from cqrs_auth.service.projection import apply
from cqrs_auth.service.reset_mails import token_from_link

AT = datetime(2025, 5, 4, 12, 30, tzinfo=UTC)


def test_a_reset_request_gets_a_reset_mail_command_caused_by_the_event():
    event = PasswordResetRequestedEvent(email="ada@example.org")
    assert list(sagas.password_reset_requested(event)) == [
        SendPasswordResetEmailCommand(email="ada@example.org", causation_id=event.event_id)
    ]


def test_a_changed_password_gets_a_mail_command_caused_by_the_event():
    event = PasswordChangedEvent(user_id="u-1", email="ada@example.org")
    assert list(sagas.password_changed(event)) == [
        SendPasswordChangedEmailCommand(
            user_id="u-1", email="ada@example.org", causation_id=event.event_id
        )
    ]


def test_a_reset_token_is_32_random_url_safe_bytes_and_its_hash_is_its_sha256():
    tokens = {new_reset_token() for _ in range(100)}
    assert len(tokens) == 100
    for token in tokens:
        assert len(base64.urlsafe_b64decode(token + "=")) == 32
        assert hash_reset_token(token) == hashlib.sha256(token.encode()).digest()
        assert token_from_link(f"Open https://example.org/reset#token={token}\n") == token


class RecordingRows:
    """Stands in for UserActivityRows: records which change each event asked for."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.calls.append((name, args))


def changes(event) -> list[tuple[str, tuple[Any, ...]]]:
    rows = RecordingRows()
    apply(event, rows)  # type: ignore[arg-type]
    return rows.calls


def test_each_event_makes_its_one_change_to_the_read_model_and_others_none():
    locked = AccountLockedEvent(email="ada@example.org", failures=5, locked_until=AT.isoformat())
    created = UserCreatedEvent(user_id="u-1", username="ada", email="Ada@Example.ORG")
    logged_in = UserLoggedInEvent(user_id="u-1", email="ada@example.org", occurred_at=AT)
    requested = PasswordResetRequestedEvent(email="ada@example.org", occurred_at=AT)
    changed = PasswordChangedEvent(user_id="u-1", email="ada@example.org", occurred_at=AT)
    assert changes(created) == [("signed_up", ("u-1", "ada@example.org", created.occurred_at))]
    assert changes(logged_in) == [("logged_in", ("u-1", AT))]
    assert changes(UserLoginFailedEvent(email="ada@example.org", failures=1)) == [
        ("login_failed", ("ada@example.org",))
    ]
    assert changes(locked) == [("locked", ("ada@example.org", AT))]
    assert changes(requested) == [("reset_requested", ("ada@example.org", AT))]
    assert changes(changed) == [("password_changed", ("u-1", AT))]
    assert changes(UserLoggedOutEvent(user_id="u-1", occurred_at=AT)) == [
        ("logged_out", ("u-1", AT))
    ]
    for other in (
        PasswordResetRequestedEvent(email="", email_key="k" * 64),  # an email nobody has
        WelcomeEmailSentEvent(user_id="u-1", email="ada@example.org", mail_id="m-1"),
        PasswordChangedEmailSentEvent(user_id="u-1", email="ada@example.org", mail_id="m-2"),
    ):
        assert changes(other) == []


def test_the_email_key_is_a_keyed_hash_that_names_no_email():
    key = email_key("secret-one", "ada@example.org")
    assert len(key) == 64 and int(key, 16) >= 0 and "ada" not in key
    assert key == email_key("secret-one", "ada@example.org")
    assert key != email_key("secret-two", "ada@example.org")
    assert key != email_key("secret-one", "bob@example.org")
    assert key != hashlib.sha256(b"ada@example.org").hexdigest()  # not a plain hash


def test_the_email_key_of_an_email_is_the_one_earlier_versions_stored():
    """The event log keeps these keys (a request's aggregate id), so that an operator sees the
    requests for one email repeat: a kit that derived them differently, from the same secret,
    would split each email's history at the upgrade. The value below is what the kit derived
    when this test was written; it must not change (a new derivation needs a migration)."""
    key = email_key("secret-one", "ada@example.org")
    assert key == "0f174e92cff415574ad62094a297ed20cb759e9a5c80f9048ea350855974471d"


def test_a_request_for_an_email_nobody_has_asks_the_saga_for_nothing():
    assert list(sagas.password_reset_requested(PasswordResetRequestedEvent(email=""))) == []


def test_only_a_request_for_an_account_needs_a_dispatch():
    assert PasswordResetRequestedEvent(email="", email_key="k" * 64).needs_dispatch is False
    assert PasswordResetRequestedEvent(email="ada@example.org").needs_dispatch is True
    assert UserCreatedEvent(user_id="u-1", username="ada", email="ada@example.org").needs_dispatch


def test_a_request_event_is_keyed_by_its_email_key_and_old_ones_by_their_email():
    assert PasswordResetRequestedEvent(email="", email_key="k" * 64).aggregate_id == "k" * 64
    assert PasswordResetRequestedEvent(email="ada@example.org").aggregate_id == "ada@example.org"
