"""Chapter 3's saga exercise: no welcome mail for test users, one for everybody else; called
directly, then registered by the check on an event bus whose commands go to a kit of its own."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from ..domain.commands import SendWelcomeEmailCommand
from ..domain.events import Event, UserCreatedEvent
from ..service.buses import EventBus
from .check_kit import check_kit
from .exercises import NotYet, expect, kind, written


def _user_created(username: str) -> UserCreatedEvent:
    return UserCreatedEvent(
        user_id=str(uuid.uuid4()), username=username, email=f"{username}@example.org"
    )


def saga_commands(
    saga: Callable[[Any], Any], event: Event, command_type: type = SendWelcomeEmailCommand
) -> list[Any]:
    """The commands a saga returns for `event`, or NotYet when it returns something else."""
    result = saga(event)
    if isinstance(result, command_type):
        raise NotYet(
            f"the saga returned one {command_type.__name__}, not in a list: the event bus runs "
            "each command of what a saga returns (a list, or None for none)"
        )
    try:
        return list(result or ())
    except TypeError:
        raise NotYet(f"the saga returned a {kind(result)}; expected a list of commands") from None


def _check_direct(saga: Callable[[Any], Any], tester: Any, person: Any) -> None:
    for_tester = saga_commands(saga, tester)
    expect(
        for_tester == [],
        f"for test_user the saga returned {len(for_tester)} command(s); expected none: "
        "usernames that start with 'test' get no mail",
    )
    for_person = saga_commands(saga, person)
    expect(
        len(for_person) == 1 and isinstance(for_person[0], SendWelcomeEmailCommand),
        f"for lin the saga returned {for_person}; expected a list holding one "
        "SendWelcomeEmailCommand",
    )
    [command] = for_person
    expect(command.email == person.email, f"the mail goes to {command.email}, not {person.email}")
    expect(
        command.causation_id == person.event_id,
        f"the command's causation_id is {command.causation_id!r}; expected the id of the event "
        "that caused it, event.event_id (so that a re-dispatched event sends no second mail)",
    )


def check_welcome_saga(saga: Callable[[Any], Any]) -> None:
    """Called directly, then through an event bus of the check's own, the saga mails lin and
    never test_user."""
    written(saga, "welcome_unless_test")
    tester, person = _user_created("test_user"), _user_created("lin")
    _check_direct(saga, tester, person)
    with check_kit() as kit:
        saga_bus = EventBus(kit.command_bus)  # not kit.event_bus: the kit's own saga listens there
        saga_bus.register_saga(saga, of_type=UserCreatedEvent)
        saga_bus.publish(tester)
        saga_bus.publish(person)
        causes = {mail.causation_id for mail in kit.mails()}
    expect(person.event_id in causes, "published on an event bus, lin's signup wrote no mail")
    expect(tester.event_id not in causes, "published on an event bus, test_user got a mail")
