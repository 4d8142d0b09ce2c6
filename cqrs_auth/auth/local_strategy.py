"""The Passport-style local strategy.

In the tutorial, `LocalStrategy extends PassportStrategy(Strategy)` and its
`validate(email, password)` sent a PerformLoginCommand; `AuthGuard('local')` called it and put
the user on the request. Here `validate` does the same through the command bus, and the
GraphQL login guard (cqrs_auth.graphql.guard) puts its result on the context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.commands import PerformLoginCommand
from ..domain.model import LoginResult
from ..tracing import traced

if TYPE_CHECKING:
    from ..service.buses import CommandBus


class LocalStrategy:
    username_field = "email"  # passport-local's `usernameField`: the login name is the email

    def __init__(self, command_bus: CommandBus) -> None:
        self.command_bus = command_bus

    @traced("LocalStrategy.validate")
    def validate(self, email: str, password: str) -> LoginResult:
        """Return the logged-in user and token, or raise InvalidCredentials / TooManyAttempts."""
        return self.command_bus.execute(PerformLoginCommand(email=email, password=password))
