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
    session_version: int = 0  # tokens issued under another version are refused (sql/011)


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


@dataclass(frozen=True)
class Session:
    """What a good token says (beyond the tutorial, sql/011): whose it is, its session's id
    (`jti`, which a logout ends), the account's session version it was issued under (`sv`,
    which a password change or reset moves on), and when it expires (`exp`, epoch seconds)."""

    user_id: str
    session_id: str
    version: int
    expires_at: float
