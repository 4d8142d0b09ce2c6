"""Chapter 3's exercises, run as a learner runs them in one kernel: typical wrong answers first,
then the chapter's right answer, then the right answer again — each with the words it must show.
A learner's event class, however often re-defined, never stops the chapter's read model."""

from __future__ import annotations

import pytest
from learner import RIGHT, Kernel, chapter_cells, not_yet

from cqrs_auth.course import captured_logs, last_position, projection_position
from cqrs_auth.domain.events import Event

ANSWERS, CHECKS = chapter_cells("03", "solution"), chapter_cells("03", "check")
SETUP = """
from dataclasses import dataclass

from cqrs_auth import CreateUserCommand, SendWelcomeEmailCommand, UserCreatedEvent
from cqrs_auth.course import check_accept_terms, check_idempotent_counter, check_welcome_saga
from cqrs_auth.domain.commands import Command
from cqrs_auth.domain.errors import ValidationError
from cqrs_auth.domain.events import Event
password = "correct horse battery staple"
ada = app.command_bus.execute(CreateUserCommand("ada", "ada@example.org", password, password))
"""
TERMS = """
@dataclass(frozen=True)
class AcceptTermsCommand(Command):
    user_id: str
    version: str


@dataclass(frozen=True, kw_only=True)
class TermsAcceptedEvent(Event):
    {fields}

    @property
    def aggregate_id(self):
        return "the user"


class AcceptTermsHandler:
    def __init__(self, uow):
        self.uow = uow

    def execute(self, command):
        with self.uow() as uow:
            if uow.users.get(command.user_id) is None:
                {refuse}
            {store}
"""
ADD = "uow.add_event(TermsAcceptedEvent(user_id=command.user_id, version=command.version))"
RIGHT_TERMS = {
    "fields": "user_id: str\n    version: str",
    "refuse": 'raise ValidationError("userId", "No such user.")',
    "store": f"{ADD}\n            uow.commit()",
}


def terms(**changes: str) -> str:
    return TERMS.format(**{**RIGHT_TERMS, **changes})


@pytest.fixture
def kernel(make_app):
    kernel = Kernel(app=make_app())
    kernel.run(SETUP)
    return kernel


def wrong_terms() -> list[tuple[str, str]]:
    """Typical wrong answers of Your turn 1, and the start of what the check says of each."""
    return [
        (
            terms(
                fields="user: str\n    version: str",
                store=ADD.replace("user_id=", "user=") + "\n            uow.commit()",
            ),
            "the stored payload is {'user': ",
        ),
        (
            terms(store=ADD),
            "your handler handed the TermsAcceptedEvent to uow.add_event(...) but "
            "did not commit: a unit of work that ends without a commit rolls back, and nothing is "
            "stored",
        ),
        (
            terms(
                store="app.event_bus.publish(TermsAcceptedEvent(user_id=command.user_id, "
                "version=command.version))"
            ),
            "your handler published the TermsAcceptedEvent straight on an event bus, around the "
            "outbox: it was never stored, so a crash or a failing listener loses it for good. "
            "Store it in the unit of work; after the commit the unit of work publishes it for you",
        ),
        (
            terms(store="uow.commit()"),
            "the TermsAcceptedEvent is not stored: the command left no TermsAcceptedEvent in the "
            "log. Inside the unit of work, hand the event to the unit of work before its commit",
        ),
        (
            terms(refuse='return ValidationError("userId", "No such user.")'),
            "accepting the terms for a user that does not exist returned ValidationError: No such "
            "user.  extensions={'code': 'BAD_USER_INPUT', 'field': 'userId'} instead of raising "
            "it: a returned error is only a value, and the caller goes on as if all went well",
        ),
        (
            terms(refuse="pass"),
            "accepting the terms for a user that does not exist raised no error and stored an "
            "event; expected a ValidationError and nothing stored: look the user up with "
            "uow.users.get(...)",
        ),
        (
            terms(refuse="uow.users.get(command.user_id).username"),
            "accepting the terms for a user that does not exist crashed with AttributeError: "
            "'NoneType' object has no attribute 'username'; expected a clear refusal, a "
            'ValidationError("userId", ...), before the handler uses the missing user',
        ),
    ]


def test_the_terms_check_explains_each_wrong_try_then_accepts_the_right_answer_twice(kernel):
    for answer, words in wrong_terms():
        kernel.run(answer)
        verdict = kernel.check(CHECKS[0])
        assert verdict.startswith(not_yet(words).rstrip("\n")), verdict
    kernel.run(ANSWERS[0])
    assert kernel.check(CHECKS[0]) == RIGHT
    kernel.run(ANSWERS[0])  # the answer cell again, without the cells above it
    assert kernel.check(CHECKS[0]) == RIGHT
    assert kernel.check(CHECKS[0]) == RIGHT


def test_a_learners_event_classes_never_stop_the_chapters_read_model(kernel):
    app = kernel["app"]
    kernel.run(wrong_terms()[0][0])  # the field `user`: then re-defined with `user_id`
    kernel.check(CHECKS[0])
    kernel.run(ANSWERS[0])
    assert kernel.check(CHECKS[0]) == RIGHT
    kernel.run(  # and even stored in the chapter's own log, the old way
        "app.command_bus.register(AcceptTermsCommand, AcceptTermsHandler(app.unit_of_work))\n"
        "app.command_bus.execute(AcceptTermsCommand(user_id=ada.user_id, version='2024-06'))"
    )
    kernel.run(wrong_terms()[0][0])  # re-defined again: the stored event no longer fits it
    assert "TermsAcceptedEvent" not in Event.registry
    with captured_logs() as logs:
        kernel.run(
            "app.command_bus.execute(CreateUserCommand('lin', 'lin@example.org', "
            "password, password))"
        )
    assert projection_position(app) == last_position(app)
    assert not [line for line in logs if line.startswith(("ERROR", "WARNING"))], logs
    lin = kernel.run("print(app.graphql('{ me { username } }'))")  # the kit still answers
    assert "UNAUTHENTICATED" in lin


COUNTER = """
class NewUserCounter:
    def __init__(self):
        {init}

    def execute(self, event):
        {count}
"""


def test_the_counter_check_explains_wrong_counters_then_accepts_the_right_one_twice(kernel):
    wrong = [
        (
            COUNTER.format(init="self.count = 0", count="self.count += 1"),
            "the same event (same event_id) handled twice moved count to 2; expected it to stay 1: "
            "remember the event_ids you have counted, skip those",
        ),
        (
            COUNTER.format(init="self.total = 0", count="pass"),
            "counter.count is None; expected a number (start it at 0)",
        ),
        (
            COUNTER.format(init="self.count = 1", count="pass"),
            "a new counter's count is 1; expected it to start at 0",
        ),
    ]
    for answer, words in wrong:
        kernel.run(answer)
        assert kernel.check(CHECKS[1]) == not_yet(words)
    for _ in range(2):
        kernel.run(ANSWERS[1])
        assert kernel.check(CHECKS[1]) == RIGHT


SAGA = """
def welcome_unless_test(event):
    {skip}
    return {result}
"""
COMMAND = (
    "SendWelcomeEmailCommand(user_id=event.user_id, username=event.username, "
    "email=event.email, causation_id={cause})"
)


def test_the_saga_check_explains_wrong_sagas_then_accepts_the_right_one_twice(kernel):
    """The issue's case first: a saga that mails test users, then the right one, in one kernel."""
    wrong = [
        (
            SAGA.format(skip="pass", result=f"[{COMMAND.format(cause='event.event_id')}]"),
            "for test_user the saga returned 1 command(s); expected none: usernames that start "
            "with 'test' get no mail",
        ),
        (
            SAGA.format(
                skip="if event.username.startswith('test'): return None",
                result=COMMAND.format(cause="event.event_id"),
            ),
            "the saga returned one SendWelcomeEmailCommand, not in a list: the event bus runs each "
            "command of what a saga returns (a list, or None for none)",
        ),
    ]
    for answer, words in wrong:
        kernel.run(answer)
        assert kernel.check(CHECKS[2]) == not_yet(words)
    kernel.run(
        SAGA.format(
            skip="if event.username.startswith('test'): return None",
            result=f"[{COMMAND.format(cause='event.user_id')}]",
        )
    )
    assert kernel.check(CHECKS[2]).startswith("✗ Not yet: the command's causation_id is '")
    for _ in range(2):
        kernel.run(ANSWERS[2])
        assert kernel.check(CHECKS[2]) == RIGHT
    assert kernel.run("print(len(app.mails()))") == "1\n"  # ada's: the checks mailed elsewhere
