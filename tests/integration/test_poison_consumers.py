"""Poison events and the other consumers, on every backend: an event handler that keeps failing
on an event parks it at its third failure (the event is then dispatched for the others), a
retry hands it back to the relay; a failure because the database is away is never parked, and
the server's threads back off while it lasts, with one log line as it begins and one as it ends."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable

import pytest
from conftest import reset_mysql  # tests/conftest.py
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from cqrs_auth import App, UserCreatedEvent, bootstrap
from cqrs_auth.adapters.db import make_engine
from cqrs_auth.adapters.user_activity import UserActivityRows
from cqrs_auth.service.follower import ProjectionFollower
from cqrs_auth.service.relay import OutboxRelay

from .beyond_helpers import activity
from .helpers import log_in, sign_up, undispatched_types
from .poison_helpers import parked, parking_lines
from .test_outbox_outage import CuttableProxy

OUTAGE_SECONDS = 1.6
TICK = 0.05  # without backoff: OUTAGE_SECONDS / TICK = 32 tries


class Failing:
    def __init__(self, error: Exception | None) -> None:
        self.error, self.calls = error, 0

    def execute(self, _event: UserCreatedEvent) -> None:
        self.calls += 1
        if self.error:
            raise self.error


def warned(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The records of WARNING and above (an earlier test may have left the kit's loggers at
    INFO, whose lines caplog then captures too)."""
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def database_away() -> OperationalError:
    return OperationalError("SELECT 1", {}, ConnectionError("the database went away"))


def dead_engine(app: App) -> Engine:
    """An engine for a database that is not there: every connection fails, as in an outage."""
    url = make_url(app.settings.DATABASE_URL)
    if url.get_backend_name() == "sqlite":
        return make_engine("sqlite:////no/such/folder/kit.db")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return make_engine(url.set(host="127.0.0.1", port=port).render_as_string(False))


def counted(calls: list[float], work: Callable[[], object]) -> Callable[[], object]:
    def count() -> object:
        calls.append(time.monotonic())
        return work()

    return count


def eventually(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_handler_that_keeps_failing_on_an_event_parks_it_at_its_third_failure(app, caplog):
    broken = Failing(RuntimeError("this handler fails"))
    app.event_bus.register(UserCreatedEvent, broken)
    with caplog.at_level(logging.WARNING):
        sign_up(app)  # 1: right after the commit
        app.dispatcher.dispatch_pending()  # 2: the relay
        assert undispatched_types(app) == ["UserCreatedEvent"] and parked(app) == []
        app.dispatcher.dispatch_pending()  # 3: parked; dispatched for the other consumers
    assert parked(app) == [("UserCreatedEvent", "Failing")]
    assert undispatched_types(app) == [] and app.dispatcher.dispatch_pending() == 0
    assert broken.calls == 3 and len(app.mails()) == 1  # the welcome mail once
    assert len(parking_lines(warned(caplog))) == 1
    assert len([record for record in warned(caplog) if record.exc_info]) == 2

    broken.error = None  # the fix is deployed
    [(_, error)] = app.retry_parked()
    assert error is None and parked(app) == [] and undispatched_types(app) == ["UserCreatedEvent"]
    assert app.dispatcher.dispatch_pending() == 1
    assert broken.calls == 4 and undispatched_types(app) == [] and len(app.mails()) == 1


def test_a_handler_failing_because_the_database_is_away_is_never_parked(app, caplog):
    broken = Failing(database_away())
    app.event_bus.register(UserCreatedEvent, broken)
    with caplog.at_level(logging.WARNING):
        sign_up(app)
        for _ in range(4):
            app.dispatcher.dispatch_pending()
    assert broken.calls == 5 and parked(app) == []
    assert undispatched_types(app) == ["UserCreatedEvent"]  # the relay keeps trying
    assert len(warned(caplog)) == 5  # one line per try, no traceback: it is an outage
    assert not any(record.exc_info for record in warned(caplog))
    assert "(OperationalError: " in warned(caplog)[0].getMessage()


def test_the_projection_failing_because_the_database_is_away_parks_nothing(app, monkeypatch):
    ada = sign_up(app)

    def away(*_args: object) -> None:
        raise database_away()

    monkeypatch.setattr(UserActivityRows, "logged_in", away)
    log_in(app)
    log_in(app)
    assert parked(app) == [] and activity(app, ada.user_id).login_count == 0
    monkeypatch.undo()
    app.dispatcher.dispatch_pending()  # the relay hands the events over again
    assert activity(app, ada.user_id).login_count == 2 and parked(app) == []


def test_the_follower_backs_off_while_the_database_is_away_and_logs_two_lines(app, caplog):
    ada = sign_up(app)
    follower = ProjectionFollower.take_over(app.event_bus, app.projector, TICK)
    tries: list[float] = []
    app.projector.catch_up = counted(tries, app.projector.catch_up)  # type: ignore[method-assign]
    engine, app.projector.engine = app.projector.engine, dead_engine(app)
    with caplog.at_level(logging.WARNING, logger="cqrs_auth.service.follower"):
        follower.start()
        try:
            time.sleep(OUTAGE_SECONDS)
            during = len(tries)
            log_in(app)  # the write side is up again; the read side still cannot reach it
            app.projector.engine = engine  # the database is back
            assert eventually(lambda: activity(app, ada.user_id).login_count == 1)
        finally:
            follower.stop()
    assert 2 <= during <= 8, during  # backing off: 0.1 s, 0.2 s, 0.4 s, 0.8 s
    messages = [record.getMessage() for record in warned(caplog)]
    assert len(messages) == 2, messages
    assert messages[0].startswith("the projection could not catch up (OperationalError: ")
    assert messages[1].startswith("the projection could catch up again, after ")
    assert parked(app) == []


def test_the_relay_backs_off_while_the_database_is_away_and_logs_two_lines(app, caplog):
    relay = OutboxRelay(app.dispatcher, interval=TICK)
    tries: list[float] = []
    pending = app.dispatcher.dispatch_pending
    app.dispatcher.dispatch_pending = counted(tries, pending)  # type: ignore[method-assign]
    engine, app.dispatcher._engine = app.dispatcher._engine, dead_engine(app)
    with caplog.at_level(logging.WARNING, logger="cqrs_auth.service.relay"):
        relay.start()
        try:
            time.sleep(OUTAGE_SECONDS)
            during = len(tries)
            app.dispatcher._engine = engine
            assert eventually(lambda: len(warned(caplog)) == 2)
        finally:
            relay.stop()
    assert 2 <= during <= 8, during
    messages = [record.getMessage() for record in warned(caplog)]
    assert messages[0].startswith("the outbox relay could not dispatch (OperationalError: ")
    assert messages[1].startswith("the outbox relay could dispatch again, after ")


@pytest.mark.mysql
def test_a_real_outage_on_mariadb_backs_off_parks_nothing_and_the_read_model_catches_up(
    mysql_url, caplog
):
    reset_mysql(mysql_url)
    real = make_url(mysql_url)
    proxy = CuttableProxy(real.host or "127.0.0.1", real.port or 3306)
    app = bootstrap(real.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
    follower = ProjectionFollower.take_over(app.event_bus, app.projector, TICK)
    relay = OutboxRelay(app.dispatcher, interval=TICK)
    tries: dict[str, list[float]] = {"follower": [], "relay": []}
    app.projector.catch_up = counted(tries["follower"], app.projector.catch_up)  # type: ignore[method-assign]
    pending = counted(tries["relay"], app.dispatcher.dispatch_pending)
    app.dispatcher.dispatch_pending = pending  # type: ignore[method-assign]
    try:
        ada = sign_up(app)
        follower.start()
        relay.start()
        with caplog.at_level(logging.WARNING, logger="cqrs_auth.service"):
            proxy.cut()  # every connection dropped, new ones refused
            before = {name: len(times) for name, times in tries.items()}
            time.sleep(OUTAGE_SECONDS)
            during = {name: len(times) - before[name] for name, times in tries.items()}
            proxy.restore()
            log_in(app)
            assert eventually(lambda: activity(app, ada.user_id).login_count == 1)
            assert eventually(lambda: len(warned(caplog)) == 4)
    finally:
        relay.stop()
        follower.stop()
        app.close()
        proxy.close()
    assert all(2 <= tried <= 8 for tried in during.values()), during  # 32 each without backoff
    lines = sorted(record.getMessage().split(" (")[0].split(",")[0] for record in warned(caplog))
    assert lines == [
        "the outbox relay could dispatch again",
        "the outbox relay could not dispatch",
        "the projection could catch up again",
        "the projection could not catch up",
    ]
    checker = bootstrap(mysql_url, start=False)
    try:
        assert checker.parked() == []
    finally:
        checker.close()
