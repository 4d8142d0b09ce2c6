"""In-memory fakes for the unit tests: a unit of work with the real one's interface
(cqrs_auth.adapters.unit_of_work.UnitOfWork) and a hasher that counts instead of running argon2."""

from __future__ import annotations

import copy
import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cqrs_auth.adapters.clock import utcnow
from cqrs_auth.adapters.login_failures import Reservation
from cqrs_auth.adapters.mail_outbox import Mail
from cqrs_auth.domain.errors import ConflictError, NotAuthenticated, ServerBusy
from cqrs_auth.domain.events import Event
from cqrs_auth.domain.model import Session, User, UserView


@dataclass
class FakeDatabase:
    """What the database would hold: users with their normalised keys, events, mails, failures."""

    users: dict[str, tuple[User, str, str]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    mails: list[Mail] = field(default_factory=list)
    failures: dict[str, LockoutRow] = field(default_factory=dict)
    ended: set[str] = field(default_factory=set)  # ended_sessions: the ids of logged-out tokens


class FakeUsers:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def add(self, user: User, *, username_normalised: str, email_normalised: str) -> None:
        for _, username, email in self._db.users.values():
            if username == username_normalised:
                raise ConflictError("username")
            if email == email_normalised:
                raise ConflictError("email")
        self._db.users[user.user_id] = (user, username_normalised, email_normalised)

    def get(self, user_id: str) -> User | None:
        row = self._db.users.get(user_id)
        return row[0] if row else None

    def view(self, user_id: str) -> UserView | None:
        user = self.get(user_id)
        return UserView.of(user) if user else None

    def get_by_email(self, email_normalised: str) -> User | None:
        return next((u for u, _, e in self._db.users.values() if e == email_normalised), None)

    def update_password_hash(self, user_id: str, password_hash: str) -> None:
        user, username, email = self._db.users[user_id]
        self._db.users[user_id] = (
            dataclasses.replace(user, password_hash=password_hash),
            username,
            email,
        )

    def change_password(
        self, user_id: str, password_hash: str, in_version: int | None = None
    ) -> bool:
        user, username, email = self._db.users[user_id]
        if in_version is not None and user.session_version != in_version:
            return False
        version = user.session_version + 1
        changed = dataclasses.replace(user, password_hash=password_hash, session_version=version)
        self._db.users[user_id] = (changed, username, email)
        return True


class FakeSessions:
    """The sessions adapter's rules (cqrs_auth.adapters.sessions), in Python."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def view(self, session: Session) -> UserView | None:
        user = self._open(session)
        return UserView.of(user) if user else None

    def user(self, session: Session) -> User:
        user = self._open(session)
        if user is None:
            raise NotAuthenticated()
        return user

    def end(self, session: Session) -> None:
        if session.session_id in self._db.ended:
            raise NotAuthenticated()
        self._db.ended.add(session.session_id)

    def _open(self, session: Session) -> User | None:
        user = FakeUsers(self._db).get(session.user_id)
        ended = session.session_id in self._db.ended
        if user and (ended or user.session_version != session.version):
            raise NotAuthenticated()
        return user


class FakeEvents:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def append(self, event: Event) -> None:
        self._db.events.append(event)


class FakeMail:
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def put(self, *, causation_id: str, recipient: str, subject: str, body: str) -> str | None:
        if any(mail.causation_id == causation_id for mail in self._db.mails):
            return None
        mail = Mail(str(uuid.uuid4()), causation_id, recipient, subject, body, utcnow())
        self._db.mails.append(mail)
        return mail.id

    def all(self) -> list[Mail]:
        return list(self._db.mails)


@dataclass(frozen=True)
class LockoutRow:
    """A login_failures row."""

    attempts: int
    window_started_at: datetime
    locked_until: datetime | None = None


class FakeLoginFailures:
    """The lockout adapter's rules (cqrs_auth.adapters.login_failures), in Python."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def reserve(
        self, email: str, *, now: datetime, window_cutoff: datetime, max_attempts: int
    ) -> Reservation:
        old = self._db.failures.get(email)
        user = FakeUsers(self._db).get_by_email(email)
        if old and old.locked_until and old.locked_until > now:
            return Reservation(False, old.attempts, old.window_started_at, old.locked_until, user)
        if old is None or old.locked_until or old.window_started_at <= window_cutoff:
            new = LockoutRow(1, now)  # a new window: the first attempt, or the one after a lock
        elif old.attempts >= max_attempts:
            return Reservation(False, old.attempts, old.window_started_at, None, user)
        else:
            new = dataclasses.replace(old, attempts=old.attempts + 1)
        self._db.failures[email] = new
        return Reservation(True, new.attempts, new.window_started_at, None, user)

    def peek(
        self, email: str, *, now: datetime, window_cutoff: datetime, max_attempts: int
    ) -> Reservation | None:
        """The refusal `reserve` would answer; the change it makes stays in this unit of work's
        copy, which a reader never commits."""
        answer = self.reserve(
            email, now=now, window_cutoff=window_cutoff, max_attempts=max_attempts
        )
        return None if answer.admitted else dataclasses.replace(answer, user=None)

    def release(self, email: str, reservation: Reservation) -> None:
        row = self._db.failures.get(email)
        if row and row.window_started_at == reservation.window_started_at and row.attempts > 0:
            self._db.failures[email] = dataclasses.replace(row, attempts=row.attempts - 1)

    def lock(self, email: str, until: datetime, failed_at: datetime) -> bool:
        row = self._db.failures.get(email)
        if row is None or row.locked_until is not None or row.window_started_at > failed_at:
            return False
        self._db.failures[email] = dataclasses.replace(row, locked_until=until)
        return True

    def reset_attempts(self, email: str, user_id: str | None = None) -> bool:
        if email not in self._db.failures or (user_id and user_id not in self._db.users):
            return False
        self._db.failures[email] = dataclasses.replace(self._db.failures[email], attempts=0)
        return True

    def clear(self, email: str) -> None:
        self._db.failures.pop(email, None)


class FakeUnitOfWork:
    """Works on a copy of the database, kept only on commit; publishes committed events on exit."""

    def __init__(self, db: FakeDatabase, publish: Callable[[list[Event]], Any]) -> None:
        self._db = db
        self._publish = publish

    def __enter__(self) -> FakeUnitOfWork:
        self._work = copy.deepcopy(self._db)
        self._pending: list[Event] = []
        self._committed: list[Event] = []
        self.users = FakeUsers(self._work)
        self.events = FakeEvents(self._work)
        self.mail = FakeMail(self._work)
        self.login_failures = FakeLoginFailures(self._work)
        self.sessions = FakeSessions(self._work)
        return self

    def add_event(self, event: Event) -> None:
        self.events.append(event)
        self._pending.append(event)

    def commit(self) -> None:
        for name in ("users", "events", "mails", "failures", "ended"):
            setattr(self._db, name, copy.deepcopy(getattr(self._work, name)))
        self._committed.extend(self._pending)
        self._pending = []

    def __exit__(self, *exc_info: object) -> None:
        if self._committed:
            self._publish(self._committed)


class FakeHasher:
    """Counts hashes, verifications and dummy verifications. A 'hash' is the password reversed
    behind a tag; a stored hash starting with "old" verifies but asks to be upgraded."""

    def __init__(self) -> None:
        self.hashes = 0
        self.verifications = 0
        self.dummy_verifications = 0
        self.busy = False  # when True, refuse like a full hash lane (ServerBusy), running nothing
        self.fills_late = False  # with busy: `full()` still says there is room (a race)
        self.before_verify: Callable[[], object] | None = None  # runs inside a verification

    @property
    def calls(self) -> int:
        return self.hashes + self.verifications + self.dummy_verifications

    def full(self) -> bool:
        return self.busy and not self.fills_late

    def _admit(self) -> None:
        if self.busy:
            raise ServerBusy()

    def hash(self, password: str) -> str:
        self._admit()
        self.hashes += 1
        return self._digest(password)

    def verify_and_update(self, password: str, stored_hash: str | None) -> tuple[bool, str | None]:
        self._admit()
        if self.before_verify:
            hook, self.before_verify = self.before_verify, None
            hook()
        if stored_hash is None:
            self.dummy_verifications += 1
            return False, None
        self.verifications += 1
        ok = stored_hash.removeprefix("old") == self._digest(password)
        return ok, (self._digest(password) if ok and stored_hash.startswith("old") else None)

    @staticmethod
    def _digest(password: str) -> str:
        return f"fake${password[::-1]}"
