"""Gaps in the event log's positions, on MariaDB, where they happen: a position is handed out when
a transaction writes its event, so a later position can commit first, and a rolled-back
transaction leaves its position unused for ever. (SQLite's writers take turns and its
AUTOINCREMENT rolls back with them: it has no gaps.)"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from conftest import reset_mysql  # tests/conftest.py

from cqrs_auth import App, UserLoggedInEvent, bootstrap
from cqrs_auth.adapters.clock import utcnow
from cqrs_auth.service import projection

from .beyond_helpers import activity
from .helpers import log_in, sign_up, undispatched_types

pytestmark = pytest.mark.mysql


@pytest.fixture
def mariadb_app(mysql_url: str) -> Iterator[App]:
    reset_mysql(mysql_url)
    app = bootstrap(mysql_url, PROJECTION_GAP_TIMEOUT_SECONDS=30)
    yield app
    app.close()


def test_an_event_committed_before_an_earlier_one_waits_for_it_then_is_applied_in_turn(
    mariadb_app, caplog
):
    app = mariadb_app
    ada = sign_up(app)
    with app.unit_of_work() as slow:  # a transaction that has written its event, not committed
        slow.add_event(UserLoggedInEvent(user_id=ada.user_id, email=ada.email))
        with caplog.at_level(logging.ERROR):
            log_in(app)  # a later position, committed and dispatched first
        assert activity(app, ada.user_id).login_count == 0  # it may not jump the queue
        assert undispatched_types(app) == ["UserLoggedInEvent"]
        assert "ProjectionBehind" in caplog.text and "stays undispatched" in caplog.text
        slow.commit()
    # on leaving, the earlier event is dispatched and applied, in turn
    assert activity(app, ada.user_id).login_count == 1
    assert app.dispatcher.dispatch_pending() == 1  # the relay hands the later one over again
    assert activity(app, ada.user_id).login_count == 2
    assert undispatched_types(app) == []


def test_a_gap_left_by_a_rolled_back_transaction_is_passed_once_the_next_event_is_old(
    mariadb_app, monkeypatch
):
    app = mariadb_app
    ada = sign_up(app)
    with app.unit_of_work() as rolled_back:  # writes an event, never commits
        rolled_back.add_event(UserLoggedInEvent(user_id=ada.user_id, email=ada.email))
    log_in(app)
    positions = [stored.position for stored in app.events()]
    assert positions[-1] == positions[-2] + 2  # the rolled-back event's position stays unused
    assert app.dispatcher.dispatch_pending() == 1  # still young: the gap may yet be filled
    assert activity(app, ada.user_id).login_count == 0

    later = utcnow() + timedelta(seconds=31)
    monkeypatch.setattr(projection, "utcnow", lambda: later)
    assert app.dispatcher.dispatch_pending() == 1
    assert activity(app, ada.user_id).login_count == 1
    assert undispatched_types(app) == []


def test_a_rebuild_stopped_by_a_young_gap_starts_again_from_the_start_of_the_log(
    mariadb_app, monkeypatch
):
    app = mariadb_app
    with app.unit_of_work() as rolled_back:  # position 1 is never committed
        rolled_back.add_event(UserLoggedInEvent(user_id="u-1", email="x@example.org"))
    later = utcnow() + timedelta(seconds=31)
    ada = sign_up(app)
    monkeypatch.setattr(projection, "utcnow", lambda: later)
    app.projector.catch_up()
    assert activity(app, ada.user_id).login_count == 0
    monkeypatch.undo()

    assert app.projector.rebuild().position == 0  # the gap is young again for a rebuild now
    assert activity(app, ada.user_id) is None
    monkeypatch.setattr(projection, "utcnow", lambda: later)
    assert app.projector.catch_up().position == app.events()[-1].position
    assert activity(app, ada.user_id).login_count == 0
