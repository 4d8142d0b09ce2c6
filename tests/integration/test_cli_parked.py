"""`cqrs-auth parked` and `project --rebuild` with a poison in the log, as an operator runs them:
a subprocess on the app's database."""

from __future__ import annotations

import json

from cqrs_auth.service.projection import PROJECTION

from .beyond_helpers import activity_rows
from .helpers import sign_up
from .poison_helpers import edit_payload, parked, stored_of
from .test_cli import cqrs_auth


def test_rebuild_parks_exits_0_and_parked_lists_then_retries_after_the_fix(
    app, database_url, tmp_path
):
    sign_up(app)
    sign_up(app, "grace", "grace@example.org")
    rows = activity_rows(app)
    [poison, _] = stored_of(app, "UserCreatedEvent")
    edit_payload(app, poison.id, userId=None, user=poison.payload["userId"])

    rebuilt = cqrs_auth("project", "--rebuild", database_url=database_url, cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "1 parked (see `cqrs-auth parked`)" in rebuilt.stdout
    assert rebuilt.stderr.count(" parked ") == 1 and "Traceback" not in rebuilt.stderr

    listed = cqrs_auth("parked", database_url=database_url, cwd=tmp_path)
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["id"], row["type"], row["position"]) == (poison.id, poison.type, poison.position)
    assert row["consumer"] == PROJECTION and "unexpected keyword argument 'user'" in row["error"]
    assert set(row) == {"id", "type", "position", "consumer", "error", "parkedAt"}

    still = cqrs_auth("parked", "--retry", poison.id, database_url=database_url, cwd=tmp_path)
    assert still.returncode == 1 and "still parked: " in still.stdout
    edit_payload(app, poison.id, user=None, userId=poison.payload["userId"])  # the fix
    retried = cqrs_auth("parked", "--retry", database_url=database_url, cwd=tmp_path)
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert (
        retried.stdout.strip() == f"user_activity: UserCreatedEvent {poison.id}: applied, unparked"
    )
    assert parked(app) == [] and activity_rows(app) == rows


def test_retry_of_an_event_that_is_not_parked_says_so(app, database_url, tmp_path):
    result = cqrs_auth("parked", "--retry", "no-such-id", database_url=database_url, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: no event no-such-id is parked"
    listed = cqrs_auth("parked", database_url=database_url, cwd=tmp_path)
    assert (listed.returncode, listed.stdout) == (0, "")
