"""Queries: requests to read, answered by exactly one handler, changing nothing."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Session


class Query:
    """Marker base class, like @nestjs/cqrs's IQuery."""


@dataclass(frozen=True)
class GetUserQuery(Query):
    """`session`: read the user only if this session is still open (NotAuthenticated if not)."""

    user_id: str
    session: Session | None = None


@dataclass(frozen=True)
class GetUserActivityQuery(Query):
    """Beyond the tutorial: read the user's row of the `user_activity` read model."""

    user_id: str
