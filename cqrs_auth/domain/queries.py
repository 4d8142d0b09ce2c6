"""Queries: requests to read, answered by exactly one handler, changing nothing."""

from __future__ import annotations

from dataclasses import dataclass


class Query:
    """Marker base class, like @nestjs/cqrs's IQuery."""


@dataclass(frozen=True)
class GetUserQuery(Query):
    user_id: str


@dataclass(frozen=True)
class GetUserActivityQuery(Query):
    """Beyond the tutorial: read the user's row of the `user_activity` read model."""

    user_id: str
