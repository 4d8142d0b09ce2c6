"""The users sagas: events in, commands out, like @Saga() with `ofType` in @nestjs/cqrs.

The tutorial's saga only logged and returned nothing, so no command ever ran. These return
the commands that do the work; the event bus runs them on the command bus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..domain.commands import (
    Command,
    LockAccountCommand,
    SendPasswordChangedEmailCommand,
    SendPasswordResetEmailCommand,
    SendWelcomeEmailCommand,
)
from ..domain.events import (
    PasswordChangedEvent,
    PasswordResetRequestedEvent,
    UserCreatedEvent,
    UserLoginFailedEvent,
)


def user_created(event: UserCreatedEvent) -> Iterator[Command]:
    """ofType(UserCreatedEvent) -> SendWelcomeEmailCommand."""
    yield SendWelcomeEmailCommand(
        user_id=event.user_id,
        username=event.username,
        email=event.email,
        causation_id=event.event_id,
    )


def login_failed(max_failures: int) -> Callable[[UserLoginFailedEvent], Iterator[Command]]:
    """ofType(UserLoginFailedEvent), at the limit -> LockAccountCommand."""

    def lockout(event: UserLoginFailedEvent) -> Iterator[Command]:
        if event.failures >= max_failures:
            yield LockAccountCommand(
                email=event.email,
                failures=event.failures,
                causation_id=event.event_id,
                failed_at=event.occurred_at,
            )

    return lockout


def password_reset_requested(event: PasswordResetRequestedEvent) -> Iterator[Command]:
    """ofType(PasswordResetRequestedEvent) -> SendPasswordResetEmailCommand (beyond the tutorial).
    A request for an email nobody has (its event keeps no email) asks for nothing: a flood of
    them costs the relay no lookup and no transaction of the mail's."""
    if event.email:
        yield SendPasswordResetEmailCommand(email=event.email, causation_id=event.event_id)


def password_changed(event: PasswordChangedEvent) -> Iterator[Command]:
    """ofType(PasswordChangedEvent) -> SendPasswordChangedEmailCommand (beyond the tutorial)."""
    yield SendPasswordChangedEmailCommand(
        user_id=event.user_id, email=event.email, causation_id=event.event_id
    )
