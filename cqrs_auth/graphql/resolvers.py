"""Thin resolvers: arguments in, a command or query to a bus, a result out.

Field names follow the SDL (schema/*.graphql); ariadne's default resolver reads dict keys, so a
resolver returns a plain dict shaped like its GraphQL type.
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, ObjectType, QueryType
from graphql import GraphQLResolveInfo

from ..domain.activity import UserActivity
from ..domain.commands import (
    CreateUserCommand,
    RequestPasswordResetCommand,
    ResetPasswordCommand,
)
from ..domain.errors import NotAuthenticated
from ..domain.model import UserView
from ..domain.queries import GetUserActivityQuery, GetUserQuery
from .context import Context
from .guard import current_login, local_auth_guard

query = QueryType()
mutation = MutationType()
user = ObjectType("User")


@mutation.field("signup")
def resolve_signup(_: Any, info: GraphQLResolveInfo, *, input: dict[str, str]) -> dict[str, str]:
    context: Context = info.context
    user: UserView = context.app.command_bus.execute(CreateUserCommand(**input))
    return {"username": user.username, "email": user.email}


@mutation.field("login")
@local_auth_guard
def resolve_login(_: Any, info: GraphQLResolveInfo) -> dict[str, str]:
    login = current_login(info)
    return {
        "Authorization": f"Bearer {login.access_token}",
        "user": login.user.email,
        "expiresIn": str(login.expires_in),
    }


@query.field("me")
def resolve_me(_: Any, info: GraphQLResolveInfo) -> dict[str, str] | None:
    context: Context = info.context
    if not context.token:
        raise NotAuthenticated()
    user_id = context.app.tokens.verify(context.token)
    user: UserView | None = context.app.query_bus.execute(GetUserQuery(user_id))
    if user is None:
        return None
    return {"userId": user.user_id, "username": user.username, "email": user.email}


# Beyond the tutorial: the read model and password reset.


@user.field("activity")
def resolve_activity(parent: dict[str, str], info: GraphQLResolveInfo) -> dict[str, Any] | None:
    """Read only when asked for: `me { username }` runs no query on the projection."""
    context: Context = info.context
    query = GetUserActivityQuery(parent["userId"])
    activity: UserActivity | None = context.app.query_bus.execute(query)
    if activity is None:
        return None
    return {
        "signedUpAt": activity.signed_up_at,
        "loginCount": activity.login_count,
        "lastLoginAt": activity.last_login_at,
        "failedLoginsSinceLastSuccess": activity.failed_logins_since_last_success,
        "lockedUntil": activity.locked_until,
        "passwordResetRequestedAt": activity.password_reset_requested_at,
        "passwordChangedAt": activity.password_changed_at,
    }


@mutation.field("requestPasswordReset")
def resolve_request_password_reset(_: Any, info: GraphQLResolveInfo, *, email: str) -> bool:
    context: Context = info.context
    return bool(context.app.command_bus.execute(RequestPasswordResetCommand(email)))


@mutation.field("resetPassword")
def resolve_reset_password(
    _: Any, info: GraphQLResolveInfo, *, token: str, password: str, passwordConfirm: str
) -> bool:
    context: Context = info.context
    command = ResetPasswordCommand(token, password, passwordConfirm)
    return bool(context.app.command_bus.execute(command))
