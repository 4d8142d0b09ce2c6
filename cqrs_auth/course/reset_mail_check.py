"""Chapter 9's first exercise: the saga that answers a reset request, and the handler that
makes the token and writes the mail, registered by the check on buses of its own, with a kit of
its own (check_kit.py).

The check runs the assertions of the kit's reset tests (tests/integration/test_password_reset.py)
on them: one mail with a link, only the token's SHA-256 stored, the token's lifetime, no token in
any event, the link accepted by the kit's resetPassword, a request delivered twice making one
token, and nothing for an email without an account.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from ..auth.reset_tokens import hash_reset_token
from ..bootstrap import App
from ..domain.commands import ResetPasswordCommand, SendPasswordResetEmailCommand
from ..domain.errors import KitError
from ..domain.events import PasswordResetRequestedEvent
from ..service.buses import CommandBus, EventBus
from ..service.reset_mails import token_from_link
from .check_kit import built, check_kit, new_check_email, sign_up_check_user
from .exercises import NotYet, expect, written
from .reset import stored_reset_token
from .reset_effects_check import NEW_PASSWORD
from .reset_saga_check import check_saga_commands, deliver_on_your_buses, reset_mails
from .running import captured_logs, error_summary
from .tables import last_position


def _mailed_token(app: App, email: str) -> str:
    """The token in the one reset mail to `email`."""
    [mail, *more] = reset_mails(app, email)
    expect(not more, f"one request wrote {1 + len(more)} reset mails; expected 1")
    link = f"{app.settings.PASSWORD_RESET_URL}#token="
    token = token_from_link(mail.body)
    if token is None or link not in mail.body:
        raise NotYet(f"the mail's body has no link {link}<the token>: write the token into it")
    return token


def _stored_as_its_hash(app: App, email: str, token: str) -> None:
    """Only the token's SHA-256 is stored, and it expires after PASSWORD_RESET_TTL_SECONDS."""
    row = stored_reset_token(app, email)
    if row is None:
        raise NotYet("no token is stored for the user: uow.reset_tokens.replace(...)")
    expect(
        bytes(row.tokenHash) == hash_reset_token(token),
        "the stored tokenHash is not the SHA-256 of the mail's token: store "
        "hash_reset_token(token), never the token itself",
    )
    ttl = app.settings.PASSWORD_RESET_TTL_SECONDS
    lifetime = (row.expiresAt - row.createdAt).total_seconds()
    expect(
        abs(lifetime - ttl) < 60,
        f"the token lives {lifetime:.0f} s; expected PASSWORD_RESET_TTL_SECONDS ({ttl} s): "
        "expires_at = now + timedelta(seconds=settings.PASSWORD_RESET_TTL_SECONDS)",
    )


def _no_token_in_the_log(app: App, token: str, since: int) -> None:
    stored_events = app.events(since)
    for stored in stored_events:
        expect(
            token not in json.dumps(stored.payload),
            f"the {stored.type} you stored holds the token: events are kept for ever and "
            "printed by `cqrs-auth events`; the token belongs in the mail only",
        )
    expect(
        "PasswordResetEmailSentEvent" in [e.type for e in stored_events],
        "no PasswordResetEmailSentEvent was stored with the mail: add it (without the token)",
    )


def _link_works(app: App, token: str) -> None:
    try:
        app.command_bus.execute(ResetPasswordCommand(token, NEW_PASSWORD, NEW_PASSWORD))
    except KitError as error:
        raise NotYet(
            f"the kit's resetPassword refused your mail's token: {error.message}"
        ) from None


def _token_hash(app: App, email: str) -> bytes | None:
    row = stored_reset_token(app, email)
    return bytes(row.tokenHash) if row is not None else None


def _delivered_twice(app: App, my_events: EventBus, event: Any, email: str) -> None:
    stored = _token_hash(app, email)
    with captured_logs():
        my_events.publish(event)
    twice = "wrote a second mail" if len(reset_mails(app, email)) > 1 else ""
    if _token_hash(app, email) != stored:
        twice = "made a second token (the first mail's link stopped working)"
    expect(
        not twice,
        f"the same PasswordResetRequestedEvent delivered again {twice}: write the mail first; "
        "when uow.mail.put(...) returns None, this event has its mail and token already: stop",
    )


def _nobody(app: App, my_commands: CommandBus) -> None:
    email = new_check_email("nobody")
    command = SendPasswordResetEmailCommand(email=email, causation_id=str(uuid.uuid4()))
    try:
        my_commands.execute(command)
    except Exception as error:  # noqa: BLE001 - the learner's error, reported in words
        raise NotYet(
            f"for an email without an account your handler raised {error_summary(error)}; "
            "expected it to do nothing: return None when there is no user (else the request's "
            "event stays undispatched and is delivered again, for ever)"
        ) from None
    mailed = [mail for mail in app.mails() if mail.recipient == email]
    expect(not mailed, "your handler wrote a mail to an email that has no account")


def _your_buses(kit: App, saga: Any, handler_type: Any) -> tuple[CommandBus, EventBus]:
    """Buses of the check's own with the learner's handler and saga: the kit's stay out of it."""
    written(saga, "reset_saga")
    handler = built(handler_type, "ResetMailHandler", kit.unit_of_work, kit.settings)
    my_commands = CommandBus()
    my_commands.register(SendPasswordResetEmailCommand, handler)
    my_events = EventBus(my_commands)
    my_events.register_saga(saga, of_type=PasswordResetRequestedEvent)
    return my_commands, my_events


def check_reset_mail(saga: Callable[[Any], Any], handler_type: Any) -> None:
    """The saga and the mail handler pass the kit's reset-mail assertions."""
    check_saga_commands(saga)
    with check_kit() as kit:
        my_commands, my_events = _your_buses(kit, saga, handler_type)
        email = sign_up_check_user(kit, "reset").email
        since = last_position(kit)
        event = deliver_on_your_buses(kit, my_commands, my_events, email)
        token = _mailed_token(kit, email)
        _stored_as_its_hash(kit, email, token)
        _no_token_in_the_log(kit, token, since)
        _link_works(kit, token)
        _delivered_twice(kit, my_events, event, email)
        _nobody(kit, my_commands)
