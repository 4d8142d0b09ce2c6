"""bootstrap(): the one place that wires the kit together.

Nothing here runs at import time. Each call builds an independent app (its own engine, buses
and handlers), so tests and notebooks can make as many as they like.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from .adapters import migrations
from .adapters.db import make_engine
from .adapters.event_store import Lease, StoredEvent
from .adapters.mail_outbox import Mail
from .adapters.unit_of_work import UnitOfWork
from .auth.local_strategy import LocalStrategy
from .auth.passwords import PasswordHasher
from .auth.tokens import TokenService
from .domain.commands import (
    ChangePasswordCommand,
    CreateUserCommand,
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
from .service import handlers, login, password_reset, reset_mails, sagas, sessions
from .service.buses import CommandBus, EventBus, QueryBus
from .service.dispatcher import EventDispatcher
from .service.event_handlers import UserCreatedHandler
from .service.projection import GetUserActivityHandler, UserActivityProjector
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
    settings = settings or Settings()
    if database_url:
        overrides["DATABASE_URL"] = database_url
    if overrides:
        settings = settings.model_validate({**settings.model_dump(), **overrides})
    # a pooled connection for every request thread, the relay and the start: a pool smaller
    # than the threads opens and closes a connection per request under load
    connections = worker_threads(settings.HASH_CONCURRENCY, settings.HASH_QUEUE_SIZE) + 2
    engine = make_engine(settings.DATABASE_URL, echo=settings.SQL_ECHO, pool_size=connections)
    read_engine = engine
    if engine.dialect.name != "sqlite":
        read_engine = make_engine(
            settings.DATABASE_URL, echo=settings.SQL_ECHO, pool_size=connections, for_reads=True
        )
    command_bus, query_bus = CommandBus(), QueryBus()
    event_bus = EventBus(command_bus)
    dispatcher = EventDispatcher(engine, event_bus, Lease.new(settings.RELAY_LEASE_SECONDS))
    hasher = PasswordHasher(
        memory_kib=settings.ARGON2_MEMORY_KIB,
        time_cost=settings.ARGON2_TIME_COST,
        concurrency=settings.HASH_CONCURRENCY,
        queue_size=settings.HASH_QUEUE_SIZE,
    )
    tokens = TokenService(settings.JWT_SECRET, settings.JWT_EXPIRES_IN)

    def uow() -> UnitOfWork:
        return UnitOfWork(engine, dispatcher.dispatch, dispatcher.lease)

    command_bus.register(CreateUserCommand, handlers.CreateUserHandler(uow, hasher, settings))
    login_handler = login.PerformLoginHandler(
        uow, hasher, tokens, settings, reader=partial(reading, read_engine)
    )
    command_bus.register(PerformLoginCommand, login_handler)
    command_bus.register(LogoutCommand, sessions.LogoutHandler(uow, tokens))
    command_bus.register(
        ChangePasswordCommand,
        sessions.ChangePasswordHandler(uow, hasher, tokens, login_handler.attempts, settings),
    )
    command_bus.register(SendWelcomeEmailCommand, handlers.SendWelcomeEmailHandler(uow))
    command_bus.register(LockAccountCommand, login.LockAccountHandler(uow, settings))
    query_bus.register(GetUserQuery, handlers.GetUserHandler(partial(reading, read_engine)))
    register_password_reset(command_bus, event_bus, engine, uow, hasher, settings)
    user_created_handler = UserCreatedHandler()
    event_bus.register(UserCreatedEvent, user_created_handler)
    event_bus.register_saga(sagas.user_created, of_type=UserCreatedEvent)
    event_bus.register_saga(
        sagas.login_failed(settings.LOGIN_MAX_FAILURES), of_type=UserLoginFailedEvent
    )

    app = App(
        settings=settings,
        engine=engine,
        command_bus=command_bus,
        query_bus=query_bus,
        event_bus=event_bus,
        dispatcher=dispatcher,
        hasher=hasher,
        tokens=tokens,
        local_strategy=LocalStrategy(command_bus),
        user_created_handler=user_created_handler,
        projector=register_read_model(engine, read_engine, query_bus, event_bus, settings),
        read_engine=read_engine,
    )
    if start:
        app.start()
    return app


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
