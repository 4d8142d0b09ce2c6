"""The login guard: the Python counterpart of the tutorial's `LocalAuthGuard` + `@CurrentUser()`.

In NestJS, `@UseGuards(LocalAuthGuard)` ran passport's local strategy before the resolver, and
`@CurrentUser()` read the user the strategy had put on the request. A GraphQL resolver has no
HTTP request of its own, which is where readers got stuck ("context.getType is not a function"):
the guard must find the request through the GraphQL context. Here the context is ours, so the
guard is a decorator: it runs `LocalStrategy.validate(email, password)` and puts the result on
the context; the resolver it guards then reads it with `current_login(info)`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from graphql import GraphQLResolveInfo

from ..domain.model import LoginResult
from ..tracing import traced
from .context import Context

Resolver = Callable[..., Any]


def local_auth_guard(resolver: Resolver) -> Resolver:
    """Validate `username` (the email) and `password`; on failure the domain error
    (InvalidCredentials, TooManyAttempts) stops the request before the resolver runs."""

    @wraps(resolver)
    @traced("local_auth_guard")
    def guarded(obj: Any, info: GraphQLResolveInfo, *, username: str, password: str) -> Any:
        context: Context = info.context
        context.login = context.app.local_strategy.validate(username, password)
        return resolver(obj, info)

    return guarded


def current_login(info: GraphQLResolveInfo) -> LoginResult:
    """The `@CurrentUser()` of the tutorial: what the guard put on the context."""
    login = info.context.login
    if login is None:
        raise RuntimeError("current_login() used on a resolver without @local_auth_guard")
    return login
