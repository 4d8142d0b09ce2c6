"""Command and query handlers: the tutorial's @CommandHandler classes and the new ones.

Each handler gets its dependencies in its constructor (bootstrap wires them) and the message
in `execute`, as in @nestjs/cqrs.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import timedelta

from ..adapters.clock import utcnow
from ..adapters.login_failures import FailureState
from ..adapters.unit_of_work import UnitOfWork
from ..auth.passwords import PasswordHasher
from ..auth.tokens import TokenService
from ..domain import rules
from ..domain.commands import (
    CreateUserCommand,
    LockAccountCommand,
    PerformLoginCommand,
    SendWelcomeEmailCommand,
)
from ..domain.errors import InvalidCredentials, TooManyAttempts, ValidationError
from ..domain.events import (
    AccountLockedEvent,
    UserCreatedEvent,
    UserLoggedInEvent,
    UserLoginFailedEvent,
    WelcomeEmailSentEvent,
)
from ..domain.model import LoginResult, User, UserView
from ..domain.queries import GetUserQuery
from ..settings import Settings

UnitOfWorkFactory = Callable[[], UnitOfWork]


def require_texts(**fields: object) -> None:
    """Refuse input that is not text before anything else, naming the first such field."""
    for field, value in fields.items():
        rules.require_text(value, field)


class CreateUserHandler:
    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, settings: Settings) -> None:
        self.uow, self.hasher, self.settings = uow, hasher, settings

    def execute(self, command: CreateUserCommand) -> UserView:
        require_texts(
            username=command.username,
            email=command.email,
            password=command.password,
            passwordConfirm=command.passwordConfirm,
        )
        username = rules.normalise_username(command.username)
        email = rules.parse_email(command.email)
        password = rules.normalise_password(command.password)
        rules.check_password(
            password,
            min_length=self.settings.PASSWORD_MIN_LENGTH,
            username=username,
            email=email.address,
        )
        rules.check_confirmation(password, command.passwordConfirm)
        user = User(
            user_id=str(uuid.uuid4()),
            username=username,
            email=email.address,
            password_hash=self.hasher.hash(password),
            created_at=utcnow(),
        )
        with self.uow() as uow:
            uow.users.add(
                user, username_normalised=username.lower(), email_normalised=email.normalised
            )
            uow.add_event(
                UserCreatedEvent(user_id=user.user_id, username=user.username, email=user.email)
            )
            uow.commit()
        return UserView.of(user)


class PerformLoginHandler:
    """Check the lock (no hash while locked), verify the password (a dummy hash for an
    unknown email), record the outcome, and issue a token."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        tokens: TokenService,
        settings: Settings,
    ) -> None:
        self.uow, self.hasher, self.tokens, self.settings = uow, hasher, tokens, settings

    def execute(self, command: PerformLoginCommand) -> LoginResult:
        require_texts(email=command.email, password=command.password)
        email = rules.parse_email(command.email).normalised
        password = rules.normalise_password(command.password)
        if len(password) > rules.PASSWORD_MAX_LENGTH:
            raise ValidationError("password", "A password has at most 128 characters.")
        with self.uow() as uow:
            retry_after = self._retry_after(uow.login_failures.state(email))
            user = uow.users.get_by_email(email)
        if retry_after:
            raise TooManyAttempts(retry_after)
        ok, new_hash = self.hasher.verify_and_update(password, user.password_hash if user else None)
        if not (ok and user):
            self._record_failure(email)
            raise InvalidCredentials()
        with self.uow() as uow:
            if new_hash:
                uow.users.update_password_hash(user.user_id, new_hash)
            uow.login_failures.reset(email)
            uow.add_event(UserLoggedInEvent(user_id=user.user_id, email=user.email))
            uow.commit()
        token = self.tokens.issue(user.user_id)
        return LoginResult(UserView.of(user), token, self.tokens.expires_in)

    def _retry_after(self, state: FailureState | None) -> int | None:
        """Seconds to wait, or None. The email counts as locked once the limit is reached,
        even before the lockout saga has written the lock, so no racing request slips by."""
        if state is None:
            return None
        now = utcnow()
        if state.locked_until and state.locked_until > now:
            return max(1, math.ceil((state.locked_until - now).total_seconds()))
        window = timedelta(seconds=self.settings.LOGIN_FAILURE_WINDOW_SECONDS)
        if (
            state.failures >= self.settings.LOGIN_MAX_FAILURES
            and state.window_started_at > now - window
        ):
            return self.settings.LOGIN_LOCK_SECONDS
        return None

    def _record_failure(self, email: str) -> None:
        now = utcnow()
        cutoff = now - timedelta(seconds=self.settings.LOGIN_FAILURE_WINDOW_SECONDS)
        with self.uow() as uow:
            failures = uow.login_failures.record_failure(email, now, cutoff)
            uow.add_event(UserLoginFailedEvent(email=email, failures=failures))
            uow.commit()


class LockAccountHandler:
    def __init__(self, uow: UnitOfWorkFactory, settings: Settings) -> None:
        self.uow, self.settings = uow, settings

    def execute(self, command: LockAccountCommand) -> bool:
        until = utcnow() + timedelta(seconds=self.settings.LOGIN_LOCK_SECONDS)
        with self.uow() as uow:
            if not uow.login_failures.lock(command.email, until, self.settings.LOGIN_MAX_FAILURES):
                return False  # already locked by this (re-dispatched) event or another
            uow.add_event(
                AccountLockedEvent(
                    email=command.email, failures=command.failures, locked_until=until.isoformat()
                )
            )
            uow.commit()
        return True


WELCOME_SUBJECT = "Welcome, {username}!"
WELCOME_BODY = (
    "Hello {username},\n\nyour account for {email} is ready. "
    "Log in with your email address and the password you chose.\n"
)


class SendWelcomeEmailHandler:
    """Writes the welcome mail to the mail outbox (no SMTP), once per causing event."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow

    def execute(self, command: SendWelcomeEmailCommand) -> str | None:
        fields = {"username": command.username, "email": command.email}
        with self.uow() as uow:
            mail_id = uow.mail.put(
                causation_id=command.causation_id,
                recipient=command.email,
                subject=WELCOME_SUBJECT.format(**fields),
                body=WELCOME_BODY.format(**fields),
            )
            if mail_id is None:
                return None  # this event already sent its mail
            uow.add_event(
                WelcomeEmailSentEvent(user_id=command.user_id, email=command.email, mail_id=mail_id)
            )
            uow.commit()
        return mail_id


class GetUserHandler:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow

    def execute(self, query: GetUserQuery) -> UserView | None:
        with self.uow() as uow:
            user = uow.users.get(query.user_id)
        return UserView.of(user) if user else None
