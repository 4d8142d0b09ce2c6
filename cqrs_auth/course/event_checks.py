"""Chapter 3's first exercise: a command with its handler and event, run on a kit of the
check's own (check_kit.py), never on the chapter's app.

The check watches the unit of work it hands the learner's handler (did it add the event, did
it commit) and the spans of the run (was the event published straight on a bus), so that each
way of not storing the event gets its own explanation.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from ..adapters.unit_of_work import UnitOfWork
from ..bootstrap import App
from ..domain.errors import KitError, ValidationError
from ..domain.events import Event
from .check_kit import built, check_kit, sign_up_check_user
from .exercises import NotYet, expect, written
from .running import error_summary
from .tables import last_position
from .trace import trace

VERSION = "2024-06"


class _Watched(UnitOfWork):
    """The kit's unit of work, noting how often the handler added an event and committed."""

    def __init__(self, kit: App, notes: Counter[str]) -> None:
        super().__init__(kit.engine, kit.dispatcher.dispatch, kit.dispatcher.lease)
        self.notes = notes

    def add_event(self, event: Event) -> None:
        self.notes["added"] += 1
        super().add_event(event)

    def commit(self) -> None:
        self.notes["commits"] += 1
        super().commit()


def _is_an_event(event_type: Any) -> None:
    name = getattr(written(event_type, "TermsAcceptedEvent"), "__name__", event_type)
    expect(
        isinstance(event_type, type) and issubclass(event_type, Event),
        f"{name} must subclass Event (cqrs_auth.domain.events), so that it has an event_id "
        "and can be stored",
    )
    expect(
        event_type.aggregate_id is not Event.aggregate_id,
        f"{name} has no aggregate_id of its own: the log files each event under the thing it "
        "is about; give it an aggregate_id property, as UserCreatedEvent has",
    )


def _command(command_type: Any, user_id: str) -> Any:
    written(command_type, "AcceptTermsCommand")
    try:
        return command_type(user_id=user_id, version=VERSION)
    except TypeError as error:
        raise NotYet(f"AcceptTermsCommand(user_id=..., version=...) failed: {error}") from None


def _why_nothing_was_stored(notes: Counter[str], published: int, name: str) -> str:
    if notes["added"] and not notes["commits"]:
        return (
            f"your handler handed the {name} to uow.add_event(...) but did not commit: a unit "
            "of work that ends without a commit rolls back, and nothing is stored"
        )
    if published:
        return (
            f"your handler published the {name} straight on an event bus, around the outbox: "
            "it was never stored, so a crash or a failing listener loses it for good. Store it "
            "in the unit of work; after the commit the unit of work publishes it for you"
        )
    return (
        f"the {name} is not stored: the command left no {name} in the log. Inside the unit of "
        "work, hand the event to the unit of work before its commit"
    )


def _stores_one_event(kit: App, command: Any, event_type: type, notes: Counter[str]) -> None:
    name, before = event_type.__name__, last_position(kit)
    with trace() as recorded:
        try:
            kit.command_bus.execute(command)
        except KitError as error:
            raise NotYet(
                f"for a user who exists your handler raised {error_summary(error)}: refuse "
                "only a user that the unit of work cannot find"
            ) from None
    stored = [e for e in kit.events(before) if e.type == name]
    published = [
        s for s in recorded.spans if s.name == "EventBus.publish" and name in str(s.attributes)
    ]
    if not stored:
        raise NotYet(_why_nothing_was_stored(notes, len(published), name))
    expect(len(stored) == 1, f"the command stored {len(stored)} {name}s; expected 1")
    expect(
        len(published) == 1,
        f"the {name} was published {len(published)} times: the unit of work publishes it "
        "after the commit; publishing it yourself as well delivers it twice",
    )
    expect(
        stored[0].payload == {"userId": command.user_id, "version": VERSION},
        f"the stored payload is {stored[0].payload}; expected {{'userId': <the user's id>, "
        f"'version': {VERSION!r}}}: give {name} the fields user_id and version",
    )


def _refuses_an_unknown_user(kit: App, command_type: type, event_type: type) -> None:
    before, outcome, error = last_position(kit), None, None
    try:
        outcome = kit.command_bus.execute(_command(command_type, str(uuid.uuid4())))
    except Exception as raised:  # noqa: BLE001 - the learner's error, judged below
        error = raised
    stored = " and stored an event" * any(e.type == event_type.__name__ for e in kit.events(before))
    unknown = "accepting the terms for a user that does not exist"
    if isinstance(outcome, Exception):
        raise NotYet(
            f"{unknown} returned {error_summary(outcome)} instead of raising it{stored}: a "
            "returned error is only a value, and the caller goes on as if all went well"
        )
    if error is None:
        raise NotYet(
            f"{unknown} raised no error{stored}; expected a ValidationError and nothing "
            "stored: look the user up with uow.users.get(...)"
        )
    expect(
        not stored,
        f"{unknown} raised {error_summary(error)}, but stored the event first: look the user "
        "up before you store anything",
    )
    expect(
        isinstance(error, ValidationError),
        f"{unknown} crashed with {error_summary(error)}; expected a clear refusal, a "
        'ValidationError("userId", ...), before the handler uses the missing user',
    )


def check_accept_terms(command_type: Any, event_type: Any, handler_type: Any) -> None:
    """On a kit of its own: the command stores one event for an existing user (added, committed,
    published by the unit of work) and refuses an unknown user with a raised ValidationError."""
    _is_an_event(event_type)
    with check_kit() as kit:
        notes: Counter[str] = Counter()
        handler = built(handler_type, "AcceptTermsHandler", lambda: _Watched(kit, notes))
        kit.command_bus.register(command_type, handler)
        user_id = sign_up_check_user(kit, "terms").user_id
        _stores_one_event(kit, _command(command_type, user_id), event_type, notes)
        _refuses_an_unknown_user(kit, command_type, event_type)
