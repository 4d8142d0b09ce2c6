"""The outbox relay: a thread in the running server that dispatches what is left undispatched
every RELAY_INTERVAL_SECONDS, so an event whose dispatch failed (a handler, the database) or
whose process died is delivered while the app runs, not only at the next start."""

from __future__ import annotations

import logging
import threading

from .dispatcher import EventDispatcher

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, dispatcher: EventDispatcher, interval: float) -> None:
        self.dispatcher, self.interval = dispatcher, interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                self.dispatcher.dispatch_pending()
            except Exception:  # noqa: BLE001 - the database may be away: try again next time
                log.warning("the outbox relay could not dispatch; it tries again", exc_info=True)
