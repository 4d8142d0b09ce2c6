"""Thin resolvers: arguments in, a command or query to a bus, a result out.

Field names follow the SDL (schema/*.graphql); ariadne's default resolver reads dict keys, so a
resolver returns a plain dict shaped like its GraphQL type.
"""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from ..domain.commands import CreateUserCommand
from ..domain.errors import NotAuthenticated
from ..domain.model import LoginResult, UserView
from ..domain.queries import GetUserQuery
from ..tracing import traced_resolver
from .context import Context
from .guard import current_login, local_auth_guard

query = QueryType()
mutation = MutationType()


@mutation.field("signup")
@traced_resolver
def resolve_signup(_: Any, info: GraphQLResolveInfo, *, input: dict[str, str]) -> dict[str, str]:
    context: Context = info.context
    user: UserView = context.app.command_bus.execute(CreateUserCommand(**input))
    return {"username": user.username, "email": user.email}


@mutation.field("login")
@local_auth_guard
@traced_resolver
def resolve_login(_: Any, info: GraphQLResolveInfo) -> dict[str, str]:
    return auth_payload(current_login(info))


def auth_payload(login: LoginResult) -> dict[str, str]:
    """An AuthPayload: what login (and changePassword) answer with."""
    return {
        "Authorization": f"Bearer {login.access_token}",
        "user": login.user.email,
        "expiresIn": str(login.expires_in),
    }


def bearer(context: Context) -> str:
    """The caller's bearer token; NotAuthenticated when the request carries none."""
    if not context.token:
        raise NotAuthenticated()
    return context.token


@query.field("me")
@traced_resolver
def resolve_me(_: Any, info: GraphQLResolveInfo) -> dict[str, str] | None:
    """The token's user, if its session is still open (checked in the SELECT of the user)."""
    context: Context = info.context
    session = context.app.tokens.claims(bearer(context))
    query = GetUserQuery(session.user_id, session)
    user: UserView | None = context.app.query_bus.execute(query)
    if user is None:
        return None
    return {"userId": user.user_id, "username": user.username, "email": user.email}
