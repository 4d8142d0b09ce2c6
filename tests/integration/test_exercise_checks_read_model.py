"""Chapter 8's check (a read model of the learner's own) accepts a right answer and explains
typical wrong ones in words; it makes the projector from the class, on a kit of its own."""

from __future__ import annotations

import pytest
from conftest import wrong_answer

from cqrs_auth.course import check_logins_projector


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


class ReadsTheLogOnceThenAppliesEachDelivery(AppliesEachDelivery):
    def __init__(self, app):
        super().__init__(app)
        self.catch_up()


class ReadsTheLogOnceThenInDeliveryOrder(IdempotentButInDeliveryOrder):
    def __init__(self, app):
        super().__init__(app)
        self.catch_up()


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


def test_the_read_model_check_accepts_a_projector_that_reads_the_log_after_its_checkpoint():
    check_logins_projector(LoginsProjector)


@pytest.mark.parametrize(
    ("projector_class", "words"),
    [
        (AppliesEachDelivery, "after a login, rows has no row for 1 user(s) who logged in"),
        (IdempotentButInDeliveryOrder, "start at position 0, so that logins from before"),
        (ReadsTheLogOnceThenAppliesEachDelivery, "a redelivered event was counted again; keep"),
        (ReadsTheLogOnceThenInDeliveryOrder, "delivered newest first, a user's last_login_at is"),
        (NeverMovesItsCheckpoint, "a redelivered event was counted again"),
        (RebuildsOnTopOfItsRows, "rebuild() must empty rows and set position back to 0"),
        (StartsAtTheEndOfTheLog, "start at position 0, so that logins from before"),
    ],
    ids=lambda value: getattr(value, "__name__", "words"),
)
def test_the_read_model_check_explains_a_wrong_projector(projector_class, words):
    assert words in wrong_answer(check_logins_projector, projector_class)


class TakesNoApp(LoginsProjector):
    def __init__(self):
        super().__init__(None)


def test_the_read_model_check_explains_a_class_made_without_the_app_and_a_placeholder():
    assert "making LoginsProjector(...) as the task says failed: " in wrong_answer(
        check_logins_projector, TakesNoApp
    )
    assert "still the placeholder" in wrong_answer(check_logins_projector, ...)
