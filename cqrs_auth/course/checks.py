"""The checks of chapters 1, 4, 5, 6 and 7: one answer each, a wrong one explained in words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..domain.errors import ConflictError, KitError
from .exercises import expect, kind, written


def check_events_sql(events_sql: Any) -> None:
    written(events_sql, "events_sql")
    expect(
        isinstance(events_sql, str),
        f"events_sql is a {kind(events_sql)}; expected the "
        "SQL text (a str): read_sql('002_create_events.sql') returns it",
    )
    expect(
        "CREATE TABLE events" in events_sql,
        "events_sql is the SQL of another file; "
        "expected the one that creates the events table, 002_create_events.sql",
    )


def check_dispatched_column(column: Any) -> None:
    written(column, "dispatched_column")
    expect(
        column != "dispatched",
        "`dispatched` is what event_table shows; the column in "
        "the SQL has another name: find it in events_sql",
    )
    expect(
        column == "dispatchedAt",
        f"{column!r} is not the column that says whether an "
        "event was dispatched (a time, NULL until then)",
    )


def check_user_id_from_token(user_id: Any, expected: str) -> None:
    written(user_id, "grace_id")
    expect(
        not (isinstance(user_id, str) and user_id.count(".") == 2),
        "grace_id is a whole JWT; decode it with decode_token(...) and take the claim 'sub'",
    )
    expect(
        not isinstance(user_id, dict),
        "grace_id is the decoded token (a dict); take ['claims']['sub'] from it",
    )
    expect(
        user_id == expected,
        f"grace_id is {user_id!r}; expected Grace's user id, the "
        "'sub' claim of the token that Grace's login returned",
    )


def check_me_username(answer: Any) -> None:
    written(answer, "answer")
    expect(
        isinstance(answer, dict),
        f"answer is a {kind(answer)}; keep what app.graphql(...) returns, a dict",
    )
    errors = answer.get("errors") or [{}]
    expect(
        errors[0].get("extensions", {}).get("code") != "UNAUTHENTICATED",
        "`me` answered UNAUTHENTICATED: pass Ada's token, app.graphql(query, token=authorization)",
    )
    expect("errors" not in answer, f"the query failed: {errors[0].get('message')}")
    expect(
        answer == {"data": {"me": {"username": "ada"}}},
        f"answer is {answer}; expected "
        "only the username: ask for `me { username }` and nothing else",
    )


def _last_click(form: Any) -> datetime | None:
    """When the form's last submission ended (None if it was never clicked)."""
    recorded = getattr(form, "last_trace", None)
    ends = [span.end_time for span in getattr(recorded, "spans", ()) if span.end_time]
    return datetime.fromtimestamp(max(ends) / 1e9, UTC) if ends else None


def _grace_signed_up_at(form: Any) -> datetime | None:
    created = [
        e.occurred_at
        for e in form.app.events()
        if e.type == "UserCreatedEvent" and e.payload.get("username") == "grace"
    ]
    return created[-1] if created else None


def _clicked_for_grace_again(form: Any) -> bool:
    """The last click was for grace, who had signed up already: the code went through the form."""
    return isinstance(form.error, ConflictError) and form.username.value == "grace"


def check_form_signup(page: Any, event_types: list[str]) -> None:
    form = page.signup
    clicked, created = _last_click(form), _grace_signed_up_at(form)
    expect(
        clicked is not None and (created is None or created <= clicked),
        "grace was not signed up by the form: set its four fields, then call "
        "form.button.click() (the command bus alone does not fill the form)",
    )
    if created is not None and _clicked_for_grace_again(form):
        print(
            "(grace had signed up already, so this time the form answered CONFLICT: your "
            "code filled the form and clicked, which is what this task asks)"
        )
        return
    expect(form.error is None, f"the form refused the signup: {getattr(form.error, 'message', '')}")
    expect(
        form.user.username == "grace", f"the form signed up {form.user.username!r}; expected grace"
    )
    expect(
        event_types[-2:] == ["UserCreatedEvent", "WelcomeEmailSentEvent"],
        "grace's signup left no UserCreatedEvent and WelcomeEmailSentEvent at the end of the log",
    )


def check_email_conflict(error: Any) -> None:
    written(error, "error")
    expect(
        isinstance(error, KitError),
        f"error is a {kind(error)}; keep what expect_error(...) returns",
    )
    expect(
        error.extensions.get("field") != "username",
        "the signup clashed on the username, which is taken (by grace, or by an earlier try of "
        "yours that went through): use one nobody has yet, so that only the email clashes",
    )
    expect(
        error.extensions == {"code": "CONFLICT", "field": "email"},
        f"the error is {error.extensions}; expected a CONFLICT on the email (GRACE@Example.org)",
    )
