"""The checks of the exercises that run against an app (chapters 3 and 6): each accepts the
right answer and explains typical wrong ones in words, on SQLite and on MariaDB."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from conftest import wrong_answer

from cqrs_auth import SendWelcomeEmailCommand, UserCreatedEvent
from cqrs_auth.course import (
    TryItPage,
    check_accept_terms,
    check_form_signup,
    check_idempotent_counter,
    check_welcome_saga,
)
from cqrs_auth.domain.commands import Command
from cqrs_auth.domain.errors import ValidationError
from cqrs_auth.domain.events import Event
from cqrs_auth.service.buses import EventBus

from .helpers import PASSWORD, event_types, sign_up


@dataclass(frozen=True)
class AcceptTermsCommand(Command):
    user_id: str
    version: str


@dataclass(frozen=True, kw_only=True)
class TermsAcceptedEvent(Event):
    user_id: str
    version: str

    @property
    def aggregate_id(self):
        return self.user_id


class AcceptTermsHandler:
    def __init__(self, uow, *, commit=True, check_user=True):
        self.uow, self.commit, self.check_user = uow, commit, check_user

    def execute(self, command):
        with self.uow() as uow:
            if self.check_user and uow.users.get(command.user_id) is None:
                raise ValidationError("userId", "No such user.")
            uow.add_event(TermsAcceptedEvent(user_id=command.user_id, version=command.version))
            if self.commit:
                uow.commit()


def test_the_terms_check_accepts_a_registered_handler_that_stores_its_event(make_app):
    app = make_app()
    app.command_bus.register(AcceptTermsCommand, AcceptTermsHandler(app.unit_of_work))
    check_accept_terms(app, AcceptTermsCommand, TermsAcceptedEvent, sign_up(app).user_id)


@pytest.mark.parametrize(
    ("handler_options", "words"),
    [
        (None, "app.command_bus has no handler for AcceptTermsCommand: register one"),
        ({"commit": False}, "stored 0 TermsAcceptedEvent(s); expected 1"),
        ({"check_user": False}, "does not exist raised no error and stored an event"),
    ],
    ids=["not registered", "no commit", "no user check"],
)
def test_the_terms_check_explains_a_wrong_handler(make_app, handler_options, words):
    app = make_app()
    if handler_options is not None:
        handler = AcceptTermsHandler(app.unit_of_work, **handler_options)
        app.command_bus.register(AcceptTermsCommand, handler)
    user_id = sign_up(app).user_id
    assert words in wrong_answer(
        check_accept_terms, app, AcceptTermsCommand, TermsAcceptedEvent, user_id
    )


class Counter:
    def __init__(self, idempotent=True):
        self.count, self.seen, self.idempotent = 0, set(), idempotent

    def execute(self, event):
        if self.idempotent and event.event_id in self.seen:
            return
        self.seen.add(event.event_id)
        self.count += 1


def test_the_counter_check_accepts_a_registered_idempotent_counter(make_app):
    app, counter = make_app(), Counter()
    app.event_bus.register(UserCreatedEvent, counter)
    check_idempotent_counter(app, counter)


def test_the_counter_check_explains_a_counter_that_counts_a_redelivered_event_twice(make_app):
    app, counter = make_app(), Counter(idempotent=False)
    app.event_bus.register(UserCreatedEvent, counter)
    assert "remember the event_ids" in wrong_answer(check_idempotent_counter, app, counter)


def test_the_counter_check_explains_a_counter_nobody_registered(make_app):
    words = "register the counter with app.event_bus.register(UserCreatedEvent, counter)"
    assert words in wrong_answer(check_idempotent_counter, make_app(), Counter())


def welcome_unless_test(event):
    if event.username.startswith("test"):
        return None
    return [SendWelcomeEmailCommand(event.user_id, event.username, event.email, event.event_id)]


def test_the_saga_check_accepts_a_registered_saga_that_returns_none_for_test_users(make_app):
    app = make_app()
    saga_bus = EventBus(app.command_bus)
    saga_bus.register_saga(welcome_unless_test, of_type=UserCreatedEvent)
    check_welcome_saga(app, saga_bus, welcome_unless_test)


def test_the_saga_check_explains_a_saga_nobody_registered(make_app):
    app = make_app()
    words = "register your saga with saga_bus.register_saga"
    assert words in wrong_answer(
        check_welcome_saga, app, EventBus(app.command_bus), welcome_unless_test
    )


def fill_signup(page, username, password):
    form = page.signup
    form.username.value, form.email.value = username, f"{username}@example.org"
    form.password.value = form.password_confirm.value = password
    form.button.click()


def test_the_form_check_accepts_grace_signed_up_through_the_form(make_app):
    app = make_app()
    page = TryItPage(app)
    fill_signup(page, "grace", PASSWORD)
    check_form_signup(page, event_types(app))


def test_the_form_check_explains_a_signup_that_bypassed_the_form_and_one_it_refused(make_app):
    app = make_app()
    page = TryItPage(app)
    sign_up(app, "grace", "grace@example.org")
    assert "call form.button.click()" in wrong_answer(check_form_signup, page, event_types(app))
    fill_signup(page, "grace2", "short")
    assert "the form refused the signup: " in wrong_answer(
        check_form_signup, page, event_types(app)
    )
