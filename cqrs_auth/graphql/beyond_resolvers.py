"""Resolvers beyond the tutorial: `User.activity` (the read model), `requestPasswordReset`,
`resetPassword`, `logout`, `changePassword` and `deleteAccount`. Thin like the tutorial's
(resolvers.py): arguments in, a query or a command to a bus, a result out."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from ..domain.activity import UserActivity
from ..domain.commands import (
    ChangePasswordCommand,
    DeleteAccountCommand,
    LogoutCommand,
    RequestPasswordResetCommand,
    ResetPasswordCommand,
)
from ..domain.model import LoginResult
from ..domain.queries import GetUserActivityQuery
from ..tracing import traced_resolver
from .context import Context
from .resolvers import auth_payload, bearer, mutation

user = ObjectType("User")


@user.field("activity")
@traced_resolver
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
        "lastLoggedOutAt": activity.last_logged_out_at,
    }


@mutation.field("requestPasswordReset")
@traced_resolver
def resolve_request_password_reset(_: Any, info: GraphQLResolveInfo, *, email: str) -> bool:
    context: Context = info.context
    return bool(context.app.command_bus.execute(RequestPasswordResetCommand(email)))


@mutation.field("resetPassword")
@traced_resolver
def resolve_reset_password(
    _: Any, info: GraphQLResolveInfo, *, token: str, password: str, passwordConfirm: str
) -> bool:
    context: Context = info.context
    command = ResetPasswordCommand(token, password, passwordConfirm)
    return bool(context.app.command_bus.execute(command))


@mutation.field("logout")
@traced_resolver
def resolve_logout(_: Any, info: GraphQLResolveInfo) -> bool:
    context: Context = info.context
    return bool(context.app.command_bus.execute(LogoutCommand(bearer(context))))


@mutation.field("changePassword")
@traced_resolver
def resolve_change_password(
    _: Any, info: GraphQLResolveInfo, *, currentPassword: str, password: str, passwordConfirm: str
) -> dict[str, str]:
    context: Context = info.context
    command = ChangePasswordCommand(bearer(context), currentPassword, password, passwordConfirm)
    login: LoginResult = context.app.command_bus.execute(command)
    return auth_payload(login)


@mutation.field("deleteAccount")
@traced_resolver
def resolve_delete_account(_: Any, info: GraphQLResolveInfo, *, password: str) -> bool:
    context: Context = info.context
    return bool(context.app.command_bus.execute(DeleteAccountCommand(bearer(context), password)))
