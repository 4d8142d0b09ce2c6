"""Backoff for the server's background threads (the outbox relay, the read model's follower).

While their work fails (the database is away), they try again after `first` seconds, then twice
as long each time, up to LONGEST_SECONDS, instead of at every tick; and they log one line when
the failures begin and one when they end, not a traceback per try. A failure that is not
transient (a bug, not an outage) is logged with its traceback, once.
"""

from __future__ import annotations

import logging

from .parking import describe, is_transient

LONGEST_SECONDS = 30.0


class Backoff:
    def __init__(self, log: logging.Logger, who: str, task: str, first: float) -> None:
        """`who` could not `task`: "the outbox relay", "dispatch"."""
        self.log, self.who, self.task, self.first = log, who, task, first
        self.failures = 0

    def failed(self, error: BaseException) -> float:
        """Count a failure; the seconds to wait before the next try."""
        self.failures += 1
        wait = min(self.first * 2**self.failures, max(LONGEST_SECONDS, self.first))
        if self.failures == 1:
            self.log.warning(
                "%s could not %s (%s); it tries again in %.1f s, less often while it fails",
                self.who, self.task, describe(error), wait, exc_info=not is_transient(error),
            )  # fmt: skip
        return wait

    def succeeded(self) -> None:
        if self.failures:
            self.log.warning(
                "%s could %s again, after %d failed attempt(s)", self.who, self.task, self.failures
            )
            self.failures = 0
