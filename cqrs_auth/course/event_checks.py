"""Chapter 3's exercises: a command with its handler and event, an idempotent event handler,
and a saga; each checked against the chapter's own app."""

from __future__ import annotations

import uuid
from typing import Any

from ..bootstrap import App
from ..domain.commands import CreateUserCommand
from ..domain.errors import NoHandlerError
from ..domain.events import Event, UserCreatedEvent
from .exercises import NotYet, expect, kind, written
from .tables import last_position

CHECK_PASSWORD = "a passphrase only the checks use"
VERSION = "2024-06"


def new_check_email(prefix: str) -> str:
    """An email that no chapter uses, for a check's own user."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}@example.org"


def sign_up_check_user(app: App, prefix: str) -> str:
    """Sign up a user of the check's own, whose password is CHECK_PASSWORD; return its email."""
    email = new_check_email(prefix)
    name = email.split("@")[0]
    app.command_bus.execute(CreateUserCommand(name, email, CHECK_PASSWORD, CHECK_PASSWORD))
    return email


def _new_events(app: App, before: int, event_type: type) -> list[Any]:
    return [e for e in app.events(before) if e.type == event_type.__name__]


def _execute(app: App, command: Any) -> None:
    try:
        app.command_bus.execute(command)
    except NoHandlerError:
        name = kind(command)
        raise NotYet(
            f"app.command_bus has no handler for {name}: register one, e.g. "
            f"app.command_bus.register({name}, AcceptTermsHandler(app.unit_of_work))"
        ) from None


def _command(command_type: type, user_id: str) -> Any:
    try:
        return command_type(user_id=user_id, version=VERSION)
    except TypeError as error:
        raise NotYet(f"{command_type.__name__}(user_id=..., version=...) failed: {error}") from None


def _stores_one_event(app: App, command: Any, event_type: type, user_id: str) -> None:
    before = last_position(app)
    _execute(app, command)
    stored = _new_events(app, before, event_type)
    expect(
        len(stored) == 1,
        f"the command stored {len(stored)} {event_type.__name__}(s); expected 1: inside "
        "`with self.uow() as uow:` call uow.add_event(...), then uow.commit()",
    )
    expect(
        stored[0].payload == {"userId": user_id, "version": VERSION},
        f"the stored payload is {stored[0].payload}; expected the user's id and the version",
    )


def _refuses_an_unknown_user(app: App, command_type: type, event_type: type) -> None:
    before = last_position(app)
    try:
        app.command_bus.execute(_command(command_type, str(uuid.uuid4())))
    except Exception:  # noqa: BLE001 - any error refuses the unknown user; that is the point
        refused = True
    else:
        refused = False
    stored = bool(_new_events(app, before, event_type))
    happened = ("raised" if refused else "raised no error") + (" and stored an event" * stored)
    expect(
        refused and not stored,
        f"accepting the terms for a user that does not exist {happened}; expected an error and "
        "nothing stored: look the user up with uow.users.get(...)",
    )


def check_accept_terms(app: App, command_type: type, event_type: type, user_id: str) -> None:
    """The command stores one event for an existing user, and nothing for an unknown one."""
    expect(
        isinstance(event_type, type) and issubclass(event_type, Event),
        f"{getattr(event_type, '__name__', event_type)} must subclass Event "
        "(cqrs_auth.domain.events), so that it has an event_id and can be stored",
    )
    _stores_one_event(app, _command(command_type, user_id), event_type, user_id)
    _refuses_an_unknown_user(app, command_type, event_type)


def _probe_event() -> UserCreatedEvent:
    return UserCreatedEvent(user_id=str(uuid.uuid4()), username="probe", email="p@example.org")


def _count(counter: Any) -> int:
    count = getattr(counter, "count", None)
    if not isinstance(count, int):
        raise NotYet(f"counter.count is {count!r}; expected a number (start it at 0)")
    return count


def _counts_an_event_once(counter: Any) -> None:
    start, probe = _count(counter), _probe_event()
    counter.execute(probe)
    after = _count(counter)
    expect(after == start + 1, f"one new event moved count from {start} to {after}, not 1 more")
    counter.execute(probe)
    expect(
        _count(counter) == start + 1,
        f"the same event (same event_id) handled twice moved count to {_count(counter)}; "
        f"expected it to stay {start + 1}: remember the event_ids you have counted, skip those",
    )


def _counts_a_signup_once(app: App, counter: Any) -> None:
    before, start = last_position(app), _count(counter)
    sign_up_check_user(app, "counted")
    expect(
        _count(counter) == start + 1,
        f"a signup moved count from {start} to {_count(counter)}; expected {start + 1}: "
        "register the counter with app.event_bus.register(UserCreatedEvent, counter)",
    )
    [created] = _new_events(app, before, UserCreatedEvent)
    app.event_bus.publish(created.to_event())
    expect(_count(counter) == start + 1, "re-dispatching the signup's event counted it again")


def check_idempotent_counter(app: App, counter: Any) -> None:
    """Counts each UserCreatedEvent once, even when the same event is dispatched twice."""
    written(counter, "counter")
    _counts_an_event_once(counter)
    _counts_a_signup_once(app, counter)
