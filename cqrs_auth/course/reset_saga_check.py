"""Chapter 9's first exercise, the saga's part: it answers a reset request with one
SendPasswordResetEmailCommand caused by the request, and a request published on the event bus
the check made with the learner's saga and handler ends as a mail; when it does not, the check
runs the command directly to say why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..adapters.mail_outbox import Mail
from ..bootstrap import App
from ..domain.commands import SendPasswordResetEmailCommand
from ..domain.events import PasswordResetRequestedEvent
from ..service.buses import CommandBus, EventBus
from ..service.reset_mails import RESET_SUBJECT
from .exercises import NotYet, expect
from .running import captured_logs, error_summary
from .saga_check import saga_commands


def check_saga_commands(saga: Callable[[Any], Any]) -> None:
    event = PasswordResetRequestedEvent(email="someone@example.org")
    commands = saga_commands(saga, event, SendPasswordResetEmailCommand)
    expect(
        len(commands) == 1 and isinstance(commands[0], SendPasswordResetEmailCommand),
        f"for a PasswordResetRequestedEvent the saga returned {commands}; expected one "
        "SendPasswordResetEmailCommand",
    )
    [command] = commands
    expect(
        command.email == event.email, f"the command's email is {command.email!r}, not the event's"
    )
    expect(
        command.causation_id == event.event_id,
        f"the command's causation_id is {command.causation_id!r}; expected the id of the event "
        "that caused it, event.event_id: the outbox keeps one mail per cause, so a request "
        "delivered twice sends one mail",
    )


def reset_mails(app: App, email: str) -> list[Mail]:
    return [m for m in app.mails() if m.recipient == email and m.subject == RESET_SUBJECT]


def _why_no_mail(app: App, my_commands: CommandBus, event: PasswordResetRequestedEvent) -> str:
    """Published on my_events, the request wrote no mail: run the command directly to say why."""
    command = SendPasswordResetEmailCommand(email=event.email, causation_id=event.event_id)
    try:
        my_commands.execute(command)
    except Exception as error:  # noqa: BLE001 - the learner's error, reported in words
        return f"for a user with an account your handler raised {error_summary(error)}"
    if reset_mails(app, event.email):
        return (
            "published on the event bus, the request wrote no mail, but your handler does when "
            "it is run directly: the saga's command does not reach it"
        )
    return (
        "run directly for a user with an account, your handler left no mail (subject "
        "RESET_SUBJECT) in the outbox: did it write one, and commit?"
    )


def deliver_on_your_buses(
    app: App, my_commands: CommandBus, my_events: EventBus, email: str
) -> Any:
    event = PasswordResetRequestedEvent(email=email)
    with captured_logs():  # a failing listener is logged; the check says why in words below
        my_events.publish(event)
    if not reset_mails(app, email):
        raise NotYet(_why_no_mail(app, my_commands, event))
    return event
