"""Event handlers: the tutorial's @EventsHandler classes.

The tutorial's UserCreatedHandler was never registered (its module listed the event class
instead of the handler), so it never ran; here bootstrap registers it and a test proves it runs.
"""

from __future__ import annotations

import logging

from ..domain.events import UserCreatedEvent

log = logging.getLogger(__name__)


class UserCreatedHandler:
    def __init__(self) -> None:
        self.handled: list[str] = []  # ids of the events handled, for the course and the tests

    def execute(self, event: UserCreatedEvent) -> None:
        log.info("user %s (%s) was created", event.username, event.user_id)
        self.handled.append(event.event_id)
