"""The checks of the exercises that need a kit (chapters 3 and 6): each accepts the right answer
and explains typical wrong ones in words. Chapter 3's checks make the learner's classes on a kit
of their own; chapter 6's reads the chapter's form, on SQLite and on MariaDB."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from conftest import wrong_answer

from cqrs_auth import SendWelcomeEmailCommand
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


def handler_class(**options):
    class Handler(AcceptTermsHandler):
        def __init__(self, uow):
            super().__init__(uow, **options)

    return Handler


def test_the_terms_check_accepts_a_handler_that_stores_its_event():
    check_accept_terms(AcceptTermsCommand, TermsAcceptedEvent, AcceptTermsHandler)


@pytest.mark.parametrize(
    ("handler_options", "words"),
    [
        (
            {"commit": False},
            "handed the TermsAcceptedEvent to uow.add_event(...) but did not commit",
        ),
        ({"check_user": False}, "does not exist raised no error and stored an event"),
    ],
    ids=["no commit", "no user check"],
)
def test_the_terms_check_explains_a_wrong_handler(handler_options, words):
    handler = handler_class(**handler_options)
    assert words in wrong_answer(
        check_accept_terms, AcceptTermsCommand, TermsAcceptedEvent, handler
    )


class Counter:
    def __init__(self, idempotent=True):
        self.count, self.seen, self.idempotent = 0, set(), idempotent

    def execute(self, event):
        if self.idempotent and event.event_id in self.seen:
            return
        self.seen.add(event.event_id)
        self.count += 1


class CountsEveryDelivery(Counter):
    def __init__(self):
        super().__init__(idempotent=False)


def test_the_counter_check_accepts_an_idempotent_counter():
    check_idempotent_counter(Counter)


def test_the_counter_check_explains_a_counter_that_counts_a_redelivered_event_twice():
    assert "remember the event_ids" in wrong_answer(check_idempotent_counter, CountsEveryDelivery)


def welcome_unless_test(event):
    if event.username.startswith("test"):
        return None
    return [SendWelcomeEmailCommand(event.user_id, event.username, event.email, event.event_id)]


def test_the_saga_check_accepts_a_saga_that_returns_none_for_test_users():
    check_welcome_saga(welcome_unless_test)


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


def test_the_form_check_accepts_grace_clicked_again_through_the_form(make_app, capsys):
    app = make_app()
    page = TryItPage(app)
    fill_signup(page, "grace", PASSWORD)
    fill_signup(page, "grace", PASSWORD)
    assert page.signup.error.extensions == {"code": "CONFLICT", "field": "username"}
    check_form_signup(page, event_types(app))
    assert "grace had signed up already" in capsys.readouterr().out
