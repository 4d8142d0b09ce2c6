"""Claims on events and the outbox relay, on every backend: an event is handled by one app at a
time, a failed dispatch gives its claim back, a claim that ran out is taken over, and the relay
delivers while the app runs."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

from conftest import expire_claims  # tests/conftest.py
from sqlalchemy import select

from cqrs_auth import UserCreatedEvent
from cqrs_auth.adapters.clock import from_db, utcnow
from cqrs_auth.adapters.event_store import EventStore
from cqrs_auth.adapters.tables import events
from cqrs_auth.service.relay import OutboxRelay

from .helpers import sign_up, undispatched_types


def claims(app) -> list[tuple[str, str | None, object]]:
    query = select(events.c.type, events.c.claimedBy, events.c.claimedUntil)
    with app.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query.order_by(events.c.position))]


def store_undispatched(app, count: int = 1) -> list[UserCreatedEvent]:
    """Events committed by nobody's request: as a process that died before claiming them."""
    stored = [
        UserCreatedEvent(user_id=str(uuid.uuid4()), username=f"user{n}", email=f"u{n}@example.org")
        for n in range(count)
    ]
    with app.engine.begin() as connection:
        for event in stored:
            EventStore(connection).append(event)
    return stored


def wait_until_dispatched(app, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while undispatched_types(app):
        assert time.monotonic() < deadline, f"still undispatched: {undispatched_types(app)}"
        time.sleep(0.05)


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.handled: list[str] = []
        self.fail = fail

    def execute(self, event: UserCreatedEvent) -> None:
        self.handled.append(event.event_id)
        if self.fail:
            raise RuntimeError("this handler fails")


def test_events_are_stored_claimed_by_their_app_and_the_claim_ends_with_the_dispatch_mark(
    make_app,
):
    app = make_app(RELAY_LEASE_SECONDS=60)
    dispatch, app.dispatcher.dispatch = app.dispatcher.dispatch, lambda events: None
    before = utcnow()
    sign_up(app)
    [(kind, owner, until)] = claims(app)
    assert (kind, owner) == ("UserCreatedEvent", app.dispatcher.lease.owner)
    assert before + timedelta(seconds=59) < from_db(until) <= utcnow() + timedelta(seconds=60)
    app.dispatcher.dispatch = dispatch
    sign_up(app, "bob", "bob@example.org")
    owner = app.dispatcher.lease.owner
    mine = [("UserCreatedEvent", owner), ("WelcomeEmailSentEvent", owner)]
    assert [row[:2] for row in claims(app)[1:]] == mine  # dispatched, still ours until marked
    assert app.dispatcher.write_marks() == 2
    unclaimed = [("UserCreatedEvent", None, None), ("WelcomeEmailSentEvent", None, None)]
    assert claims(app)[1:] == unclaimed


def test_a_failed_dispatch_gives_its_claim_back_so_the_next_relay_run_retries_it(app):
    broken = Recorder(fail=True)
    app.event_bus.register(UserCreatedEvent, broken)
    sign_up(app)
    assert claims(app)[0] == ("UserCreatedEvent", None, None)
    assert undispatched_types(app) == ["UserCreatedEvent"]
    broken.fail = False
    assert app.dispatcher.dispatch_pending() == 1
    assert undispatched_types(app) == [] and len(broken.handled) == 2


def test_a_claim_another_app_holds_is_left_alone_until_it_runs_out(make_app):
    holder, other = make_app(), make_app()
    holder.dispatcher.dispatch = lambda events: None  # holds its claims, dispatches nothing
    sign_up(holder)
    assert other.dispatcher.dispatch_pending() == 0
    assert undispatched_types(other) == ["UserCreatedEvent"]
    expire_claims(holder)
    assert other.dispatcher.dispatch_pending() == 1
    assert undispatched_types(other) == [] and len(other.mails()) == 1


def test_each_dispatch_pending_call_claims_an_event_once_even_when_it_keeps_failing(app):
    app.event_bus.register(UserCreatedEvent, Recorder(fail=True))
    store_undispatched(app, 3)
    assert app.dispatcher.dispatch_pending() == 3
    assert app.dispatcher.dispatch_pending() == 3
    assert undispatched_types(app) == ["UserCreatedEvent"] * 3


def test_apps_dispatching_the_same_outbox_at_once_handle_each_event_once(make_app):
    apps = [make_app() for _ in range(3)]
    recorders = [Recorder() for _ in apps]
    for app, recorder in zip(apps, recorders, strict=True):
        app.event_bus.register(UserCreatedEvent, recorder)
    stored = store_undispatched(apps[0], 150)
    barrier = threading.Barrier(len(apps))

    def relay_once(app) -> None:
        barrier.wait(timeout=30)
        app.dispatcher.dispatch_pending()

    threads = [threading.Thread(target=relay_once, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    handled = [event_id for recorder in recorders for event_id in recorder.handled]
    assert sorted(handled) == sorted(event.event_id for event in stored)
    assert undispatched_types(apps[0]) == []
    assert len(apps[0].mails()) == 150


def relay_one_event(app, interval: float) -> UserCreatedEvent:
    """Run the relay while an event is left undispatched, until it is delivered."""
    relay = OutboxRelay(app.dispatcher, interval=interval)
    relay.start()
    try:
        [event] = store_undispatched(app)
        wait_until_dispatched(app)
    finally:
        relay.stop()
    return event


def test_the_relay_delivers_an_event_left_undispatched_while_the_app_runs_with_one_mail(app):
    event = relay_one_event(app, interval=0.1)
    assert [mail.causation_id for mail in app.mails()] == [event.event_id]
    assert app.user_created_handler.handled == [event.event_id]


def test_the_relay_keeps_running_when_a_dispatch_pass_fails(app, caplog, monkeypatch):
    real_claim, calls = EventStore.claim, []

    def claim_failing_twice(store, *args, **kwargs):
        calls.append(1)
        if len(calls) <= 2:
            raise ConnectionError("the database is away")
        return real_claim(store, *args, **kwargs)

    monkeypatch.setattr(EventStore, "claim", claim_failing_twice)
    event = relay_one_event(app, interval=0.05)
    assert len(calls) >= 3 and "the outbox relay could not dispatch" in caplog.text
    assert [mail.causation_id for mail in app.mails()] == [event.event_id]
