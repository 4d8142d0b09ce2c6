"""Backoff (service/backoff.py) and telling a poison from an outage (service/parking.py),
without a database."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from cqrs_auth.adapters.event_store import StoredEvent
from cqrs_auth.service import backoff
from cqrs_auth.service.backoff import Backoff
from cqrs_auth.service.parking import Unreadable, describe, is_transient, restored
from cqrs_auth.service.projection import ProjectionBehind

log = logging.getLogger("tests.backoff")


def stored(event_type: str, **payload: str) -> StoredEvent:
    return StoredEvent(1, "e-1", event_type, "a-1", payload, datetime.now(UTC), None)


def test_the_wait_doubles_after_each_failure_up_to_the_longest_and_starts_again_after_a_success(
    monkeypatch,
):
    monkeypatch.setattr(backoff, "LONGEST_SECONDS", 3.0)
    waits = Backoff(log, "the thread", "work", 0.5)
    assert [waits.failed(RuntimeError("x")) for _ in range(5)] == [1.0, 2.0, 3.0, 3.0, 3.0]
    waits.succeeded()
    assert waits.failed(RuntimeError("x")) == 1.0


def test_a_streak_of_failures_logs_one_line_as_it_begins_and_one_as_it_ends(caplog):
    waits = Backoff(log, "the thread", "work", 0.1)
    outage = OperationalError("SELECT 1", {}, ConnectionError("gone"))
    with caplog.at_level(logging.WARNING, logger="tests.backoff"):
        waits.succeeded()  # nothing to say
        for _ in range(10):
            waits.failed(outage)
        waits.succeeded()
        waits.succeeded()
    assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
        "the thread could not work",
        "the thread could work again, after 10 failed attempt(s)",
    ]
    assert not caplog.records[0].exc_info  # an outage: no traceback


def test_a_failure_that_is_not_an_outage_is_logged_with_its_traceback_once(caplog):
    waits = Backoff(log, "the thread", "work", 0.1)
    with caplog.at_level(logging.WARNING, logger="tests.backoff"):
        for _ in range(3):
            try:
                raise ValueError("a bug")
            except ValueError as error:
                waits.failed(error)
    [record] = caplog.records
    assert record.exc_info and "ValueError: a bug" in record.getMessage()


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (OperationalError("SELECT 1", {}, ConnectionError("gone")), True),
        (PoolTimeout("QueuePool limit reached"), True),
        (ProjectionBehind("not yet"), True),
        (IntegrityError("INSERT", {}, ValueError("duplicate")), False),
        (TypeError("unexpected keyword argument 'user'"), False),
    ],
)
def test_the_database_away_and_not_yet_are_transient_anything_else_is_not(error, transient):
    assert is_transient(error) is transient


def test_an_error_is_described_in_one_line_with_its_class():
    assert describe(ValueError("first\nsecond")) == "ValueError: first"
    assert describe(KeyError()) == "KeyError"


def test_a_stored_event_that_cannot_be_restored_says_why():
    with pytest.raises(Unreadable, match="^no event class is named UserRenamedEvent$"):
        restored(stored("UserRenamedEvent"))
    with pytest.raises(Unreadable, match="^UserLoggedInEvent no longer fits its payload: Type"):
        restored(stored("UserLoggedInEvent", user="u-1", email="a@example.org"))
    event = restored(stored("UserLoggedInEvent", userId="u-1", email="a@example.org"))
    assert (event.type, event.aggregate_id) == ("UserLoggedInEvent", "u-1")
