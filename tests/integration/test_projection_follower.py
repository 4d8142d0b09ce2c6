"""The read model off the request path (service/follower.py), as a server runs it: a login
returns before its projection, which a thread of its own applies a moment later, a batch of
waiting events with one catch-up, after a failure too, and on its tick with no event at all."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cqrs_auth import App
from cqrs_auth.adapters.statement_count import statement_counter
from cqrs_auth.domain.queries import GetUserActivityQuery
from cqrs_auth.service.follower import ProjectionFollower

from .helpers import log_in, sign_up

TICK = 0.2  # the follower's interval here: its catch-up when no event comes


class Watched:
    """The projector's two entry points, counted by thread, and held while `gate` is shut."""

    def __init__(self, app: App) -> None:
        self.threads: list[int] = []
        self.calls = {"execute": 0, "catch_up": 0}
        self.gate = threading.Event()
        self.gate.set()
        self.failures = 0  # calls still to fail
        for name in self.calls:
            setattr(app.projector, name, self._watch(name, getattr(app.projector, name)))

    def _watch(self, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def watched(*args: Any) -> Any:
            self.threads.append(threading.get_ident())
            self.calls[name] += 1
            assert self.gate.wait(30)
            if self.failures:
                self.failures -= 1
                raise ConnectionError("the database went away")
            return call(*args)

        return watched


@pytest.fixture
def served(app: App) -> Iterator[tuple[App, ProjectionFollower, Watched]]:
    yield from follow(app, TICK)


@pytest.fixture
def served_without_ticks(app: App) -> Iterator[tuple[App, ProjectionFollower, Watched]]:
    yield from follow(app, 600)


def follow(app: App, tick: float) -> Iterator[tuple[App, ProjectionFollower, Watched]]:
    watched = Watched(app)
    follower = ProjectionFollower.take_over(app.event_bus, app.projector, tick)
    follower.start()
    yield app, follower, watched
    watched.gate.set()
    follower.stop()


def login_count(app: App, user_id: str) -> int:
    activity = app.query_bus.execute(GetUserActivityQuery(user_id))
    return activity.login_count if activity else -1  # -1: no row yet


def settled(app: App, follower: ProjectionFollower, user_id: str) -> bool:
    """The signup projected and nothing waiting."""
    return login_count(app, user_id) == 0 and follower._queue.qsize() == 0


def eventually(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_login_returns_before_its_projection_which_the_follower_applies(served):
    app, follower, watched = served
    user = sign_up(app)
    assert eventually(lambda: settled(app, follower, user.user_id))
    watched.gate.clear()  # the projection cannot run now
    count = statement_counter(app.engine)
    before = count()
    log_in(app)  # returns: it does not wait for the read side
    sent = count() - before
    assert login_count(app, user.user_id) == 0  # not projected yet
    watched.gate.set()
    assert eventually(lambda: login_count(app, user.user_id) == 1)
    assert threading.get_ident() not in watched.threads
    assert set(watched.threads) == {follower._thread.ident}
    assert sent <= (8 if app.engine.dialect.name == "sqlite" else 6), sent  # the write side's


def hold_one_login(app: App, follower: ProjectionFollower, watched: Watched) -> tuple[str, int]:
    """Sign ada up and log her in once, with the follower holding that login's event at the
    gate: (her user id, the projector's `execute` calls so far, the held one included)."""
    user = sign_up(app)
    assert eventually(lambda: settled(app, follower, user.user_id))
    watched.gate.clear()
    executed = watched.calls["execute"] + 1
    log_in(app)  # the follower takes this one and waits at the gate
    assert eventually(lambda: watched.calls["execute"] == executed)
    return user.user_id, executed


def test_events_that_wait_are_applied_by_one_catch_up(served_without_ticks):
    app, follower, watched = served_without_ticks
    user_id, executed = hold_one_login(app, follower, watched)
    for _ in range(4):
        log_in(app)  # these queue up
    caught_up = watched.calls["catch_up"]
    watched.gate.set()
    assert eventually(lambda: login_count(app, user_id) == 5)
    assert watched.calls["catch_up"] == caught_up + 1  # one catch-up for the four
    assert watched.calls["execute"] == executed  # none of them applied one by one


def test_the_follower_goes_on_after_a_failure(served):
    app, follower, watched = served
    user = sign_up(app)
    assert eventually(lambda: settled(app, follower, user.user_id))
    watched.failures = 1
    log_in(app)  # its projection fails once
    assert eventually(lambda: watched.failures == 0)
    assert eventually(lambda: login_count(app, user.user_id) == 1)  # the next tick caught up
    assert follower._thread.is_alive()


def test_an_event_it_was_never_handed_is_reached_on_its_tick(served):
    app, _follower, _watched = served
    user = sign_up(app)
    app.event_bus.replace(_follower, _NotHanded())  # as if another process wrote the event
    log_in(app)
    assert eventually(lambda: login_count(app, user.user_id) == 1)


def test_stop_applies_the_events_that_came_before_it(served_without_ticks):
    app, follower, watched = served_without_ticks
    user_id, _ = hold_one_login(app, follower, watched)
    log_in(app)
    log_in(app)  # these two wait in the queue, before the stop
    stopping = threading.Thread(target=follower.stop)
    stopping.start()
    assert eventually(lambda: follower._queue.qsize() == 3)  # two logins' events, then STOP
    watched.gate.set()
    stopping.join(timeout=30)
    assert not follower._thread.is_alive()
    assert login_count(app, user_id) == 3


def test_stop_ends_the_thread(app):
    follower = ProjectionFollower.take_over(app.event_bus, app.projector, 60)
    follower.start()
    started = time.monotonic()
    follower.stop()
    assert not follower._thread.is_alive()
    assert time.monotonic() - started < 5  # woken, not waiting out its minute


class _NotHanded:
    def execute(self, _event: object) -> None:
        return None
