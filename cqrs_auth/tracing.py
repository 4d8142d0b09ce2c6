"""Spans on the path of a request, on the OpenTelemetry API.

`with span("CommandBus.execute", command="CreateUserCommand"):` opens a span whose attributes are
`cqrs.<name>`. Until a tracer provider is set (the course's `trace()`, or `cqrs-auth serve` with
OTEL_EXPORTER_OTLP_ENDPOINT), a span is one `isinstance` check and a shared no-op context.

Span names are `Participant.operation` (`PasswordHasher.verify`) or a participant alone
(`local_auth_guard`). Attributes carry names only: message and event types, handler names, event
ids, GraphQL operation names — never a password, hash, token, email or username, and an error is
recorded by its class name, never its message (which may quote input).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from opentelemetry import trace

P = ParamSpec("P")
R = TypeVar("R")
Attribute = str | int | bool

FORBIDDEN = ("password", "hash", "token", "secret", "email", "username", "authorization")
_OFF: AbstractContextManager[None] = nullcontext()
_tracer = trace.get_tracer("cqrs_auth")


def tracing_on() -> bool:
    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


def span(name: str, **attributes: Attribute) -> AbstractContextManager[None]:
    """A span around the block when tracing is on; otherwise a no-op."""
    if not tracing_on():
        return _OFF
    return _recording(name, attributes)


def check_attribute_names(attributes: dict[str, Attribute]) -> None:
    for key in attributes:
        if any(word in key.lower() for word in FORBIDDEN):
            raise ValueError(f"span attribute {key!r} could carry personal data or a secret")


@contextmanager
def _recording(name: str, attributes: dict[str, Attribute]) -> Iterator[None]:
    check_attribute_names(attributes)
    prefixed = {f"cqrs.{key}": value for key, value in attributes.items()}
    with _tracer.start_as_current_span(
        name, attributes=prefixed, record_exception=False, set_status_on_exception=False
    ) as current:
        try:
            yield
        except BaseException as error:
            current.set_attribute("error.type", type(error).__name__)
            current.set_status(trace.Status(trace.StatusCode.ERROR, type(error).__name__))
            raise


def traced(name: str, **attributes: Attribute) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator form of `span`: the whole call is the span."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with span(name, **attributes):
                return function(*args, **kwargs)

        return wrapper

    return decorate


def traced_resolver(function: Callable[..., R]) -> Callable[..., R]:
    """A span named after the GraphQL field (`resolver signup`), with the operation's name."""

    @wraps(function)
    def wrapper(obj: Any, info: Any, **kwargs: Any) -> R:
        operation = info.operation.name.value if info.operation.name else ""
        with span(f"resolver {info.field_name}", operation=operation, field=info.field_name):
            return function(obj, info, **kwargs)

    return wrapper
