"""bootstrap(): the one place that wires the kit together.

Nothing here runs at import time. Each call builds an independent app (its own engine, buses
and handlers), so tests and notebooks can make as many as they like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from .adapters import migrations
from .adapters.db import make_engine
from .adapters.event_store import Lease, StoredEvent
from .adapters.mail_outbox import Mail
from .adapters.unit_of_work import UnitOfWork
from .auth.local_strategy import LocalStrategy
from .auth.passwords import PasswordHasher
from .auth.tokens import TokenService
from .domain.commands import (
    CreateUserCommand,
    LockAccountCommand,
    PerformLoginCommand,
    SendWelcomeEmailCommand,
)
from .domain.events import UserCreatedEvent, UserLoginFailedEvent
from .domain.queries import GetUserQuery
from .service import handlers, login, sagas
from .service.buses import CommandBus, EventBus, QueryBus
from .service.dispatcher import EventDispatcher
from .service.event_handlers import UserCreatedHandler
from .settings import Settings


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
    _graphql: Any = field(default=None, repr=False)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.dispatcher.dispatch, self.dispatcher.lease)

    def migrate(self) -> list[str]:
        return migrations.migrate(self.engine)

    def start(self) -> None:
        """Apply pending migrations (if MIGRATIONS_RUN) and dispatch events left undispatched."""
        if self.settings.MIGRATIONS_RUN:
            self.migrate()
        self.dispatcher.dispatch_pending()

    def events(self, after_position: int = 0) -> list[StoredEvent]:
        with self.unit_of_work() as uow:
            return uow.events.read(after_position)

    def mails(self) -> list[Mail]:
        with self.unit_of_work() as uow:
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
        self.hasher.close()
        self.engine.dispose()


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
    engine = make_engine(settings.DATABASE_URL, echo=settings.SQL_ECHO)
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
    command_bus.register(
        PerformLoginCommand, login.PerformLoginHandler(uow, hasher, tokens, settings)
    )
    command_bus.register(SendWelcomeEmailCommand, handlers.SendWelcomeEmailHandler(uow))
    command_bus.register(LockAccountCommand, login.LockAccountHandler(uow, settings))
    query_bus.register(GetUserQuery, handlers.GetUserHandler(uow))
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
    )
    if start:
        app.start()
    return app
