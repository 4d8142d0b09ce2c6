"""Password reset: the two command handlers a user reaches (beyond the tutorial).

    requestPasswordReset ─► RequestPasswordResetCommand ─► RequestPasswordResetHandler
        ─► PasswordResetRequestedEvent, left in the outbox for the relay
        ─► saga ─► SendPasswordResetEmailCommand ─► token + mail (reset_mails.py)
    resetPassword ─► ResetPasswordCommand ─► ResetPasswordHandler
        ─► new hash, every session ended, token used, failures and lock cleared
        ─► PasswordChangedEvent
        ─► saga ─► SendPasswordChangedEmailCommand ─► mail (reset_mails.py)

A request does the same work for every email, with or without an account: it counts the
request (rate limit; the same SELECT sees whether an account has the email) and stores the
event, and its unit of work does not dispatch, so the token and the mail happen later, in the
relay, out of the requester's sight. The answer is always True. The event keeps the email only
if an account has it (issue 18): an email nobody has leaves only its keyed hash in the log.
"""

from __future__ import annotations

from datetime import timedelta

from ..adapters.clock import utcnow
from ..auth.passwords import PasswordHasher
from ..auth.reset_tokens import email_key, hash_reset_token
from ..domain import rules
from ..domain.commands import RequestPasswordResetCommand, ResetPasswordCommand
from ..domain.errors import ValidationError
from ..domain.events import PasswordChangedEvent, PasswordResetRequestedEvent
from ..domain.model import User
from ..settings import Settings
from .handlers import UnitOfWorkFactory, require_texts

INVALID_TOKEN = "This password reset link is invalid, used or expired. Ask for a new one."


def invalid_token() -> ValidationError:
    """The one error for a token that is unknown, used, expired or replaced: none is told apart."""
    return ValidationError("token", INVALID_TOKEN)


class RequestPasswordResetHandler:
    """`uow` must be a unit of work that leaves its events to the relay (see bootstrap)."""

    def __init__(self, uow: UnitOfWorkFactory, settings: Settings) -> None:
        self.uow, self.settings = uow, settings

    def execute(self, command: RequestPasswordResetCommand) -> bool:
        require_texts(email=command.email)
        email = rules.parse_email(command.email).normalised
        now = utcnow()
        window_cutoff = now - timedelta(seconds=self.settings.PASSWORD_RESET_WINDOW_SECONDS)
        key = email_key(self.settings.JWT_SECRET, email)
        with self.uow() as uow:
            counted = uow.reset_requests.count_and_find(email, now, window_cutoff)
            if counted.requests <= self.settings.PASSWORD_RESET_MAX_REQUESTS:
                kept = email if counted.has_account else ""
                uow.add_event(PasswordResetRequestedEvent(email=kept, email_key=key))
            uow.commit()
        return True


class ResetPasswordHandler:
    """Check the token, apply the signup password rules, store the new hash, use the token."""

    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, settings: Settings) -> None:
        self.uow, self.hasher, self.settings = uow, hasher, settings

    def execute(self, command: ResetPasswordCommand) -> bool:
        require_texts(
            token=command.token,
            password=command.password,
            passwordConfirm=command.passwordConfirm,
        )
        token_hash = hash_reset_token(command.token)
        user = self._owner(token_hash)
        password = rules.new_password(
            command.password,
            command.passwordConfirm,
            min_length=self.settings.PASSWORD_MIN_LENGTH,
            username=user.username,
            email=user.email,
        )
        new_hash = self.hasher.hash(password)
        with self.uow() as uow:
            if not uow.reset_tokens.use(token_hash, utcnow()):
                raise invalid_token()  # another reset used it meanwhile, or it just expired
            uow.users.change_password(user.user_id, new_hash)  # every session ends
            uow.login_failures.clear(rules.parse_email(user.email).normalised)
            uow.add_event(PasswordChangedEvent(user_id=user.user_id, email=user.email))
            uow.commit()
        return True

    def _owner(self, token_hash: bytes) -> User:
        """The user of a usable token (found by its hash); the one token error otherwise."""
        with self.uow() as uow:
            user_id = uow.reset_tokens.user_of(token_hash, utcnow())
            user = uow.users.get(user_id) if user_id else None
        if user is None:
            raise invalid_token()
        return user
