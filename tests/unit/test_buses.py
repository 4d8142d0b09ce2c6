"""The command, query and event buses, as in @nestjs/cqrs."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest

from cqrs_auth.domain.commands import Command
from cqrs_auth.domain.errors import NoHandlerError
from cqrs_auth.domain.events import Event
from cqrs_auth.domain.queries import Query
from cqrs_auth.service.buses import CommandBus, EventBus, QueryBus


@dataclass(frozen=True)
class Ping(Command):
    text: str


@dataclass(frozen=True)
class Lookup(Query):
    key: str


@dataclass(frozen=True, kw_only=True)
class SomethingHappened(Event):
    what: str

    @property
    def aggregate_id(self) -> str:
        return self.what


class Recorder:
    def __init__(self, result: object = None, fail: bool = False) -> None:
        self.seen: list[object] = []
        self.result, self.fail = result, fail

    def execute(self, message: object) -> object:
        self.seen.append(message)
        if self.fail:
            raise RuntimeError("handler broke")
        return self.result


def test_the_command_bus_returns_what_the_one_handler_returns():
    bus, handler = CommandBus(), Recorder(result="pong")
    bus.register(Ping, handler)
    assert bus.execute(Ping("hi")) == "pong"
    assert handler.seen == [Ping("hi")]


def test_the_query_bus_returns_what_the_one_handler_returns():
    bus = QueryBus()
    bus.register(Lookup, Recorder(result={"key": "value"}))
    assert bus.execute(Lookup("key")) == {"key": "value"}


@pytest.mark.parametrize("bus_type, message", [(CommandBus, Ping("hi")), (QueryBus, Lookup("k"))])
def test_a_message_with_no_handler_is_a_clear_error_naming_its_type(bus_type, message):
    with pytest.raises(
        NoHandlerError, match=f"No handler is registered for {type(message).__name__}"
    ):
        bus_type().execute(message)


def test_a_second_handler_for_the_same_command_is_refused():
    bus = CommandBus()
    bus.register(Ping, Recorder())
    with pytest.raises(ValueError, match="already has a handler"):
        bus.register(Ping, Recorder())


def test_publishing_an_event_reaches_every_handler_and_saga_of_its_type():
    command_bus = CommandBus()
    command_handler = Recorder()
    command_bus.register(Ping, command_handler)
    event_bus = EventBus(command_bus)
    first, second = Recorder(), Recorder()
    event_bus.register(SomethingHappened, first)
    event_bus.register(SomethingHappened, second)
    event_bus.register_saga(lambda event: [Ping(event.what)], of_type=SomethingHappened)
    event = SomethingHappened(what="x")

    assert event_bus.publish(event) is True
    assert first.seen == [event] and second.seen == [event]
    assert command_handler.seen == [Ping("x")]


def test_handlers_of_other_event_types_are_not_called():
    event_bus = EventBus(CommandBus())
    handler = Recorder()
    event_bus.register(SomethingHappened, handler)
    assert event_bus.publish(Event()) is True
    assert handler.seen == []


def test_falsy_results_of_a_saga_are_dropped_and_the_rest_run():
    command_bus = CommandBus()
    command_handler = Recorder()
    command_bus.register(Ping, command_handler)
    event_bus = EventBus(command_bus)
    event_bus.register_saga(
        lambda event: [None, Ping("a"), None, Ping("b")], of_type=SomethingHappened
    )
    event_bus.register_saga(lambda event: None, of_type=SomethingHappened)

    assert event_bus.publish(SomethingHappened(what="x")) is True
    assert command_handler.seen == [Ping("a"), Ping("b")]


def test_a_failing_handler_is_logged_with_the_event_id_and_the_others_still_run(caplog):
    event_bus = EventBus(CommandBus())
    broken, healthy = Recorder(fail=True), Recorder()
    event_bus.register(SomethingHappened, broken)
    event_bus.register(SomethingHappened, healthy)
    event = SomethingHappened(what="x")

    with caplog.at_level(logging.ERROR, logger="cqrs_auth.service.buses"):
        assert event_bus.publish(event) is False
    assert healthy.seen == [event]
    [record] = caplog.records
    assert event.event_id in record.getMessage()
    assert record.exc_info is not None


def test_a_saga_whose_command_fails_makes_publish_report_failure(caplog):
    command_bus = CommandBus()
    command_bus.register(Ping, Recorder(fail=True))
    event_bus = EventBus(command_bus)
    event_bus.register_saga(lambda event: [Ping("boom")], of_type=SomethingHappened)
    event = SomethingHappened(what="x")

    with caplog.at_level(logging.ERROR, logger="cqrs_auth.service.buses"):
        assert event_bus.publish(event) is False
    assert any(event.event_id in record.getMessage() for record in caplog.records)
