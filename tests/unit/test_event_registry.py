"""Only the kit's own event classes are known by name: a class defined elsewhere (a learner's,
in a notebook) cannot change how the kit restores its stored events."""

from __future__ import annotations

from dataclasses import dataclass

from cqrs_auth.domain import events
from cqrs_auth.domain.events import Event, UserCreatedEvent


def test_the_kit_knows_each_of_its_own_event_classes_by_name():
    kit_classes = {
        name: value
        for name, value in vars(events).items()
        if isinstance(value, type) and issubclass(value, Event) and value is not Event
    }
    assert kit_classes and kit_classes.items() <= Event.registry.items()
    assert all(cls.__module__.startswith("cqrs_auth.") for cls in Event.registry.values())


def test_an_event_class_defined_outside_the_kit_is_not_known_even_with_a_kit_name():
    namespace = {"__name__": "__main__", "dataclass": dataclass, "Event": Event}
    exec(  # noqa: S102 - as a notebook cell defines it
        "@dataclass(frozen=True, kw_only=True)\n"
        "class UserCreatedEvent(Event):\n"
        "    user: str\n\n"
        "@dataclass(frozen=True, kw_only=True)\n"
        "class TermsAcceptedEvent(Event):\n"
        "    user_id: str\n",
        namespace,
    )
    assert "TermsAcceptedEvent" not in Event.registry
    assert Event.registry["UserCreatedEvent"] is UserCreatedEvent
    restored = Event.restore(
        "UserCreatedEvent",
        "an-id",
        UserCreatedEvent(user_id="u", username="n", email="e").occurred_at,
        {"userId": "u", "username": "n", "email": "e"},
    )
    assert type(restored) is UserCreatedEvent
