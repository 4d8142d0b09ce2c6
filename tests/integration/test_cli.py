"""The `cqrs-auth` command line, run as a learner runs it: a subprocess on a fresh database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cqrs_auth import CreateUserCommand, PerformLoginCommand
from cqrs_auth.adapters import migrations

from .beyond_helpers import activity_rows

PASSWORD = "correct horse battery staple"


def cqrs_auth(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cqrs_auth.cli", "--database-url", database_url, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_migrate_applies_every_sql_file_once_and_then_has_nothing_to_do(database_url, tmp_path):
    first = cqrs_auth("migrate", database_url=database_url, cwd=tmp_path)
    second = cqrs_auth("migrate", database_url=database_url, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    versions = [migration.version for migration in migrations.available("sqlite")]
    assert len(versions) >= 5
    assert first.stdout.strip() == "applied: " + ", ".join(versions)
    assert second.stdout.strip() == "nothing to apply: up to date"


def test_demo_signs_up_logs_in_and_prints_the_events_that_followed(database_url, tmp_path):
    result = cqrs_auth("demo", database_url=database_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("  {")]
    assert [event["type"] for event in printed] == [
        "UserCreatedEvent",
        "WelcomeEmailSentEvent",
        "UserLoggedInEvent",
    ]
    assert PASSWORD not in "".join(json.dumps(event) for event in printed)


def test_events_prints_the_log_oldest_first_one_json_object_a_line(
    make_app, database_url, tmp_path
):
    app = make_app()
    app.command_bus.execute(CreateUserCommand("ada", "ada@example.org", PASSWORD, PASSWORD))
    result = cqrs_auth("events", database_url=database_url, cwd=tmp_path)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["type"] for line in lines] == ["UserCreatedEvent", "WelcomeEmailSentEvent"]
    assert {"id", "type", "occurredAt", "payload"} <= set(lines[0])
    assert lines[0]["payload"] == {
        "userId": lines[0]["aggregateId"],
        "username": "ada",
        "email": "ada@example.org",
    }


@pytest.mark.timeout(120)
def test_events_follow_keeps_printing_events_as_they_are_stored(make_app, database_url, tmp_path):
    app = make_app()
    follower = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cqrs_auth.cli",
            "--database-url",
            database_url,
            "events",
            "--follow",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        time.sleep(1.5)  # let it print the (empty) log and start following
        app.command_bus.execute(CreateUserCommand("ada", "ada@example.org", PASSWORD, PASSWORD))
        assert follower.stdout is not None
        first = json.loads(follower.stdout.readline())
        second = json.loads(follower.stdout.readline())
    finally:
        follower.kill()
        follower.wait()
    assert (first["type"], second["type"]) == ("UserCreatedEvent", "WelcomeEmailSentEvent")


def test_project_catches_the_read_model_up_and_rebuild_ends_with_the_same_rows(
    make_app, database_url, tmp_path
):
    app = make_app()
    app.command_bus.execute(CreateUserCommand("ada", "ada@example.org", PASSWORD, PASSWORD))
    app.dispatcher.dispatch = lambda events: None  # the log moves on; the read model does not
    app.command_bus.execute(PerformLoginCommand("ada@example.org", PASSWORD))
    behind = activity_rows(app)

    caught_up = cqrs_auth("project", database_url=database_url, cwd=tmp_path)
    assert caught_up.returncode == 0, caught_up.stderr
    position = app.events()[-1].position
    assert caught_up.stdout == (
        f"user_activity: caught up: 1 event(s) applied, checkpoint at position {position}, "
        "1 row(s)\n"
    )
    rows = activity_rows(app)
    assert rows != behind and rows[0][3] == 1  # loginCount

    rebuilt = cqrs_auth("project", "--rebuild", database_url=database_url, cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.startswith(f"user_activity: rebuilt from the log: {position} event(s)")
    assert activity_rows(app) == rows
