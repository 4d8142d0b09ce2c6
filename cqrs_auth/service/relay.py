"""The outbox relay: a thread in the running server that dispatches what is left undispatched
every RELAY_INTERVAL_SECONDS, so an event whose dispatch failed (a handler, the database) or
whose process died is delivered while the app runs, not only at the next start. On the same
tick it lets the janitor delete expired rows of the per-email limits (when one is given)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

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

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            _try(self.dispatcher.dispatch_pending, "dispatch")
            if self.janitor:
                _try(self.janitor.sweep_if_due, "delete expired rows")


def _try(work: Callable[[], object], what: str) -> None:
    try:
        work()
    except Exception:  # noqa: BLE001 - the database may be away: try again next time
        log.warning("the outbox relay could not %s; it tries again", what, exc_info=True)
