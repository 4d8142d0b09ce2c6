"""Commands: imperative requests to change something, each handled by exactly one handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class Command:
    """Marker base class, like @nestjs/cqrs's ICommand."""


@dataclass(frozen=True)
class CreateUserCommand(Command):
    """The tutorial's signup command, plus the confirmation it never checked."""

    username: str
    email: str
    password: str = field(repr=False)
    passwordConfirm: str = field(repr=False)  # noqa: N815 - the tutorial's name


@dataclass(frozen=True)
class PerformLoginCommand(Command):
    email: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class SendWelcomeEmailCommand(Command):
    """Issued by the users saga when a user was created; `causation_id` is that event's id."""

    user_id: str
    username: str
    email: str
    causation_id: str


@dataclass(frozen=True)
class LockAccountCommand(Command):
    """Issued by the lockout saga when an email reached the failure limit; `failed_at` is when
    the failure that reached it happened (the lock lasts from then)."""

    email: str
    failures: int
    causation_id: str
    failed_at: datetime


# Beyond the tutorial: password reset.


@dataclass(frozen=True)
class RequestPasswordResetCommand(Command):
    email: str


@dataclass(frozen=True)
class SendPasswordResetEmailCommand(Command):
    """Issued by the password-reset saga; `email` is normalised, `causation_id` is the id of the
    PasswordResetRequestedEvent. Its handler makes the token and puts it in the mail."""

    email: str
    causation_id: str


@dataclass(frozen=True)
class ResetPasswordCommand(Command):
    token: str = field(repr=False)
    password: str = field(repr=False)
    passwordConfirm: str = field(repr=False)  # noqa: N815 - as in CreateUserCommand


@dataclass(frozen=True)
class SendPasswordChangedEmailCommand(Command):
    """Issued by the password-changed saga; `causation_id` is the PasswordChangedEvent's id."""

    user_id: str
    email: str
    causation_id: str


# Beyond the tutorial: sessions you can end (issue 18). `token` is the caller's bearer token.


@dataclass(frozen=True)
class LogoutCommand(Command):
    """End the session of this token (the account's other sessions stay open)."""

    token: str = field(repr=False)


@dataclass(frozen=True)
class ChangePasswordCommand(Command):
    """Set a new password while logged in; every session of the account ends, a new one starts."""

    token: str = field(repr=False)
    currentPassword: str = field(repr=False)  # noqa: N815 - the GraphQL argument's name
    password: str = field(repr=False)
    passwordConfirm: str = field(repr=False)  # noqa: N815 - as in CreateUserCommand


# Beyond the tutorial: forgetting a person (issue 21).


@dataclass(frozen=True)
class DeleteAccountCommand(Command):
    """Delete the bearer token's account and forget its owner, after checking the password."""

    token: str = field(repr=False)
    password: str = field(repr=False)
