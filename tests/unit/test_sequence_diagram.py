"""A trace's sequence diagram draws a failure as one: a note with the error and its code where it
starts, crossed arrows back on a red band that ends where the error stops."""

from __future__ import annotations

from cqrs_auth.course.sequence import FAILURE_BAND, SequenceDiagram
from cqrs_auth.course.steps import Step


def step(span_id: int, name: str, parent: int | None = None, error: str | None = None) -> Step:
    return Step(name, span_id, parent, span_id, 100 - span_id, "", "", error)


def body(diagram: SequenceDiagram) -> list[str]:
    """The lines after the participants, unindented."""
    lines = [line.strip() for line in diagram.source.splitlines()]
    return [line for line in lines[2:] if not line.startswith("participant ")]


def test_a_step_that_succeeds_is_called_and_deactivated_with_no_band():
    lines = body(SequenceDiagram([step(1, "CommandBus.execute"), step(2, "Handler.execute", 1)]))
    assert lines == [
        "you->>+CommandBus: execute",
        "CommandBus->>+Handler: execute",
        "deactivate Handler",
        "deactivate CommandBus",
    ]


def test_a_failure_is_noted_with_its_code_and_its_way_back_is_crossed_on_a_red_band():
    steps = [
        step(1, "LocalStrategy.validate", error="InvalidCredentials"),
        step(2, "CommandBus.execute", 1, error="InvalidCredentials"),
        step(3, "PerformLoginHandler.execute", 2, error="InvalidCredentials"),
        step(4, "PasswordHasher.verify", 3),
    ]
    lines = body(SequenceDiagram(steps))
    assert lines[lines.index("deactivate PasswordHasher") + 1 :] == [
        FAILURE_BAND.strip(),
        "Note over you,PerformLoginHandler: failed: InvalidCredentials, code UNAUTHENTICATED",
        "PerformLoginHandler--x-CommandBus: InvalidCredentials",
        "CommandBus--x-LocalStrategy: InvalidCredentials",
        "LocalStrategy--x-you: InvalidCredentials",
        "end",
    ]


def test_an_error_caught_on_the_way_ends_its_band_where_it_stopped():
    steps = [
        step(1, "CommandBus.execute"),
        step(2, "Handler.execute", 1, error="ValueError"),
        step(3, "Mailer.send", 1),
    ]
    lines = body(SequenceDiagram(steps))
    assert lines == [
        "you->>+CommandBus: execute",
        "CommandBus->>+Handler: execute",
        FAILURE_BAND.strip(),
        "Note over you,Handler: failed: ValueError",  # not a kit error: no code
        "Handler--x-CommandBus: ValueError",
        "end",
        "CommandBus->>+Mailer: send",
        "deactivate Mailer",
        "deactivate CommandBus",
    ]


def test_an_error_turned_into_another_starts_a_band_of_its_own():
    steps = [
        step(1, "CommandBus.execute", error="ConflictError"),
        step(2, "Handler.execute", 1, error="ConflictError"),
        step(3, "UnitOfWork.commit", 2, error="IntegrityError"),
    ]
    lines = body(SequenceDiagram(steps))
    assert lines.count(FAILURE_BAND.strip()) == lines.count("end") == 2
    assert lines[lines.index("UnitOfWork--x-Handler: IntegrityError") + 1 :] == [
        "end",
        FAILURE_BAND.strip(),
        "Note over you,Handler: failed: ConflictError, code CONFLICT",
        "Handler--x-CommandBus: ConflictError",
        "CommandBus--x-you: ConflictError",
        "end",
    ]


def test_a_step_failing_after_a_child_failed_the_same_way_and_was_caught_keeps_bands_balanced():
    steps = [
        step(1, "Handler.execute", error="ServerBusy"),
        step(2, "Hasher.verify", 1, error="ServerBusy"),  # caught, then tried again
        step(3, "Hasher.verify", 1, error="ServerBusy"),  # this one's error goes on up
    ]
    lines = body(SequenceDiagram(steps))
    assert lines.count(FAILURE_BAND.strip()) == lines.count("end") == 2
    assert lines[-2:] == ["Handler--x-you: ServerBusy", "end"]
    assert lines[2:6] == [
        FAILURE_BAND.strip(),
        "Note over you,Hasher: failed: ServerBusy, code SERVER_BUSY",
        "Hasher--x-Handler: ServerBusy",
        "end",
    ]
