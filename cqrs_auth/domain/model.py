"""What the kit knows about a user. The hash never leaves the write side."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class User:
    user_id: str  # UUID, hyphenated text
    username: str
    email: str
    password_hash: str = field(repr=False)
    created_at: datetime


@dataclass(frozen=True)
class UserView:
    """What a query or a login answers with: the user, no password, no hash. (A view of the
    users row, not a read model: a read model is kept apart, for reading, updated from events.)"""

    user_id: str
    username: str
    email: str

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(user.user_id, user.username, user.email)


@dataclass(frozen=True)
class LoginResult:
    """A successful login: the user and the signed token for them."""

    user: UserView
    access_token: str = field(repr=False)
    expires_in: int
