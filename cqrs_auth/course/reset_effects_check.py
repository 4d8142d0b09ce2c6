"""Chapter 9's second exercise, continued: what a successful reset must have done.

A reset with a good token and a good password answers; afterwards the new password logs in
although the email was locked, and one PasswordChangedEvent (without the password) is stored,
from which the kit's saga mails the user.
"""

from __future__ import annotations

import json
from typing import Any

from ..bootstrap import App
from ..domain.commands import ResetPasswordCommand
from ..domain.errors import InvalidCredentials, KitError, TooManyAttempts
from ..service.buses import CommandBus
from .exercises import NotYet, expect
from .running import error_summary
from .tables import last_position

NEW_PASSWORD = "a new passphrase the checks chose"
TOKEN_ERROR = {"code": "BAD_USER_INPUT", "field": "token"}


def attempt_reset(app: App, my_resets: CommandBus, token: str, password: str, confirm: str) -> Any:
    """What the learner's handler answered (a result or a KitError), and the hashes it ran."""
    hashes = app.hasher.calls
    try:
        outcome = my_resets.execute(ResetPasswordCommand(token, password, confirm))
    except KitError as error:
        outcome = error
    return outcome, app.hasher.calls - hashes


def _resets(app: App, my_resets: CommandBus, token: str) -> None:
    outcome, _ = attempt_reset(app, my_resets, token, NEW_PASSWORD, NEW_PASSWORD)
    if isinstance(outcome, KitError):
        used_up = outcome.extensions == TOKEN_ERROR
        raise NotYet(
            f"a good token and a good password answered {error_summary(outcome)}"
            + (
                "; the refused passwords before used the token up: check the rules, then mark "
                "the token used"
                if used_up
                else ""
            )
        )


def _logs_in_with_the_new_password(app: App, email: str) -> None:
    try:
        app.local_strategy.validate(email, NEW_PASSWORD)
    except TooManyAttempts:
        raise NotYet(
            "after the reset the email is still locked: clear its failures and lock, "
            "uow.login_failures.clear(rules.parse_email(user.email).normalised)"
        ) from None
    except InvalidCredentials:
        raise NotYet(
            "the new password does not log in: store its hash, "
            "uow.users.update_password_hash(user.user_id, new_hash)"
        ) from None


def _password_changed_event(app: App, since: int) -> None:
    stored = app.events(since)
    changed = [e for e in stored if e.type == "PasswordChangedEvent"]
    expect(
        len(changed) == 1,
        f"the reset stored {len(changed)} PasswordChangedEvent(s); expected 1, "
        "uow.add_event(PasswordChangedEvent(...)): the saga mails 'password changed' from it",
    )
    payloads = json.dumps([e.payload for e in stored])
    expect(NEW_PASSWORD not in payloads, "an event you stored holds the new password")


def check_the_reset_took_effect(app: App, my_resets: CommandBus, email: str, token: str) -> None:
    """Reset with a good token and password; then the lock is gone and the event is stored."""
    since = last_position(app)
    _resets(app, my_resets, token)
    _logs_in_with_the_new_password(app, email)
    _password_changed_event(app, since)
