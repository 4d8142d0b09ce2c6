"""Chapter 8's check (a read model of the learner's own) accepts a right answer and explains
typical wrong ones in words, on SQLite and on MariaDB."""

from __future__ import annotations

import pytest
from conftest import wrong_answer

from cqrs_auth.course import check_logins_projector
from cqrs_auth.domain.events import UserLoggedInEvent

from .helpers import log_in, sign_up


class LoginsProjector:
    """The right answer: whatever it is handed, it reads the log after its checkpoint."""

    def __init__(self, app):
        self.app, self.rows, self.position = app, {}, 0

    def apply(self, user_id, occurred_at):
        row = self.rows.setdefault(user_id, {"logins": 0, "last_login_at": None})
        row["logins"] += 1
        row["last_login_at"] = occurred_at

    def catch_up(self):
        for stored in self.app.events(self.position):
            if stored.type == "UserLoggedInEvent":
                self.apply(stored.payload["userId"], stored.occurred_at)
            self.position = stored.position

    def execute(self, event):
        self.catch_up()

    def rebuild(self):
        self.rows, self.position = {}, 0
        self.catch_up()


class AppliesEachDelivery(LoginsProjector):
    """No checkpoint at all: applies every event it is handed."""

    def execute(self, event):
        self.apply(event.user_id, event.occurred_at)


class IdempotentButInDeliveryOrder(LoginsProjector):
    """Skips an event it has seen, but applies the others in the order they come."""

    def __init__(self, app):
        super().__init__(app)
        self.seen = set()

    def execute(self, event):
        if event.event_id not in self.seen:
            self.seen.add(event.event_id)
            self.apply(event.user_id, event.occurred_at)


class NeverMovesItsCheckpoint(LoginsProjector):
    def catch_up(self):
        for stored in self.app.events(self.position):
            if stored.type == "UserLoggedInEvent":
                self.apply(stored.payload["userId"], stored.occurred_at)


class RebuildsOnTopOfItsRows(LoginsProjector):
    def rebuild(self):
        self.position = 0
        self.catch_up()


class StartsAtTheEndOfTheLog(LoginsProjector):
    def __init__(self, app):
        super().__init__(app)
        self.position = app.events()[-1].position


def registered(app, projector_class):
    projector = projector_class(app)
    app.event_bus.register(UserLoggedInEvent, projector)
    return projector


def test_the_read_model_check_accepts_a_projector_that_reads_the_log_after_its_checkpoint(
    make_app,
):
    app = make_app()
    sign_up(app)
    log_in(app)  # before the read model existed: it must be in it too
    check_logins_projector(app, registered(app, LoginsProjector))


@pytest.mark.parametrize(
    ("projector_class", "words"),
    [
        (AppliesEachDelivery, "a redelivered event was counted again; keep a checkpoint"),
        (IdempotentButInDeliveryOrder, "delivered newest first, a user's last_login_at is"),
        (NeverMovesItsCheckpoint, "a redelivered event was counted again"),
        (RebuildsOnTopOfItsRows, "rebuild() must empty rows and set position back to 0"),
        (StartsAtTheEndOfTheLog, "start at position 0, so that logins from before"),
    ],
    ids=lambda value: getattr(value, "__name__", "words"),
)
def test_the_read_model_check_explains_a_wrong_projector(make_app, projector_class, words):
    app = make_app()
    sign_up(app)
    if projector_class is StartsAtTheEndOfTheLog:
        log_in(app)
    projector = registered(app, projector_class)
    assert words in wrong_answer(check_logins_projector, app, projector)


def test_the_read_model_check_explains_a_projector_nobody_registered_and_a_placeholder(make_app):
    app = make_app()
    assert "register your read model with app.event_bus.register" in wrong_answer(
        check_logins_projector, app, LoginsProjector(app)
    )
    assert "still the placeholder" in wrong_answer(check_logins_projector, app, ...)
