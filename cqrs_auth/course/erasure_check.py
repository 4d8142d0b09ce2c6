"""Chapter 10's exercise: the erasure of one event type, UserLoginFailedEvent.

The learner writes `erase_login_failure(event) -> event`. The check first reads the answer on
one event (same id, time and count; the email replaced by ERASED), then runs it on a kit of its
own (check_kit.py) as the deletion's eraser for that type: a user fails to log in, deletes the
account, and no row of any table may hold the email; a rebuild parks nothing.
"""

from __future__ import annotations

from typing import Any

from ..domain.commands import DeleteAccountCommand, PerformLoginCommand
from ..domain.errors import InvalidCredentials
from ..domain.events import ERASED, UserLoginFailedEvent
from .check_kit import CHECK_PASSWORD, check_kit, sign_up_check_user
from .exercises import NotYet, expect, kind, written
from .running import error_summary
from .search import places_holding

SAMPLE = UserLoginFailedEvent(email="someone@example.org", failures=2)
NAME = "erase_login_failure"


def _erased_sample(erase: Any) -> Any:
    written(erase, NAME)
    expect(callable(erase), f"{NAME} is a {kind(erase)}; expected a function of one event")
    try:
        erased = erase(SAMPLE)
    except Exception as error:  # noqa: BLE001 - the learner's error, said in words
        raise NotYet(f"{NAME}(event) raised {error_summary(error)}") from None
    expect(
        isinstance(erased, UserLoginFailedEvent),
        f"{NAME}(event) returned a {kind(erased)}; return the event, erased: an event of the "
        "same class (dataclasses.replace(event, ...) makes one; the event itself is frozen)",
    )
    return erased


def _judge_sample(erased: UserLoginFailedEvent) -> None:
    expect(
        erased.email != SAMPLE.email,
        "the email is still there: replace it, dataclasses.replace(event, email=ERASED)",
    )
    expect(
        erased.email == ERASED,
        f"the email became {erased.email!r}; write ERASED instead. A hash of an email is not "
        "erased (hash a guessed email and compare), and the kit's consumers know ERASED: the "
        "read model applies an erased event to no row",
    )
    expect(
        (erased.event_id, erased.occurred_at) == (SAMPLE.event_id, SAMPLE.occurred_at),
        "the event's id or time changed: keep them, the log rewrites the event in place and its "
        "consumers know it by its id",
    )
    expect(
        erased.failures == SAMPLE.failures,
        f"failures became {erased.failures}; keep it ({SAMPLE.failures}): it is no personal "
        "data, and the lockout's history is still true",
    )


def _forgotten_on_a_kit(erase: Any) -> None:
    with check_kit(LOGIN_MAX_FAILURES=5) as kit:
        handler = kit.command_bus.handler_for(DeleteAccountCommand)
        handler.erasers = {  # type: ignore[attr-defined]
            **handler.erasers,  # type: ignore[attr-defined]
            UserLoginFailedEvent.__name__: erase,
        }
        user = sign_up_check_user(kit, "forget")
        try:
            kit.command_bus.execute(PerformLoginCommand(user.email, "not the password"))
        except InvalidCredentials:
            pass
        token = kit.command_bus.execute(PerformLoginCommand(user.email, CHECK_PASSWORD))
        kit.command_bus.execute(DeleteAccountCommand(token.access_token, CHECK_PASSWORD))
        places = sorted(places_holding(kit.engine, user.email))
        expect(not places, f"after the deletion the email is still in {places}")
        expect(not kit.projector.rebuild().parked, "the rebuild parked an erased event")


def check_erase_login_failure(erase: Any) -> None:
    """The answer erases one event rightly, and with it a deletion leaves the email nowhere."""
    _judge_sample(_erased_sample(erase))
    _forgotten_on_a_kit(erase)
