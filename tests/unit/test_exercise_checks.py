"""Each exercise's check explains typical wrong answers in words (what was expected, what
happened), and accepts the right one. The checks that need a database are in
tests/integration/test_exercise_checks_with_an_app.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from conftest import wrong_answer

from cqrs_auth.course import (
    check_command_bus,
    check_dispatched_column,
    check_email_conflict,
    check_events_sql,
    check_me_username,
    check_user_id_from_token,
    read_sql,
)
from cqrs_auth.course.saga_check import _check_direct, _user_created
from cqrs_auth.domain.commands import SendWelcomeEmailCommand
from cqrs_auth.domain.errors import ConflictError


class RightBus:
    def __init__(self):
        self.handlers = {}

    def register(self, command_type, handler):
        self.handlers[command_type] = handler

    def execute(self, command):
        handler = self.handlers.get(type(command))
        if handler is None:
            raise LookupError(f"no handler for {type(command).__name__}")
        return handler.execute(command)


class CallsTheHandler(RightBus):
    def execute(self, command):
        return self.handlers[type(command)](command)


class ReturnsNothingForUnknown(RightBus):
    def execute(self, command):
        handler = self.handlers.get(type(command))
        return handler.execute(command) if handler else None


class KeyErrorWithoutTheName(RightBus):
    def execute(self, command):
        if type(command) not in self.handlers:
            raise KeyError("no handler")
        return super().execute(command)


class LookupErrorWithoutTheName(RightBus):
    def execute(self, command):
        if type(command) not in self.handlers:
            raise LookupError("no handler")
        return super().execute(command)


class BareKeyError(RightBus):
    """The issue's case: a KeyError that happens to name the command's class."""

    def execute(self, command):
        return self.handlers[type(command)].execute(command)


class OneHandlerForAll(RightBus):
    def register(self, command_type, handler):
        self.handlers.setdefault("the", handler)

    def execute(self, command):
        return self.handlers["the"].execute(command)


def test_the_minimal_bus_check_accepts_a_right_bus():
    check_command_bus(RightBus)


@pytest.mark.parametrize(
    ("bus", "words"),
    [
        (CallsTheHandler, "called the handler like a function"),
        (ReturnsNothingForUnknown, "returned None; expected an error that names the command"),
        (KeyErrorWithoutTheName, "raised a bare KeyError ('no handler'), which reads like a bug"),
        (LookupErrorWithoutTheName, "it should name the command's type"),
        (
            BareKeyError,
            "raised a bare KeyError (<class 'cqrs_auth.course.bus_check.UnknownCommand'>)",
        ),
        (OneHandlerForAll, "each command type needs its own handler"),
    ],
)
def test_the_minimal_bus_check_explains_a_wrong_bus(bus: type, words: str):
    assert words in wrong_answer(check_command_bus, bus)


def test_the_events_sql_check_explains_a_placeholder_a_path_and_the_wrong_file():
    check_events_sql(read_sql("002_create_events.sql"))
    assert "still the placeholder" in wrong_answer(check_events_sql, ...)
    assert "expected the SQL text" in wrong_answer(check_events_sql, ["CREATE TABLE events"])
    assert "another file" in wrong_answer(check_events_sql, read_sql("001_create_users.sql"))


def test_the_dispatched_column_check_explains_the_table_view_name_and_another_column():
    check_dispatched_column("dispatchedAt")
    assert "what event_table shows" in wrong_answer(check_dispatched_column, "dispatched")
    assert "'occurredAt' is not the column" in wrong_answer(check_dispatched_column, "occurredAt")


def test_the_token_check_explains_a_whole_token_a_decoded_one_and_another_users_id():
    user_id = str(uuid.uuid4())
    check_user_id_from_token(user_id, user_id)
    assert "a whole JWT" in wrong_answer(check_user_id_from_token, "eyJa.eyJb.c", user_id)
    decoded = {"claims": {"sub": user_id}}
    assert "['claims']['sub']" in wrong_answer(check_user_id_from_token, decoded, user_id)
    other = str(uuid.uuid4())
    assert "expected Grace's user id" in wrong_answer(check_user_id_from_token, other, user_id)


def test_the_me_check_explains_a_missing_token_and_too_many_fields():
    check_me_username({"data": {"me": {"username": "ada"}}})
    anonymous = {"data": {"me": None}, "errors": [{"extensions": {"code": "UNAUTHENTICATED"}}]}
    assert "pass Ada's token" in wrong_answer(check_me_username, anonymous)
    too_much = {"data": {"me": {"username": "ada", "email": "ada@example.org"}}}
    assert "ask for `me { username }`" in wrong_answer(check_me_username, too_much)


def test_the_conflict_check_explains_a_username_clash_and_a_value_that_is_no_error():
    check_email_conflict(ConflictError("email"))
    assert "clashed on the username" in wrong_answer(
        check_email_conflict, ConflictError("username")
    )
    assert "keep what expect_error" in wrong_answer(check_email_conflict, "CONFLICT")


def welcome_everybody(event):
    return [SendWelcomeEmailCommand(event.user_id, event.username, event.email, event.event_id)]


def welcome_one(event):
    if not event.username.startswith("test"):
        return SendWelcomeEmailCommand(event.user_id, event.username, event.email, event.event_id)
    return None


def welcome_caused_by_the_user(event):
    if not event.username.startswith("test"):
        yield SendWelcomeEmailCommand(event.user_id, event.username, event.email, event.user_id)


@dataclass
class Case:
    saga: object
    words: str


@pytest.mark.parametrize(
    "case",
    [
        Case(welcome_everybody, "for test_user the saga returned 1 command(s); expected none"),
        Case(welcome_one, "the saga returned one SendWelcomeEmailCommand, not in a list"),
        Case(welcome_caused_by_the_user, "expected the id of the event that caused it"),
    ],
    ids=lambda case: case.saga.__name__,
)
def test_the_saga_check_explains_a_wrong_saga_before_publishing_anything(case: Case):
    tester, person = _user_created("test_user"), _user_created("lin")
    assert case.words in wrong_answer(_check_direct, case.saga, tester, person)
