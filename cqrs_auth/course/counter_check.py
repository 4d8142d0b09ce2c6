"""Chapter 3's second exercise: an idempotent event handler, made from the learner's class and
registered by the check on a kit of its own (check_kit.py)."""

from __future__ import annotations

import uuid
from typing import Any

from ..bootstrap import App
from ..domain.events import UserCreatedEvent
from .check_kit import built, check_kit, sign_up_check_user
from .exercises import NotYet, expect
from .tables import last_position


def _probe_event() -> UserCreatedEvent:
    return UserCreatedEvent(user_id=str(uuid.uuid4()), username="probe", email="p@example.org")


def _count(counter: Any) -> int:
    count = getattr(counter, "count", None)
    if not isinstance(count, int):
        raise NotYet(f"counter.count is {count!r}; expected a number (start it at 0)")
    return count


def _counts_an_event_once(counter: Any) -> None:
    start, probe = _count(counter), _probe_event()
    expect(start == 0, f"a new counter's count is {start}; expected it to start at 0")
    counter.execute(probe)
    after = _count(counter)
    expect(after == 1, f"one new event moved count from 0 to {after}, not to 1")
    counter.execute(probe)
    expect(
        _count(counter) == 1,
        f"the same event (same event_id) handled twice moved count to {_count(counter)}; "
        "expected it to stay 1: remember the event_ids you have counted, skip those",
    )


def _counts_a_signup_once(kit: App, counter: Any) -> None:
    before, start = last_position(kit), _count(counter)
    sign_up_check_user(kit, "counted")
    expect(
        _count(counter) == start + 1,
        f"a signup, delivered by the event bus, moved count from {start} to {_count(counter)}; "
        f"expected {start + 1}",
    )
    [created] = [e for e in kit.events(before) if e.type == "UserCreatedEvent"]
    kit.event_bus.publish(created.to_event())
    expect(_count(counter) == start + 1, "re-dispatching the signup's event counted it again")


def check_idempotent_counter(counter_type: Any) -> None:
    """A new counter, registered on a kit of the check's own for UserCreatedEvent, counts each
    event once, even when the same event is dispatched twice."""
    counter = built(counter_type, "NewUserCounter")
    _counts_an_event_once(counter)
    with check_kit() as kit:
        counter = built(counter_type, "NewUserCounter")
        kit.event_bus.register(UserCreatedEvent, counter)
        _counts_a_signup_once(kit, counter)
