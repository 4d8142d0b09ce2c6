"""Queries: requests to read, answered by exactly one handler, changing nothing."""

from __future__ import annotations

from dataclasses import dataclass


class Query:
    """Marker base class, like @nestjs/cqrs's IQuery."""


@dataclass(frozen=True)
class GetUserQuery(Query):
    user_id: str
