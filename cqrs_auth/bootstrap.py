"""bootstrap(): the one place that wires the kit together.

Nothing here runs at import time. Each call builds an independent app (its own engine, buses
and handlers), so tests and notebooks can make as many as they like.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from .adapters import migrations
from .adapters.db import make_engine
from .adapters.event_store import Lease, StoredEvent
from .adapters.mail_outbox import Mail
from .adapters.parked_events import ParkedEvent
from .adapters.unit_of_work import UnitOfWork
from .auth.local_strategy import LocalStrategy
from .auth.passwords import PasswordHasher
from .auth.tokens import TokenService
from .domain.commands import (
    ChangePasswordCommand,
    CreateUserCommand,
    DeleteAccountCommand,
    LockAccountCommand,
    LogoutCommand,
    PerformLoginCommand,
    RequestPasswordResetCommand,
    ResetPasswordCommand,
    SendPasswordChangedEmailCommand,
    SendPasswordResetEmailCommand,
    SendWelcomeEmailCommand,
)
from .domain.events import (
    Event,
    PasswordChangedEvent,
    PasswordResetRequestedEvent,
    UserCreatedEvent,
    UserLoginFailedEvent,
)
from .domain.queries import GetUserActivityQuery, GetUserQuery
from .service import forget, handlers, login, password_reset, reset_mails, sagas, sessions
from .service.buses import CommandBus, EventBus, QueryBus
from .service.dispatcher import EventDispatcher
from .service.event_handlers import UserCreatedHandler
from .service.login import LoginAttempts
from .service.parking import Parking
from .service.projection import PROJECTION, GetUserActivityHandler, UserActivityProjector
from .settings import Settings, worker_threads

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: Engine
    command_bus: CommandBus
    query_bus: QueryBus
    event_bus: EventBus
    dispatcher: EventDispatcher
    hasher: PasswordHasher
    tokens: TokenService
    local_strategy: LocalStrategy
    user_created_handler: UserCreatedHandler
    projector: UserActivityProjector
    read_engine: Engine  # the queries' (the same engine on SQLite; see make_engine's for_reads)
    _graphql: Any = field(default=None, repr=False)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.dispatcher.dispatch, self.dispatcher.lease)

    def migrate(self) -> list[str]:
        return migrations.migrate(self.engine)

    def start(self) -> None:
        """Apply pending migrations (if MIGRATIONS_RUN), dispatch events left undispatched, and
        bring the read model up to the end of the event log."""
        if self.settings.MIGRATIONS_RUN:
            self.migrate()
        self.dispatcher.dispatch_pending()
        self.projector.catch_up()

    def events(self, after_position: int = 0) -> list[StoredEvent]:
        """The event log, with the dispatch marks this process owes written first."""
        self.dispatcher.write_marks()
        with reading(self.engine) as uow:
            return uow.events.read(after_position)

    def parked(self) -> list[ParkedEvent]:
        """The events a consumer could not apply and set aside, in log order (parking.py)."""
        return self.dispatcher.parking.listed()

    def retry_parked(self, event_id: str | None = None) -> list[tuple[ParkedEvent, str | None]]:
        """Try parked events again (all, or one event's): the projection applies its own now,
        out of turn; the others go back to the relay, which delivers them again. Each with
        the error if it still fails (None: done, or handed back)."""
        outcomes: list[tuple[ParkedEvent, str | None]] = []
        for parked in self.dispatcher.parking.listed(event_id):
            if parked.consumer == PROJECTION:
                outcomes.append((parked, self.projector.retry(parked.event_id)))
            else:
                self.dispatcher.parking.hand_back(parked)
                outcomes.append((parked, None))
        return outcomes

    def mails(self) -> list[Mail]:
        with reading(self.engine) as uow:
            return uow.mail.all()

    def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """Run a GraphQL document in-process; `token` is a JWT or `Bearer <jwt>`.

        Returns a plain dict, `{"data": ..., "errors": [...]}`, with "errors" only when any.
        """
        if self._graphql is None:
            from .graphql import GraphQLExecutor

            self._graphql = GraphQLExecutor(self)
        return self._graphql.execute(query, variables, token=token, operation_name=operation_name)

    def close(self) -> None:
        try:
            self.dispatcher.write_marks()
        except SQLAlchemyError:
            log.warning("could not mark dispatched events at close; they will be dispatched again")
        self.hasher.close()
        self.engine.dispose()
        self.read_engine.dispose()


def bootstrap(
    database_url: str | None = None,
    *,
    settings: Settings | None = None,
    start: bool = True,
    **overrides: Any,
) -> App:
    """Build the kit for a database URL (default: DATABASE_URL from the environment or .env).

    `overrides` replace settings by name (`LOGIN_MAX_FAILURES=3`). With `start=True` (the
    default) pending migrations are applied and undispatched events dispatched.
    """
    settings = with_overrides(settings or Settings(), database_url, overrides)
    parts = make_parts(settings)
    user_created_handler = register_signup(parts)
    login_handler = register_login(parts)
    register_sessions(parts, login_handler.attempts)
    register_password_reset(
        parts.command_bus, parts.event_bus, parts.engine, parts.uow, parts.hasher, settings
    )
    projector = register_read_model(
        parts.engine, parts.read_engine, parts.query_bus, parts.event_bus, settings
    )
    app = App(
        settings=settings,
        engine=parts.engine,
        command_bus=parts.command_bus,
        query_bus=parts.query_bus,
        event_bus=parts.event_bus,
        dispatcher=parts.dispatcher,
        hasher=parts.hasher,
        tokens=parts.tokens,
        local_strategy=LocalStrategy(parts.command_bus),
        user_created_handler=user_created_handler,
        projector=projector,
        read_engine=parts.read_engine,
    )
    if start:
        app.start()
    return app


def with_overrides(
    settings: Settings, database_url: str | None, overrides: dict[str, Any]
) -> Settings:
    if database_url:
        overrides["DATABASE_URL"] = database_url
    if overrides:
        settings = settings.model_validate({**settings.model_dump(), **overrides})
    return settings


@dataclass(frozen=True)
class Parts:
    """What every feature's wiring takes: the engines, the buses, the units of work, the hasher
    and the token service, built once per app."""

    settings: Settings
    engine: Engine
    read_engine: Engine  # the queries' (the same engine on SQLite; see make_engine's for_reads)
    command_bus: CommandBus
    query_bus: QueryBus
    event_bus: EventBus
    dispatcher: EventDispatcher
    hasher: PasswordHasher
    tokens: TokenService

    def uow(self) -> UnitOfWork:
        """A unit of work whose events are dispatched as soon as it commits."""
        return UnitOfWork(self.engine, self.dispatcher.dispatch, self.dispatcher.lease)

    def reader(self) -> UnitOfWork:
        return reading(self.read_engine)


def make_parts(settings: Settings) -> Parts:
    engine, read_engine = make_engines(settings)
    command_bus = CommandBus()
    parking = Parking(engine)
    event_bus = EventBus(command_bus, parking)
    lease = Lease.new(settings.RELAY_LEASE_SECONDS)
    return Parts(
        settings=settings,
        engine=engine,
        read_engine=read_engine,
        command_bus=command_bus,
        query_bus=QueryBus(),
        event_bus=event_bus,
        dispatcher=EventDispatcher(engine, event_bus, lease, parking),
        hasher=PasswordHasher(
            memory_kib=settings.ARGON2_MEMORY_KIB,
            time_cost=settings.ARGON2_TIME_COST,
            concurrency=settings.HASH_CONCURRENCY,
            queue_size=settings.HASH_QUEUE_SIZE,
        ),
        tokens=TokenService(settings.JWT_SECRET, settings.JWT_EXPIRES_IN),
    )


def make_engines(settings: Settings) -> tuple[Engine, Engine]:
    """The commands' engine and the queries' (one engine on SQLite)."""
    # a pooled connection for every request thread, the relay and the start: a pool smaller
    # than the threads opens and closes a connection per request under load
    connections = worker_threads(settings.HASH_CONCURRENCY, settings.HASH_QUEUE_SIZE) + 2
    engine = make_engine(settings.DATABASE_URL, echo=settings.SQL_ECHO, pool_size=connections)
    if engine.dialect.name == "sqlite":
        return engine, engine
    read_engine = make_engine(
        settings.DATABASE_URL, echo=settings.SQL_ECHO, pool_size=connections, for_reads=True
    )
    return engine, read_engine


def register_signup(parts: Parts) -> UserCreatedHandler:
    """The tutorial's signup: CreateUserCommand, its event's handler, the welcome-mail saga,
    and GetUserQuery to read the user back."""
    # region: signup
    command_bus, event_bus = parts.command_bus, parts.event_bus
    command_bus.register(
        CreateUserCommand, handlers.CreateUserHandler(parts.uow, parts.hasher, parts.settings)
    )
    parts.query_bus.register(GetUserQuery, handlers.GetUserHandler(parts.reader))
    user_created_handler = UserCreatedHandler()
    event_bus.register(UserCreatedEvent, user_created_handler)  # the tutorial forgot this one
    event_bus.register_saga(sagas.user_created, of_type=UserCreatedEvent)
    command_bus.register(SendWelcomeEmailCommand, handlers.SendWelcomeEmailHandler(parts.uow))
    # endregion
    return user_created_handler


def register_login(parts: Parts) -> login.PerformLoginHandler:
    """The tutorial's login (PerformLoginCommand, which LocalStrategy sends), and the lockout:
    the saga that turns the failure reaching LOGIN_MAX_FAILURES into LockAccountCommand."""
    # region: login
    settings = parts.settings
    login_handler = login.PerformLoginHandler(
        parts.uow, parts.hasher, parts.tokens, settings, reader=parts.reader
    )
    parts.command_bus.register(PerformLoginCommand, login_handler)
    parts.command_bus.register(LockAccountCommand, login.LockAccountHandler(parts.uow, settings))
    lockout = sagas.login_failed(settings.LOGIN_MAX_FAILURES)
    parts.event_bus.register_saga(lockout, of_type=UserLoginFailedEvent)
    # endregion
    return login_handler


def register_sessions(parts: Parts, attempts: LoginAttempts) -> None:
    """Beyond the tutorial: sessions that can be ended (logout), a password changed while
    logged in and an account deleted (issue 21), each password checked under the login's own
    lockout (`attempts`, the login's)."""
    parts.command_bus.register(LogoutCommand, sessions.LogoutHandler(parts.uow, parts.tokens))
    changes = sessions.ChangePasswordHandler(
        parts.uow, parts.hasher, parts.tokens, attempts, parts.settings
    )
    parts.command_bus.register(ChangePasswordCommand, changes)
    deletions = forget.DeleteAccountHandler(parts.uow, parts.tokens, attempts, parts.settings)
    parts.command_bus.register(DeleteAccountCommand, deletions)  # issue 21


def register_read_model(
    engine: Engine,
    read_engine: Engine,
    query_bus: QueryBus,
    event_bus: EventBus,
    settings: Settings,
) -> UserActivityProjector:
    """Beyond the tutorial: the `user_activity` projection and the query that reads it. The
    projector is registered for every event type: it keeps its place in the whole log."""
    gap_timeout = timedelta(seconds=settings.PROJECTION_GAP_TIMEOUT_SECONDS)
    projector = UserActivityProjector(engine, gap_timeout)
    for event_type in Event.registry.values():
        event_bus.register(event_type, projector)
    query_bus.register(GetUserActivityQuery, GetUserActivityHandler(read_engine))
    return projector


def register_password_reset(
    command_bus: CommandBus,
    event_bus: EventBus,
    engine: Engine,
    uow: Callable[[], UnitOfWork],
    hasher: PasswordHasher,
    settings: Settings,
) -> None:
    """Beyond the tutorial: password reset's commands and sagas.

    A reset request's unit of work does not dispatch its event: the relay (or dispatch_pending)
    does, a moment later, so every request does the same work whether or not the email has an
    account (the mail, if any, is written after the answer)."""

    def uow_for_the_relay() -> UnitOfWork:
        return UnitOfWork(engine, _leave_to_the_relay)

    request_handler = password_reset.RequestPasswordResetHandler(uow_for_the_relay, settings)
    command_bus.register(RequestPasswordResetCommand, request_handler)
    command_bus.register(
        SendPasswordResetEmailCommand, reset_mails.SendPasswordResetEmailHandler(uow, settings)
    )
    command_bus.register(
        ResetPasswordCommand, password_reset.ResetPasswordHandler(uow, hasher, settings)
    )
    command_bus.register(
        SendPasswordChangedEmailCommand, reset_mails.SendPasswordChangedEmailHandler(uow)
    )
    event_bus.register_saga(sagas.password_reset_requested, of_type=PasswordResetRequestedEvent)
    event_bus.register_saga(sagas.password_changed, of_type=PasswordChangedEvent)


def reading(engine: Engine) -> UnitOfWork:
    """A unit of work for queries: it only reads (on SQLite it takes no write lock)."""
    return UnitOfWork(engine, _leave_to_the_relay, read_only=True)


def _leave_to_the_relay(events: list[Event]) -> None:
    """A unit of work's `publish` that dispatches nothing: its events wait in the outbox."""
