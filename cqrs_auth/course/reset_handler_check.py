"""Chapter 9's second exercise: the handler of ResetPasswordCommand, on the learner's own bus.

The check runs the assertions of the kit's reset tests (tests/integration/test_password_reset.py)
on it, with tokens the kit mails: a bad token is the one token error and costs no hash; the
signup password rules apply and a refused password keeps the token; a reset sets the password,
clears the lock and stores PasswordChangedEvent; a token works once; an expired one never; and
every bad token gets the same answer.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from ..bootstrap import App
from ..domain.commands import CreateUserCommand, ResetPasswordCommand, SendPasswordResetEmailCommand
from ..domain.errors import InvalidCredentials, KitError, NoHandlerError, TooManyAttempts
from ..service.buses import CommandBus
from .event_checks import CHECK_PASSWORD
from .exercises import NotYet, expect
from .reset import expire_reset_token, mailed_reset_token, new_check_email
from .running import error_summary
from .tables import last_position

NEW_PASSWORD = "a new passphrase the checks chose"
TOKEN_ERROR = {"code": "BAD_USER_INPUT", "field": "token"}


def _reset(app: App, my_commands: CommandBus, token: str, password: str, confirm: str) -> Any:
    """What the learner's handler answered (a result or a KitError), and the hashes it ran."""
    hashes = app.hasher.calls
    try:
        outcome = my_commands.execute(ResetPasswordCommand(token, password, confirm))
    except NoHandlerError:
        raise NotYet(
            "my_commands has no handler for ResetPasswordCommand: register yours, "
            "my_commands.register(ResetPasswordCommand, MyResetPasswordHandler(...))"
        ) from None
    except KitError as error:
        outcome = error
    return outcome, app.hasher.calls - hashes


def _refused(app: App, my_commands: CommandBus, token: str, what: str, hint: str) -> KitError:
    """A bad token: refused with the one token error, before any hash."""
    outcome, hashes = _reset(app, my_commands, token, NEW_PASSWORD, NEW_PASSWORD)
    expect(
        isinstance(outcome, KitError),
        f"{what} was accepted (your handler returned {outcome!r}): {hint}",
    )
    expect(
        outcome.extensions == TOKEN_ERROR,
        f"{what} answered {error_summary(outcome)}; expected the one token error, "
        "invalid_token() (BAD_USER_INPUT on the field token)",
    )
    expect(
        hashes == 0,
        f"{what} cost {hashes} argon2id hash(es); expected none: check the token before you "
        "hash the new password, or every guessed token costs the server a hash",
    )
    return outcome


def _locked_user_with_a_token(app: App) -> tuple[str, str]:
    email = new_check_email("resetter")
    name = email.split("@")[0]
    app.command_bus.execute(CreateUserCommand(name, email, CHECK_PASSWORD, CHECK_PASSWORD))
    for _ in range(app.settings.LOGIN_MAX_FAILURES):
        try:
            app.local_strategy.validate(email, "a wrong password for the check")
        except InvalidCredentials:
            pass
    return email, _mint_token(app, email)


def _mint_token(app: App, email: str) -> str:
    """A token as the kit's relay makes one: its saga's command, on the kit's bus."""
    cause = str(uuid.uuid4())
    app.command_bus.execute(SendPasswordResetEmailCommand(email=email, causation_id=cause))
    return mailed_reset_token(app, email)


def _rules_apply(app: App, my_commands: CommandBus, token: str) -> None:
    for password, confirm, field, rule in [
        ("too short", "too short", "password", "rules.check_password(...)"),
        (NEW_PASSWORD, "something else entirely", "passwordConfirm", "rules.check_confirmation"),
    ]:
        outcome, _ = _reset(app, my_commands, token, password, confirm)
        refused_on = outcome.extensions.get("field") if isinstance(outcome, KitError) else None
        expect(
            refused_on == field,
            f"a reset with password {password!r} and confirmation {confirm!r} answered "
            f"{error_summary(outcome) if isinstance(outcome, KitError) else repr(outcome)}; "
            f"expected a refusal on {field}: apply signup's rules, {rule}",
        )


def _resets(app: App, my_commands: CommandBus, token: str) -> None:
    outcome, _ = _reset(app, my_commands, token, NEW_PASSWORD, NEW_PASSWORD)
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


def check_reset_handler(app: App, my_commands: CommandBus) -> None:
    """The learner's ResetPasswordCommand handler passes the kit's reset assertions."""
    email, token = _locked_user_with_a_token(app)
    unknown = _refused(
        app, my_commands, token[::-1], "an unknown token", "look the token up by its hash"
    )
    _rules_apply(app, my_commands, token)
    since = last_position(app)
    _resets(app, my_commands, token)
    _logs_in_with_the_new_password(app, email)
    _password_changed_event(app, since)
    used = _refused(
        app,
        my_commands,
        token,
        "the token, used a second time,",
        "mark it used, uow.reset_tokens.use(token_hash, now), and refuse when that is False",
    )
    expired_token = _mint_token(app, email)
    expire_reset_token(app, email)
    expired = _refused(
        app,
        my_commands,
        expired_token,
        "an expired token",
        "find the token with uow.reset_tokens.user_of(token_hash, now), which skips expired ones",
    )
    answers = {(e.message, str(e.extensions)) for e in (unknown, used, expired)}
    expect(
        len(answers) == 1,
        f"an unknown, a used and an expired token got {len(answers)} different answers "
        f"({unknown.message!r}, {used.message!r}, {expired.message!r}); expected one, "
        "invalid_token(), or the answer tells an attacker which tokens once existed",
    )
