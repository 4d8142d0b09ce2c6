"""Sessions (beyond the tutorial, sql/011): whether a token's session is still open, and ending it.

A session is open while its token is unexpired (checked with the signature, auth/tokens.py), its
id is not in `ended_sessions` (a logout put it there) and the version it carries is still the
account's `sessionVersion` (a password change or reset moves it on). Both are read in the SELECT
that reads the user, so asking costs a request no statement of its own: `me` stays at one.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, Select, bindparam, exists, insert, select
from sqlalchemy.exc import IntegrityError

from ..domain.errors import NotAuthenticated
from ..domain.model import Session, User, UserView
from .clock import to_db
from .tables import ended_sessions, users
from .users import USER, to_user

ENDED = exists().where(ended_sessions.c.sessionId == bindparam("session")).label("ended")
OF_USER = users.c.userId == bindparam("key")
VIEW = select(users.c.username, users.c.email, users.c.sessionVersion, ENDED).where(OF_USER)
USER_ROW = select(*USER, ENDED).where(OF_USER)
END = insert(ended_sessions)


class Sessions:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def view(self, session: Session) -> UserView | None:
        """What `me` shows of the session's user (None: no such account); NotAuthenticated if
        the session was ended."""
        row = self._open(VIEW, session)
        return UserView(session.user_id, row.username, row.email) if row else None

    def user(self, session: Session) -> User:
        """The user of an open session; NotAuthenticated if it was ended or has no account."""
        user = to_user(self._open(USER_ROW, session))
        if user is None:
            raise NotAuthenticated()
        return user

    def end(self, session: Session) -> None:
        """End the session: its token is refused from the commit on. Kept until the token
        expires (then the janitor deletes the row: the token is refused for its `exp` anyway)."""
        values = {
            "sessionId": session.session_id,
            "userId": uuid.UUID(session.user_id).bytes,
            "expiresAt": to_db(datetime.fromtimestamp(session.expires_at, UTC)),
        }
        try:
            self.connection.execute(END, values)
        except IntegrityError:
            raise NotAuthenticated() from None  # another logout with this token came first

    def _open(self, statement: Select, session: Session) -> Row | None:
        """The user's row, if any, when the session is open; NotAuthenticated if it is not."""
        try:
            key = uuid.UUID(session.user_id).bytes
        except ValueError:
            return None
        params = {"key": key, "session": session.session_id}
        row = self.connection.execute(statement, params).first()
        if row is not None and (row.ended or row.sessionVersion != session.version):
            raise NotAuthenticated()
        return row
