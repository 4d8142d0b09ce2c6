"""The unit of work: one transaction, the repositories on it, and the events it raised.

Events are written to the `events` table inside the transaction (the transactional outbox);
once the transaction has committed and the connection is back in the pool, they are handed
to `publish` (the dispatcher), never before: a rolled-back change publishes nothing.

A unit of work made `read_only` (for queries) stores nothing; on SQLite it takes no write lock.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Connection, Engine, RootTransaction

from ..domain.events import Event
from ..tracing import traced
from .db import read_only
from .erasure import Erasure
from .event_store import EventStore, Lease
from .login_failures import LoginFailures
from .mail_outbox import MailOutbox
from .reset_requests import ResetRequests
from .reset_tokens import ResetTokens
from .sessions import Sessions
from .users import UserRepository

Publish = Callable[[list[Event]], None]


class UnitOfWork:
    users: UserRepository
    events: EventStore
    mail: MailOutbox
    login_failures: LoginFailures
    reset_tokens: ResetTokens
    reset_requests: ResetRequests
    sessions: Sessions
    erasure: Erasure

    def __init__(
        self,
        engine: Engine,
        publish: Publish,
        lease: Lease | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        """`lease`: the events this unit of work stores are claimed with it, for `publish`."""
        self._engine = engine
        self._publish = publish
        self._lease = lease
        self._read_only = read_only
        self._pending: list[Event] = []
        self._committed: list[Event] = []

    def __enter__(self) -> UnitOfWork:
        connection = self._engine.connect()
        self._connection: Connection = read_only(connection) if self._read_only else connection
        self._transaction: RootTransaction = self._connection.begin()
        self.users = UserRepository(self._connection)
        self.events = EventStore(self._connection, self._lease)
        self.mail = MailOutbox(self._connection)
        self.login_failures = LoginFailures(self._connection)
        self.reset_tokens = ResetTokens(self._connection)
        self.reset_requests = ResetRequests(self._connection)
        self.sessions = Sessions(self._connection)
        self.erasure = Erasure(self._connection)
        return self

    def add_event(self, event: Event) -> None:
        """Store an event in this transaction; it is published only if the transaction commits."""
        if self._read_only:
            raise RuntimeError("a read-only unit of work stores no events")
        self.events.append(event)
        self._pending.append(event)

    @traced("UnitOfWork.commit")
    def commit(self) -> None:
        self._transaction.commit()
        self._committed.extend(self._pending)
        self._pending.clear()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._transaction.is_active:
            self._transaction.rollback()
        self._pending.clear()
        self._connection.close()
        committed, self._committed = self._committed, []
        if committed:
            self._publish(committed)
