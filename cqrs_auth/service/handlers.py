"""Command and query handlers: the tutorial's @CommandHandler classes and the new ones
(logging in and the lockout are in login.py).

Each handler gets its dependencies in its constructor (bootstrap wires them) and the message
in `execute`, as in @nestjs/cqrs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from ..adapters.clock import utcnow
from ..adapters.unit_of_work import UnitOfWork
from ..auth.passwords import PasswordHasher
from ..domain import rules
from ..domain.commands import CreateUserCommand, SendWelcomeEmailCommand
from ..domain.events import UserCreatedEvent, WelcomeEmailSentEvent
from ..domain.model import User, UserView
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
        password = rules.new_password(
            command.password,
            command.passwordConfirm,
            min_length=self.settings.PASSWORD_MIN_LENGTH,
            username=username,
            email=email.address,
        )
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
            if query.session is not None:
                return uow.sessions.view(query.session)
            return uow.users.view(query.user_id)
