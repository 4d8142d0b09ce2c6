"""A kit wired like bootstrap() does, but on fakes: no database, no argon2."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from cqrs_auth.auth.local_strategy import LocalStrategy
from cqrs_auth.auth.tokens import TokenService
from cqrs_auth.domain.commands import (
    ChangePasswordCommand,
    CreateUserCommand,
    LockAccountCommand,
    LogoutCommand,
    PerformLoginCommand,
    SendWelcomeEmailCommand,
)
from cqrs_auth.domain.events import Event, UserCreatedEvent, UserLoginFailedEvent
from cqrs_auth.domain.queries import GetUserQuery
from cqrs_auth.service import handlers, login, sagas, sessions
from cqrs_auth.service.buses import CommandBus, EventBus, QueryBus
from cqrs_auth.settings import Settings

from .fakes import FakeDatabase, FakeHasher, FakeUnitOfWork

TEST_SECRET = "unit-test-secret-that-is-at-least-32-bytes"
PASSWORD = "correct horse battery staple"


@dataclass
class FakeKit:
    settings: Settings
    db: FakeDatabase
    hasher: FakeHasher
    tokens: TokenService
    command_bus: CommandBus
    query_bus: QueryBus
    event_bus: EventBus
    local_strategy: LocalStrategy
    published: list[Event] = field(default_factory=list)

    def sign_up(
        self, username: str = "ada", email: str = "ada@example.org", password: str = PASSWORD
    ):
        return self.command_bus.execute(CreateUserCommand(username, email, password, password))

    def event_types(self) -> list[str]:
        return [event.type for event in self.db.events]


def build_fake_kit(*, with_sagas: bool = True, **overrides: object) -> FakeKit:
    settings = Settings(_env_file=None, JWT_SECRET=TEST_SECRET, **overrides)  # type: ignore[arg-type,call-arg]
    db, hasher = FakeDatabase(), FakeHasher()
    tokens = TokenService(settings.JWT_SECRET, settings.JWT_EXPIRES_IN)
    command_bus, query_bus = CommandBus(), QueryBus()
    event_bus = EventBus(command_bus)
    kit = FakeKit(
        settings, db, hasher, tokens, command_bus, query_bus, event_bus, LocalStrategy(command_bus)
    )

    def publish(events: list[Event]) -> None:
        for event in events:
            kit.published.append(event)
            event_bus.publish(event)

    def uow() -> FakeUnitOfWork:
        return FakeUnitOfWork(db, publish)

    command_bus.register(CreateUserCommand, handlers.CreateUserHandler(uow, hasher, settings))  # type: ignore[arg-type]
    login_handler = login.PerformLoginHandler(uow, hasher, tokens, settings)  # type: ignore[arg-type]
    command_bus.register(PerformLoginCommand, login_handler)
    command_bus.register(LogoutCommand, sessions.LogoutHandler(uow, tokens))  # type: ignore[arg-type]
    command_bus.register(
        ChangePasswordCommand,
        sessions.ChangePasswordHandler(uow, hasher, tokens, login_handler.attempts, settings),  # type: ignore[arg-type]
    )
    command_bus.register(SendWelcomeEmailCommand, handlers.SendWelcomeEmailHandler(uow))  # type: ignore[arg-type]
    command_bus.register(LockAccountCommand, login.LockAccountHandler(uow, settings))  # type: ignore[arg-type]
    query_bus.register(GetUserQuery, handlers.GetUserHandler(uow))  # type: ignore[arg-type]
    if with_sagas:
        event_bus.register_saga(sagas.user_created, of_type=UserCreatedEvent)
        event_bus.register_saga(
            sagas.login_failed(settings.LOGIN_MAX_FAILURES), of_type=UserLoginFailedEvent
        )
    return kit


@pytest.fixture
def make_kit() -> Callable[..., FakeKit]:
    return build_fake_kit


@pytest.fixture
def kit() -> FakeKit:
    return build_fake_kit()
