"""The outbox relay: a thread in the running server that dispatches what is left undispatched
every RELAY_INTERVAL_SECONDS, so an event whose dispatch failed (a handler, the database) or
whose process died is delivered while the app runs, not only at the next start. On the same
tick it lets the janitor delete expired rows of the per-email limits (when one is given).
While either fails (the database is away), the ticks back off (backoff.py), with one log line
when the failures begin and one when they end."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .backoff import Backoff
from .dispatcher import EventDispatcher
from .janitor import Janitor

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self, dispatcher: EventDispatcher, interval: float, janitor: Janitor | None = None
    ) -> None:
        self.dispatcher, self.interval, self.janitor = dispatcher, interval, janitor
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        self._dispatching = Backoff(log, "the outbox relay", "dispatch", interval)
        self._sweeping = Backoff(log, "the outbox relay", "delete expired rows", interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        wait = self.interval
        while not self._stopping.wait(wait):
            wait = _try(self.dispatcher.dispatch_pending, self._dispatching, self.interval)
            if self.janitor:
                wait = max(wait, _try(self.janitor.sweep_if_due, self._sweeping, self.interval))


def _try(work: Callable[[], object], backoff: Backoff, interval: float) -> float:
    """Run `work`; the seconds to wait before the next tick."""
    try:
        work()
    except Exception as error:  # noqa: BLE001 - the database may be away: try again later
        return backoff.failed(error)
    backoff.succeeded()
    return interval
