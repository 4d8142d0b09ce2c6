"""Typed errors. Each carries the GraphQL `extensions` it is reported with.

graphql-core copies an exception's `extensions` attribute into the error it reports, so the
GraphQL layer needs no mapping table: raising one of these from a resolver is enough.
"""

from __future__ import annotations

from typing import Any


class KitError(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, Any] = {"code": self.code, **extensions}


class ValidationError(KitError):
    """Bad input. `field` names the input field the rule is about."""

    code = "BAD_USER_INPUT"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)
        self.field = field


class ConflictError(KitError):
    """A username or email that another account already has."""

    code = "CONFLICT"

    def __init__(self, field: str) -> None:
        super().__init__(f"This {field} is already taken.", field=field)
        self.field = field


class NotAuthenticated(KitError):
    """No valid bearer token: missing, expired, tampered with or wrongly signed."""

    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "A valid bearer token is required.") -> None:
        super().__init__(message)


class InvalidCredentials(NotAuthenticated):
    """One message for unknown email and wrong password, so neither is revealed."""

    def __init__(self) -> None:
        super().__init__("Invalid email or password.")


class TooManyAttempts(KitError):
    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many failed login attempts. Try again in {retry_after} seconds.",
            retryAfter=retry_after,
        )
        self.retry_after = retry_after


class ServerBusy(KitError):
    """Every hash slot is busy and the hash queue is full: try again shortly. Nothing was done."""

    code = "SERVER_BUSY"

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__(
            f"The server is busy. Try again in {retry_after} second(s).", retryAfter=retry_after
        )
        self.retry_after = retry_after


class NoHandlerError(KitError, LookupError):
    """A command or query was sent that no handler is registered for."""

    def __init__(self, message_type: type) -> None:
        super().__init__(f"No handler is registered for {message_type.__name__}.")
