"""The users repository: the TypeORM `Repository<User>` of the tutorial, on SQLAlchemy Core.

Its statements are built once, with named bind parameters, and only executed per call.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..domain.errors import ConflictError
from ..domain.model import User, UserView
from .clock import from_db, to_db
from .tables import UNIQUE_FIELDS, users

ADD = insert(users)
BY_ID = select(users).where(users.c.userId == bindparam("key"))
VIEW = select(users.c.username, users.c.email).where(users.c.userId == bindparam("key"))
BY_EMAIL = select(users).where(users.c.emailNormalised == bindparam("email"))
NEW_HASH = (
    update(users).where(users.c.userId == bindparam("key")).values(password=bindparam("hash"))
)
NEW_PASSWORD = NEW_HASH.values(sessionVersion=users.c.sessionVersion + 1)
NEW_PASSWORD_IN = NEW_PASSWORD.where(users.c.sessionVersion == bindparam("version"))
TAKEN = {
    field: select(column).where(column == bindparam("value"))
    for field, column in (
        ("username", users.c.usernameNormalised),
        ("email", users.c.emailNormalised),
    )
}


def conflicting_field(error: IntegrityError) -> str | None:
    """Which unique field a violation is about, by constraint name.

    SQLite names the columns ("users.emailNormalised"), MariaDB the key ("for key
    'uq_users_email'"), MySQL 8 the table and key ("for key 'users.uq_users_email'").
    """
    text = str(error.orig)
    for constraint, field in UNIQUE_FIELDS.items():
        if constraint in text or f"users.{field}Normalised" in text:
            return field
    return None


class UserRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, user: User, *, username_normalised: str, email_normalised: str) -> None:
        """Insert a user; a taken username or email raises ConflictError naming the field.

        The unique index decides, so two signups that race get one success and one conflict.
        No savepoint: a refused INSERT leaves the transaction as it was on MySQL/MariaDB and
        SQLite, and the unit of work rolls it back.
        """
        values = {
            "userId": uuid.UUID(user.user_id).bytes,
            "username": user.username,
            "email": user.email,
            "password": user.password_hash,
            "usernameNormalised": username_normalised,
            "emailNormalised": email_normalised,
            "createdAt": to_db(user.created_at),
        }
        try:
            self.connection.execute(ADD, values)
        except IntegrityError as error:
            field = self._taken(username_normalised, email_normalised) or conflicting_field(error)
            if field is None:
                raise
            raise ConflictError(field) from None

    def _taken(self, username_normalised: str, email_normalised: str) -> str | None:
        """Which field is taken, username first: the same answer on every backend when both
        are (each database reports a different one of two violated indexes)."""
        for field, value in (("username", username_normalised), ("email", email_normalised)):
            if self.connection.execute(TAKEN[field], {"value": value}).first():
                return field
        return None

    def get_by_email(self, email_normalised: str) -> User | None:
        return to_user(self.connection.execute(BY_EMAIL, {"email": email_normalised}).first())

    def get(self, user_id: str) -> User | None:
        key = _key(user_id)
        return to_user(self.connection.execute(BY_ID, {"key": key}).first()) if key else None

    def view(self, user_id: str) -> UserView | None:
        """What a query shows of a user (two columns: each costs the driver time to read)."""
        key = _key(user_id)
        row = self.connection.execute(VIEW, {"key": key}).first() if key else None
        return UserView(user_id, row.username, row.email) if row else None

    def update_password_hash(self, user_id: str, password_hash: str) -> None:
        """Store a new hash of the same password (a rehash): every session stays open."""
        params = {"key": uuid.UUID(user_id).bytes, "hash": password_hash}
        self.connection.execute(NEW_HASH, params)

    def change_password(
        self, user_id: str, password_hash: str, in_version: int | None = None
    ) -> bool:
        """Store the hash of a new password and move the session version on, in one statement:
        every token issued before is refused from the commit on. With `in_version`, only if the
        version still is that one (False if another change came first)."""
        params: dict[str, object] = {"key": uuid.UUID(user_id).bytes, "hash": password_hash}
        if in_version is None:
            return self.connection.execute(NEW_PASSWORD, params).rowcount == 1
        params["version"] = in_version
        return self.connection.execute(NEW_PASSWORD_IN, params).rowcount == 1


def _key(user_id: str) -> bytes | None:
    """The 16 bytes of a UUID in its text form; None for text that is not a UUID."""
    try:
        return uuid.UUID(user_id).bytes
    except ValueError:
        return None


USER = (
    users.c.userId,
    users.c.username,
    users.c.email,
    users.c.password,
    users.c.createdAt,
    users.c.sessionVersion,
)


def to_user(row: Row | None) -> User | None:
    """The user a row holds; None for no row, or for an outer join that found no user."""
    if row is None or row.userId is None:
        return None
    return User(
        user_id=str(uuid.UUID(bytes=bytes(row.userId))),
        username=row.username,
        email=row.email,
        password_hash=row.password,
        created_at=from_db(row.createdAt),
        session_version=row.sessionVersion,
    )
