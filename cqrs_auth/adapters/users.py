"""The users repository: the TypeORM `Repository<User>` of the tutorial, on SQLAlchemy Core."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..domain.errors import ConflictError
from ..domain.model import User
from .clock import from_db, to_db
from .tables import UNIQUE_FIELDS, users


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
            with self.connection.begin_nested():
                self.connection.execute(insert(users).values(values))
        except IntegrityError as error:
            field = self._taken(username_normalised, email_normalised) or conflicting_field(error)
            if field is None:
                raise
            raise ConflictError(field) from None

    def _taken(self, username_normalised: str, email_normalised: str) -> str | None:
        """Which field is taken, username first: the same answer on every backend when both
        are (each database reports a different one of two violated indexes)."""
        for field, column, value in (
            ("username", users.c.usernameNormalised, username_normalised),
            ("email", users.c.emailNormalised, email_normalised),
        ):
            if self.connection.execute(select(column).where(column == value)).first():
                return field
        return None

    def get_by_email(self, email_normalised: str) -> User | None:
        query = select(users).where(users.c.emailNormalised == email_normalised)
        return to_user(self.connection.execute(query).first())

    def get(self, user_id: str) -> User | None:
        try:
            key = uuid.UUID(user_id).bytes
        except ValueError:
            return None
        query = select(users).where(users.c.userId == key)
        return to_user(self.connection.execute(query).first())

    def update_password_hash(self, user_id: str, password_hash: str) -> None:
        self.connection.execute(
            update(users)
            .where(users.c.userId == uuid.UUID(user_id).bytes)
            .values(password=password_hash)
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
    )
