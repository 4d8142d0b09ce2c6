"""`cqrs-auth doctor` on real databases: reachable, migrated, and what to do when not."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from cqrs_auth.adapters import migrations
from cqrs_auth.adapters.clock import to_db, utcnow
from cqrs_auth.adapters.db import make_engine
from cqrs_auth.adapters.tables import migrations as migrations_table
from cqrs_auth.cli import main
from cqrs_auth.doctor import ports
from cqrs_auth.doctor.database import check_database
from cqrs_auth.doctor.ports import jupyter_version


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def bare_database(database_url: str):
    """The database with the migrations table only: every migration pending."""
    engine = make_engine(database_url)
    migrations_table.create(engine, checkfirst=True)
    yield engine
    engine.dispose()


def test_a_migrated_database_is_reachable_and_migrated(make_app, database_url):
    make_app()
    check = check_database(database_url)
    assert check.ok, check
    assert check.what.endswith(": reachable and migrated")


def test_pending_migrations_are_ready_because_the_start_applies_them(bare_database, database_url):
    check = check_database(database_url)
    assert check.ok, check
    every = len(migrations.available(bare_database.dialect.name))
    assert check.what.endswith(f": reachable; {every} migration(s) applied at start")


def test_pending_migrations_fail_when_nothing_applies_them_at_start(bare_database, database_url):
    check = check_database(database_url, migrations_run=False)
    assert not check.ok
    every = len(migrations.available(bare_database.dialect.name))
    assert check.what.endswith(f": {every} migration(s) pending")
    assert "cqrs-auth migrate" in check.advice


def test_a_database_migrated_by_a_newer_kit_fails(make_app, database_url):
    app = make_app()
    with app.engine.begin() as connection:
        connection.execute(
            insert(migrations_table).values(version="999", name="future", appliedAt=to_db(utcnow()))
        )
    check = check_database(database_url)
    assert not check.ok
    assert "has migrations this kit lacks (999)" in check.what
    assert "update the kit" in check.advice


def test_a_new_sqlite_file_is_ready_and_the_doctor_does_not_create_it(tmp_path: Path):
    path = tmp_path / "new.db"
    check = check_database(f"sqlite:///{path}")
    assert check.ok
    assert "no file yet" in check.what
    assert not path.exists()


def test_a_sqlite_file_in_a_missing_folder_fails(tmp_path: Path):
    check = check_database(f"sqlite:///{tmp_path / 'nowhere' / 'kit.db'}")
    assert not check.ok
    assert check.advice == "create the folder"


def test_an_unreachable_mysql_url_fails_with_how_to_start_it_and_hides_the_password():
    check = check_database(f"mysql+pymysql://kit:s3cret-pw@127.0.0.1:{closed_port()}/cqrs_auth")
    assert not check.ok
    assert "cannot connect (Can't connect to MySQL server" in check.what
    assert "docker compose up -d mysql" in check.advice
    assert "s3cret-pw" not in check.what + check.advice
    assert "kit:***@" in check.what


def test_a_wrong_mysql_password_fails_with_advice_about_the_password(mysql_url):
    check = check_database(make_url(mysql_url).set(password="wrong").render_as_string(False))
    assert not check.ok
    assert "Access denied" in check.what
    assert check.advice == "the user or password in the URL is wrong"


def test_a_mysql_url_without_pymysql_says_to_use_mysql_pymysql():
    check = check_database(f"mysql://kit:pw@127.0.0.1:{closed_port()}/cqrs_auth")
    assert not check.ok
    assert "no driver (MySQLdb)" in check.what
    assert "mysql+pymysql://" in check.advice


def test_the_command_exits_1_and_prints_each_failure_with_its_advice(capsys, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        url = f"mysql+pymysql://kit:pw@127.0.0.1:{closed_port()}/cqrs_auth"
        status = main(["--database-url", url, "doctor", "--ports", str(port)])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert out[-1] == "not ready: 2 check(s) failed"
    failed = [number for number, line in enumerate(out) if line.startswith("  FAIL")]
    assert out[failed[0]].startswith("  FAIL  database mysql+pymysql://kit:***@127.0.0.1:")
    assert out[failed[1]] == f"  FAIL  port {port} is in use"
    assert all(out[number + 1].startswith("        -> ") for number in failed)


def test_the_command_exits_0_when_all_is_ready(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'kit.db'}"
    status = main(["--database-url", url, "doctor", "--ports", str(closed_port())])
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert out[-1] == "ready"
    assert all(line.startswith(("cqrs-auth doctor", "  ok", "ready")) for line in out)


@pytest.fixture
def real_jupyter_port(tmp_path: Path):
    """A real Jupyter Server (what JupyterLab runs on) on a free port, stopped by its process."""
    pytest.importorskip("jupyter_server")
    port, token = closed_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    command = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={tmp_path}",
               *(["--allow-root"] if os.geteuid() == 0 else [])]  # fmt: skip
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while jupyter_version(port) is None:
            assert server.poll() is None and time.monotonic() < deadline, "Jupyter did not start"
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_the_command_is_ready_while_the_courses_jupyterlab_holds_its_port(
    capsys, monkeypatch, tmp_path, real_jupyter_port
):
    monkeypatch.setattr(ports, "JUPYTER_PORT", real_jupyter_port)
    url = f"sqlite:///{tmp_path / 'kit.db'}"
    status = main(["--database-url", url, "doctor", "--ports", str(real_jupyter_port)])
    out = capsys.readouterr().out.splitlines()
    assert status == 0, out
    [line] = [line for line in out if f"port {real_jupyter_port}" in line]
    assert line.startswith(f"  ok    port {real_jupyter_port}: JupyterLab runs there (Jupyter")


def test_the_command_fails_while_something_else_holds_jupyterlabs_port(
    capsys, monkeypatch, tmp_path
):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        monkeypatch.setattr(ports, "JUPYTER_PORT", port)
        status = main(
            ["--database-url", f"sqlite:///{tmp_path / 'kit.db'}", "doctor", "--ports", str(port)]
        )
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert f"  FAIL  port {port} is in use" in out
