"""CommandBus, QueryBus and EventBus, as in @nestjs/cqrs.

- `CommandBus.execute(command)` runs the one handler registered for the command's type and
  returns its result; `QueryBus.execute(query)` likewise for queries.
- `EventBus.publish(event)` reaches every handler of the event's type and every saga that
  listens for it (`of_type`, like rxjs's `ofType`); the commands a saga returns run on the
  command bus. A failing handler or saga is logged with the event's id and does not stop the
  others; `publish` returns whether everything succeeded, so the dispatcher can keep the event
  for a later dispatch. Given a `Parking` (parking.py), a handler or saga that keeps failing on
  an event, for a reason other than the database being away, parks it: that consumer then
  counts as done with it, and the event as dispatched.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, Protocol

from ..domain.commands import Command
from ..domain.errors import NoHandlerError
from ..domain.events import Event
from ..domain.queries import Query
from ..tracing import span
from .parking import Parking, describe, is_transient

log = logging.getLogger(__name__)


class Handler(Protocol):
    def execute(self, message: Any, /) -> Any: ...


Saga = Callable[[Any], Iterable[Command] | None]


class _Bus:
    def __init__(self) -> None:
        self._handlers: dict[type, Handler] = {}

    def register(self, message_type: type, handler: Handler) -> None:
        if message_type in self._handlers:
            raise ValueError(f"{message_type.__name__} already has a handler")
        self._handlers[message_type] = handler

    def handler_for(self, message_type: type) -> Handler:
        """The handler registered for a message type (the course runs it on a bus of its own)."""
        handler = self._handlers.get(message_type)
        if handler is None:
            raise NoHandlerError(message_type)
        return handler

    def execute(self, message: Any) -> Any:
        handler = self.handler_for(type(message))
        with span(f"{type(handler).__name__}.execute", message=type(message).__name__):
            return handler.execute(message)


class CommandBus(_Bus):
    def execute(self, command: Command) -> Any:
        with span("CommandBus.execute", command=type(command).__name__):
            return super().execute(command)


class QueryBus(_Bus):
    def execute(self, query: Query) -> Any:
        with span("QueryBus.execute", query=type(query).__name__):
            return super().execute(query)


class EventBus:
    def __init__(self, command_bus: CommandBus, parking: Parking | None = None) -> None:
        self._command_bus = command_bus
        self.parking = parking
        self._handlers: dict[type[Event], list[Handler]] = defaultdict(list)
        self._sagas: dict[type[Event], list[Saga]] = defaultdict(list)

    def register(self, event_type: type[Event], handler: Handler) -> None:
        self._handlers[event_type].append(handler)

    def replace(self, handler: Handler, by: Handler) -> None:
        """Put `by` in `handler`'s place, for every event type it handles."""
        for handlers in self._handlers.values():
            handlers[:] = [by if each is handler else each for each in handlers]

    def register_saga(self, saga: Saga, *, of_type: type[Event]) -> None:
        self._sagas[of_type].append(saga)

    def publish(self, event: Event) -> bool:
        with span("EventBus.publish", event=event.type, event_id=event.event_id):
            return self._publish(event)

    def _publish(self, event: Event) -> bool:
        ok = True
        for handler in self._handlers[type(event)]:
            name = type(handler).__name__
            ok &= self._run(event, name, f"{name}.execute", partial(handler.execute, event))
        for saga in self._sagas[type(event)]:
            run = partial(self._run_saga, saga, event)
            ok &= self._run(event, saga.__name__, f"saga {saga.__name__}", run)
        return ok

    def publish_all(self, events: Iterable[Event]) -> bool:
        return all([self.publish(event) for event in events])

    def _run_saga(self, saga: Saga, event: Event) -> None:
        for command in saga(event) or ():
            if command:  # as in @nestjs/cqrs, falsy results are dropped
                self._command_bus.execute(command)

    def _run(self, event: Event, name: str, span_name: str, call: Callable[[], Any]) -> bool:
        try:
            with span(span_name, event=event.type, event_id=event.event_id):
                call()
        except Exception as error:
            if self.parking and self.parking.failed(event, name, error):
                return True
            log.error(
                "%s failed on %s %s (%s); the event stays undispatched",
                name, event.type, event.event_id, describe(error),
                exc_info=not is_transient(error),  # an outage needs no traceback
            )  # fmt: skip
            return False
        if self.parking:
            self.parking.succeeded(event, name)
        return True
