"""Chapter 9's checks (the reset saga with its mail handler, and the reset handler) accept a
right answer and explain typical wrong ones in words; each makes the learner's classes and wires
them on buses and a kit of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from conftest import wrong_answer
from sqlalchemy import select

from cqrs_auth.adapters.clock import utcnow
from cqrs_auth.adapters.tables import password_reset_tokens
from cqrs_auth.auth.reset_tokens import hash_reset_token, new_reset_token
from cqrs_auth.course import check_reset_handler, check_reset_mail
from cqrs_auth.domain.commands import SendPasswordResetEmailCommand
from cqrs_auth.domain.errors import ValidationError
from cqrs_auth.domain.events import Event, PasswordResetEmailSentEvent
from cqrs_auth.service import password_reset
from cqrs_auth.service.reset_mails import RESET_SUBJECT


def reset_saga(event):
    return [SendPasswordResetEmailCommand(email=event.email, causation_id=event.event_id)]


def saga_of_one_command(event):
    return SendPasswordResetEmailCommand(email=event.email, causation_id=event.event_id)


def saga_caused_by_the_email(event):
    return [SendPasswordResetEmailCommand(email=event.email, causation_id=event.email)]


@dataclass(frozen=True, kw_only=True)
class ResetLinkMailedEvent(Event):
    """What a learner who wants the log to tell what was sent might write: the link, token too."""

    user_id: str
    link: str

    @property
    def aggregate_id(self):
        return self.user_id


class ResetMailHandler:
    """The right answer, with switches for the typical wrong ones."""

    def __init__(self, uow, settings, **wrong):
        self.uow, self.settings, self.wrong = uow, settings, wrong

    def execute(self, command):
        token, now = new_reset_token(), utcnow()
        lifetime = self.wrong.get("lifetime", timedelta(seconds=1800))
        link = f"{self.settings.PASSWORD_RESET_URL}#token={token}"
        stored = token.encode()[:32] if self.wrong.get("stores_the_token") else None
        with self.uow() as uow:
            user = uow.users.get_by_email(command.email)
            if user is None and not self.wrong.get("forgets_unknown_emails"):
                return None
            if self.wrong.get("token_before_mail"):
                uow.reset_tokens.replace(user.user_id, hash_reset_token(token), now, now + lifetime)
            body = f"Hello {user.username}, open {link}"
            mail_id = uow.mail.put(
                causation_id=command.causation_id,
                recipient=user.email,
                subject=RESET_SUBJECT,
                body=body,
            )
            if mail_id is not None:
                token_hash = stored or hash_reset_token(token)
                uow.reset_tokens.replace(user.user_id, token_hash, now, now + lifetime)
                uow.add_event(self._event(user, mail_id, link, now + lifetime))
            uow.commit()
        return mail_id

    def _event(self, user, mail_id, link, expires_at):
        if self.wrong.get("link_in_the_event"):
            return ResetLinkMailedEvent(user_id=user.user_id, link=link)
        return PasswordResetEmailSentEvent(
            user_id=user.user_id,
            email=user.email,
            mail_id=mail_id,
            expires_at=expires_at.isoformat(),
        )


def mail_handler(**wrong):
    """ResetMailHandler with some of its wrong switches on, made as the check makes it."""

    class WrongMailHandler(ResetMailHandler):
        def __init__(self, uow, settings):
            super().__init__(uow, settings, **wrong)

    return WrongMailHandler


def test_the_reset_mail_check_accepts_a_right_saga_and_mail_handler():
    check_reset_mail(reset_saga, ResetMailHandler)


@pytest.mark.parametrize(
    ("saga", "wrong", "words"),
    [
        (saga_of_one_command, {}, "the saga returned one SendPasswordResetEmailCommand, not in"),
        (saga_caused_by_the_email, {}, "expected the id of the event that caused it"),
        (
            reset_saga,
            {"link_in_the_event": True},
            "the ResetLinkMailedEvent you stored holds the token",
        ),
        (reset_saga, {"token_before_mail": True}, "delivered again made a second token"),
        (
            reset_saga,
            {"forgets_unknown_emails": True},
            "for an email without an account your handler raised AttributeError",
        ),
        (
            reset_saga,
            {"lifetime": timedelta(days=365)},
            "expected PASSWORD_RESET_TTL_SECONDS (1800 s)",
        ),
        (reset_saga, {"stores_the_token": True}, "the stored tokenHash is not the SHA-256"),
    ],
    ids=[
        "one command, not a list",
        "caused by the email",
        "the link in an event",
        "a token per delivery",
        "an unknown email crashes",
        "a token for a year",
        "the token stored, not its hash",
    ],
)
def test_the_reset_mail_check_explains_a_wrong_saga_or_handler(saga, wrong, words):
    assert words in wrong_answer(check_reset_mail, saga, mail_handler(**wrong))


class TakesTheAppInstead(ResetMailHandler):
    def __init__(self, app):
        super().__init__(app.unit_of_work, app.settings)


def test_the_reset_mail_check_explains_a_handler_made_otherwise_and_placeholders():
    words = "making ResetMailHandler(...) as the task says failed: "
    assert words in wrong_answer(check_reset_mail, reset_saga, TakesTheAppInstead)
    assert "`ResetMailHandler` is still the placeholder" in wrong_answer(
        check_reset_mail, reset_saga, ...
    )


class HashesFirst(password_reset.ResetPasswordHandler):
    """Hashes the new password before it looks at the token."""

    def execute(self, command):
        self.hasher.hash(command.password)
        return super().execute(command)


class TellsUsedApart(password_reset.ResetPasswordHandler):
    """Says "used already" for a used token, the one error for the others."""

    def _owner(self, token_hash):
        with self.uow() as uow:
            query = select(password_reset_tokens.c.usedAt).where(
                password_reset_tokens.c.tokenHash == token_hash
            )
            used_at = uow.reset_tokens.connection.execute(query).scalar_one_or_none()
        if used_at is not None:
            raise ValidationError("token", "This link was used already.")
        return super()._owner(token_hash)


def never_marks_it_used(uow):
    uow.reset_tokens.use = lambda token_hash, now: True


def keeps_the_lock(uow):
    uow.login_failures.clear = lambda email: None


def ignores_expiry(uow):
    """Compares the expiry with a time long past: every unused token looks unexpired."""
    user_of, use, long_ago = uow.reset_tokens.user_of, uow.reset_tokens.use, timedelta(days=1)
    uow.reset_tokens.user_of = lambda token_hash, now: user_of(token_hash, now - long_ago)
    uow.reset_tokens.use = lambda token_hash, now: use(token_hash, now - long_ago)


def units_of_work(factory, change):
    """The kit's units of work, with `change` applied to each as it begins."""

    class Changed:
        def __init__(self):
            self.real = factory()

        def __enter__(self):
            uow = self.real.__enter__()
            change(uow)
            return uow

        def __exit__(self, *exc):
            return self.real.__exit__(*exc)

    return Changed


def reset_handler(handler_class=password_reset.ResetPasswordHandler, change=None):
    """A handler class as the learner hands it over: the check makes it with the kit's parts."""

    class Handler(handler_class):
        def __init__(self, uow, hasher, settings):
            super().__init__(units_of_work(uow, change) if change else uow, hasher, settings)

    return Handler


def test_the_reset_handler_check_accepts_a_right_handler():
    check_reset_handler(reset_handler())


@pytest.mark.parametrize(
    ("handler_class", "change", "words"),
    [
        (None, never_marks_it_used, "the token, used a second time, was accepted"),
        (HashesFirst, None, "an unknown token cost 1 argon2id hash(es); expected none"),
        (None, keeps_the_lock, "after the reset the email is still locked"),
        (None, ignores_expiry, "an expired token was accepted"),
        (TellsUsedApart, None, "the bad tokens got different answers"),
    ],
    ids=["never marks it used", "hashes first", "keeps the lock", "ignores expiry", "tells apart"],
)
def test_the_reset_handler_check_explains_a_wrong_handler(handler_class, change, words):
    handler = reset_handler(handler_class or password_reset.ResetPasswordHandler, change)
    assert words in wrong_answer(check_reset_handler, handler)


def test_the_reset_handler_check_explains_a_handler_made_otherwise():
    words = "making MyResetPasswordHandler(...) as the task says failed: "
    assert words in wrong_answer(check_reset_handler, TakesTheAppInstead)
