"""Chapter 9's second exercise: the handler of ResetPasswordCommand, made from the learner's
class and registered by the check on a command bus of its own, with a kit of its own.

The check runs the assertions of the kit's reset tests (tests/integration/test_password_reset.py)
on it, with tokens the kit mails: a bad token is the one token error and costs no hash; the
signup password rules apply and a refused password keeps the token; a reset sets the password,
clears the lock and stores PasswordChangedEvent; a token works once; an expired one never; and
every bad token gets the same answer.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..bootstrap import App
from ..domain.commands import ResetPasswordCommand, SendPasswordResetEmailCommand
from ..domain.errors import InvalidCredentials, KitError
from ..service.buses import CommandBus
from .check_kit import built, check_kit, sign_up_check_user
from .exercises import expect
from .reset import expire_reset_token, mailed_reset_token
from .reset_effects_check import (
    NEW_PASSWORD,
    TOKEN_ERROR,
    attempt_reset,
    check_the_reset_took_effect,
)
from .running import error_summary

BAD_TOKENS = {  # what the check says of each, and the hint when one is accepted
    "unknown": ("an unknown token", "look the token up by its hash"),
    "used": (
        "the token, used a second time,",
        "mark it used, uow.reset_tokens.use(token_hash, now), and refuse when that is False",
    ),
    "expired": (
        "an expired token",
        "find the token with uow.reset_tokens.user_of(token_hash, now), which skips expired ones",
    ),
}


def _refused(app: App, my_resets: CommandBus, token: str, case: str) -> KitError:
    """A bad token: refused with the one token error, before any hash."""
    what, hint = BAD_TOKENS[case]
    outcome, hashes = attempt_reset(app, my_resets, token, NEW_PASSWORD, NEW_PASSWORD)
    accepted = f"{what} was accepted (your handler returned {outcome!r}): {hint}"
    expect(isinstance(outcome, KitError), accepted)
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


def _one_answer(refusals: dict[str, KitError]) -> None:
    messages = ", ".join(f"{case}: {error.message!r}" for case, error in refusals.items())
    expect(
        len({(e.message, str(e.extensions)) for e in refusals.values()}) == 1,
        f"the bad tokens got different answers ({messages}); expected one, invalid_token(), "
        "or the answer tells an attacker which tokens once existed",
    )


def _locked_user_with_a_token(app: App) -> tuple[str, str]:
    email = sign_up_check_user(app, "resetter").email
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


def _rules_apply(app: App, my_resets: CommandBus, token: str) -> None:
    for password, confirm, field, rule in [
        ("too short", "too short", "password", "rules.check_password(...)"),
        (NEW_PASSWORD, "something else entirely", "passwordConfirm", "rules.check_confirmation"),
    ]:
        outcome, _ = attempt_reset(app, my_resets, token, password, confirm)
        refused_on = outcome.extensions.get("field") if isinstance(outcome, KitError) else None
        expect(
            refused_on == field,
            f"a reset with password {password!r} and confirmation {confirm!r} answered "
            f"{error_summary(outcome) if isinstance(outcome, KitError) else repr(outcome)}; "
            f"expected a refusal on {field}: apply signup's rules, {rule}",
        )


def _your_bus(kit: App, handler_type: Any) -> CommandBus:
    handler = built(
        handler_type, "MyResetPasswordHandler", kit.unit_of_work, kit.hasher, kit.settings
    )
    my_resets = CommandBus()
    my_resets.register(ResetPasswordCommand, handler)
    return my_resets


def check_reset_handler(handler_type: Any) -> None:
    """The learner's ResetPasswordCommand handler passes the kit's reset assertions."""
    with check_kit(LOGIN_MAX_FAILURES=3) as kit:
        my_resets = _your_bus(kit, handler_type)
        email, token = _locked_user_with_a_token(kit)
        refusals = {"unknown": _refused(kit, my_resets, token[::-1], "unknown")}
        _rules_apply(kit, my_resets, token)
        check_the_reset_took_effect(kit, my_resets, email, token)
        refusals["used"] = _refused(kit, my_resets, token, "used")
        expired = _mint_token(kit, email)
        expire_reset_token(kit, email)
        refusals["expired"] = _refused(kit, my_resets, expired, "expired")
        _one_answer(refusals)
