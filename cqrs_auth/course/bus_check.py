"""Chapter 2's exercise: a minimal command bus, checked with commands and handlers of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .exercises import NotYet, expect, kind


@dataclass(frozen=True)
class PingCommand:
    text: str


@dataclass(frozen=True)
class ShoutCommand:
    text: str


@dataclass(frozen=True)
class UnknownCommand:
    text: str


class PingHandler:
    def execute(self, command: PingCommand) -> str:
        return f"pong: {command.text}"


class ShoutHandler:
    def execute(self, command: ShoutCommand) -> str:
        return command.text.upper()


def _run(bus: Any, command: Any) -> Any:
    try:
        return bus.execute(command)
    except TypeError as error:
        if "not callable" in str(error):
            raise NotYet(
                "execute() called the handler like a function; a handler is an object with an "
                "execute(command) method: return handler.execute(command)"
            ) from None
        raise


def _unknown_command_error(bus: Any) -> None:
    try:
        result = bus.execute(UnknownCommand("?"))
    except KeyError as error:
        raise NotYet(
            f"a command nobody registered raised a bare KeyError ({error}), which reads like a "
            "bug in the bus; expected an error of your own that says no handler is registered "
            "for that command and names it, as the kit's NoHandlerError does"
        ) from None
    except (AttributeError, TypeError) as error:
        raise NotYet(
            f"a command nobody registered crashed with {kind(error)}: {error}; expected a clear "
            "error that names the command, e.g. LookupError(f'no handler for ...')"
        ) from None
    except Exception as error:  # noqa: BLE001 - any other error is a deliberate one: read it
        expect(
            "UnknownCommand" in str(error),
            f"the error for an unknown command says {str(error)!r}; it should name the "
            "command's type (type(command).__name__), here UnknownCommand",
        )
        return
    raise NotYet(
        f"executing a command nobody registered returned {result!r}; expected an error that "
        "names the command (raise it when no handler is registered for type(command))"
    )


def check_command_bus(bus_class: type) -> None:
    """The bus registers one handler per command type, runs it, and refuses unknown commands."""
    bus = bus_class()
    bus.register(PingCommand, PingHandler())
    bus.register(ShoutCommand, ShoutHandler())
    answer = _run(bus, PingCommand("hello"))
    expect(
        answer == "pong: hello",
        f"execute(PingCommand('hello')) returned {answer!r}; expected the handler's result, "
        "'pong: hello': return what handler.execute(command) returns",
    )
    shout = _run(bus, ShoutCommand("hello"))
    expect(
        shout == "HELLO",
        f"execute(ShoutCommand('hello')) returned {shout!r}, expected 'HELLO': each command "
        "type needs its own handler (look the handler up by type(command))",
    )
    _unknown_command_error(bus)
