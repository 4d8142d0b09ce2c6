"""Running things that should fail, and reading what the kit logged while they ran."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..domain.errors import KitError


def error_summary(error: BaseException) -> str:
    if isinstance(error, KitError):
        return f"{type(error).__name__}: {error.message}  extensions={error.extensions}"
    return f"{type(error).__name__}: {error}"


def expect_error(call: Callable[[], Any]) -> KitError:
    """Run `call`, which should fail with one of the kit's errors; print and return the error."""
    try:
        call()
    except KitError as error:
        print(error_summary(error))
        return error
    raise AssertionError("expected a KitError, but the call succeeded")


class _Collect(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__()
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname} {record.name}: {record.getMessage()}")


@contextmanager
def captured_logs(name: str = "cqrs_auth", level: int = logging.INFO) -> Iterator[list[str]]:
    """Collect the log messages of logger `name` (without tracebacks) instead of printing them."""
    messages: list[str] = []
    logger = logging.getLogger(name)
    handler, saved = _Collect(messages), (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
