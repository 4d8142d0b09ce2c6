"""Start-up safety on every backend: bad production settings stop every command with a clear
message, and processes that migrate an empty database at the same moment all succeed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from cqrs_auth.adapters import migrations
from cqrs_auth.adapters.db import make_engine
from cqrs_auth.adapters.tables import migrations as migrations_table

PRODUCTION = {"ENVIRONMENT": "production", "JWT_SECRET": "a-production-secret-of-32-bytes-or-more"}


@pytest.mark.parametrize("command", [["migrate"], ["events"], ["demo"], ["serve", "--port", "0"]])
@pytest.mark.parametrize(
    "settings, reason",
    [
        (PRODUCTION | {"DEBUG": "true"}, "DEBUG=true is refused in production"),
        (PRODUCTION | {"JWT_SECRET": ""}, "JWT_SECRET must be set in production"),
        (
            PRODUCTION | {"JWT_SECRET": "development-only-secret-do-not-use-in-production"},
            "the development JWT_SECRET is refused in production",
        ),
    ],
    ids=["debug", "empty secret", "development secret"],
)
def test_every_command_refuses_unsafe_production_settings_with_one_line_and_exit_2(
    command, settings, reason, tmp_path
):
    result = subprocess.run(
        [sys.executable, "-m", "cqrs_auth.cli", "--database-url", f"sqlite:///{tmp_path}/x.db"]
        + command,
        env=os.environ | settings,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: invalid settings: {reason}")
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "x.db").exists()  # it stopped before touching the database


def test_processes_migrating_an_empty_database_at_once_all_succeed(database_url, monkeypatch):
    real_statements = migrations.Migration.statements

    def slow_statements(migration: migrations.Migration) -> list[str]:
        time.sleep(0.2)  # hold each migration open: the other processes arrive meanwhile
        return real_statements(migration)

    monkeypatch.setattr(migrations.Migration, "statements", slow_statements)
    engines = [make_engine(database_url) for _ in range(3)]
    barrier, results, errors = threading.Barrier(3), [], []

    def migrate(engine) -> None:
        barrier.wait(timeout=30)
        try:
            results.append(migrations.migrate(engine))
        except Exception as error:  # noqa: BLE001 - the test reports every failure
            errors.append(error)

    threads = [threading.Thread(target=migrate, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        every = [m.version for m in migrations.available(engines[0].dialect.name)]
        assert errors == []
        assert sorted(results) == [[], [], every]
        with engines[0].connect() as connection:
            count = select(func.count()).select_from(migrations_table)
            assert connection.scalar(count) == len(every)
    finally:
        for engine in engines:
            engine.dispose()
