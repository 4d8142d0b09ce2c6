"""cqrs_auth: signup and login as commands, events and sagas. Start with `bootstrap()`."""

from .bootstrap import App, bootstrap
from .domain.commands import CreateUserCommand, PerformLoginCommand, SendWelcomeEmailCommand
from .domain.events import (
    AccountLockedEvent,
    UserCreatedEvent,
    UserLoggedInEvent,
    UserLoginFailedEvent,
    WelcomeEmailSentEvent,
)
from .domain.queries import GetUserQuery

__all__ = [
    "AccountLockedEvent",
    "App",
    "CreateUserCommand",
    "GetUserQuery",
    "PerformLoginCommand",
    "SendWelcomeEmailCommand",
    "UserCreatedEvent",
    "UserLoggedInEvent",
    "UserLoginFailedEvent",
    "WelcomeEmailSentEvent",
    "bootstrap",
]
