"""Chapter 8's exercise: a read model of the learner's own, right however its events arrive.

The check makes a projector from the learner's class on a kit of its own (check_kit.py), where
a user has logged in already, registers it for UserLoggedInEvent, and compares its `rows` with
what the log says (each user's logins and the newest login's time) after a login, after an
event delivered twice, after two events delivered newest first, and after a rebuild of a
spoiled read model.
"""

from __future__ import annotations

from typing import Any

from ..bootstrap import App
from ..domain.events import UserLoggedInEvent
from .check_kit import CHECK_PASSWORD, built, check_kit, sign_up_check_user
from .exercises import expect, kind
from .read_model import dispatch_held_back

Rows = dict[str, dict[str, Any]]
ORDER_HINT = (
    "apply the events in log order: read self.app.events(self.position) and move position onto "
    "each, instead of applying the event you are handed"
)


def logins_in_the_log(app: App) -> Rows:
    """What the learner's read model should hold: per user id, logins and the newest one's time."""
    rows: Rows = {}
    for stored in app.events():
        if stored.type == "UserLoggedInEvent":
            row = rows.setdefault(stored.payload["userId"], {"logins": 0, "last_login_at": None})
            row["logins"] += 1
            row["last_login_at"] = stored.occurred_at
    return rows


def _difference(rows: Any, truth: Rows, when: str, hint: str) -> str | None:
    """In words, how `rows` differs from the log after `when`; None when it does not."""
    if not isinstance(rows, dict):
        return f"after {when}, rows is a {kind(rows)}; expected a dict of user id -> row"
    missing = [user for user in truth if user not in rows]
    if missing:
        return (
            f"after {when}, rows has no row for {len(missing)} user(s) who logged in; its keys "
            f"are {sorted(rows)[:3]}…: key rows by stored.payload['userId'], and start at "
            "position 0, so that logins from before your read model existed are in it too"
        )
    for user, expected in truth.items():
        got = rows[user]
        if got.get("logins") != expected["logins"]:
            more = "more" if (got.get("logins") or 0) > expected["logins"] else "fewer"
            return (
                f"after {when}, a user has {got.get('logins')!r} logins in rows, {more} than "
                f"the {expected['logins']} of the log: {hint}"
            )
        if got.get("last_login_at") != expected["last_login_at"]:
            return (
                f"after {when}, a user's last_login_at is {got.get('last_login_at')}, not "
                f"the time of their newest login in the log, {expected['last_login_at']}: "
                + ORDER_HINT
            )
    return None


def _agrees(projector: Any, app: App, when: str, hint: str) -> None:
    problem = _difference(projector.rows, logins_in_the_log(app), when, hint)
    expect(problem is None, problem or "")


def _logs_in_once(app: App, projector: Any, email: str) -> None:
    app.local_strategy.validate(email, CHECK_PASSWORD)
    expect(
        any(isinstance(row, dict) and row.get("logins") for row in projector.rows.values()),
        "a login, delivered to your execute(event), left rows empty: catch up with the log there",
    )
    _agrees(projector, app, "a login", "read each event of the log once, after position")


def _ignores_a_redelivery(app: App, projector: Any) -> None:
    [*_, last] = [e for e in app.events() if e.type == "UserLoggedInEvent"]
    app.event_bus.publish(last.to_event())
    _agrees(
        projector,
        app,
        "the same event was delivered again",
        "a redelivered event was counted again; keep a checkpoint, position, and apply only "
        "what the log holds after it",
    )


def _survives_newest_first(app: App, projector: Any, email: str) -> None:
    with dispatch_held_back(app) as held:
        app.local_strategy.validate(email, CHECK_PASSWORD)
        app.local_strategy.validate(email, CHECK_PASSWORD)
    for event in reversed(held):
        projector.execute(event)
    _agrees(projector, app, "two logins were delivered newest first", ORDER_HINT)
    app.dispatcher.dispatch_pending()  # the relay delivers them to everybody, once more
    _agrees(projector, app, "the relay delivered them again", "apply each event only once")


def _rebuilds(app: App, projector: Any) -> None:
    for row in projector.rows.values():
        row["logins"] = 99  # spoiled, as a bug in a projector would leave it
    projector.rebuild()
    _agrees(
        projector,
        app,
        "rows was spoiled and rebuild() ran",
        "rebuild() must empty rows and set position back to 0 before catching up",
    )


def check_logins_projector(projector_type: Any) -> None:
    """On a kit of its own: right after a login, a redelivery, newest-first delivery, and a
    rebuild; and it starts from the whole log, with logins from before it existed."""
    with check_kit() as kit:
        early = sign_up_check_user(kit, "early").email
        kit.local_strategy.validate(early, CHECK_PASSWORD)  # before the read model exists
        email = sign_up_check_user(kit, "logins").email
        projector = built(projector_type, "LoginsProjector", kit)
        expect(
            isinstance(getattr(projector, "rows", None), dict)
            and isinstance(getattr(projector, "position", None), int),
            "LoginsProjector(app) needs rows (a dict, empty at first) and position (an int, 0 "
            "at first): set both in __init__",
        )
        kit.event_bus.register(UserLoggedInEvent, projector)
        _logs_in_once(kit, projector, email)
        _ignores_a_redelivery(kit, projector)
        _survives_newest_first(kit, projector, email)
        _rebuilds(kit, projector)
