"""`cqrs-auth workshop provision|teardown` on a real MariaDB, with an admin user.

scripts/mariadb.sh writes the admin's URL to DIR/admin-url and scripts/test exports it as
TEST_MYSQL_ADMIN_URL. Each test uses a prefix of its own and tears it down afterwards.
"""

from __future__ import annotations

import csv
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import REQUIRE_MYSQL
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from cqrs_auth import CreateUserCommand
from cqrs_auth.adapters.db import make_engine
from cqrs_auth.cli import main
from cqrs_auth.course import fresh_app
from cqrs_auth.workshop import learners as learners_module

pytestmark = pytest.mark.mysql
PASSWORD = "correct horse battery staple"
ACCESS_DENIED = {1044, 1142}  # to a database; to a table
TOO_MANY_CONNECTIONS = 1226  # ER_USER_LIMIT_REACHED: max_user_connections


@pytest.fixture(scope="module")
def admin_url() -> str:
    url = os.environ.get("TEST_MYSQL_ADMIN_URL")
    if not url:
        reason = "TEST_MYSQL_ADMIN_URL is not set (scripts/mariadb.sh writes DIR/admin-url)"
        if REQUIRE_MYSQL:
            pytest.fail(f"REQUIRE_MYSQL=1, so this cannot skip: {reason}")
        pytest.skip(reason)
    return url


@pytest.fixture
def admin(admin_url: str) -> Iterator:
    engine = make_engine(admin_url)
    yield engine
    engine.dispose()


@pytest.fixture
def prefix(admin_url: str) -> Iterator[str]:
    name = f"ws{secrets.token_hex(3)}"
    yield name
    main(["workshop", "teardown", "--admin-url", admin_url, "--prefix", name])


def provision(admin_url: str, prefix: str, learners: int, csv_path: Path, *options: str) -> int:
    return main(
        ["workshop", "provision", "--admin-url", admin_url, "--prefix", prefix,
         "--learners", str(learners), "--csv", str(csv_path), *options]
    )  # fmt: skip


def server_objects(admin, prefix: str) -> tuple[list[str], list[str]]:
    """The databases and the users whose names start with the prefix."""
    like = {"like": f"{prefix}%"}
    with admin.connect() as connection:
        databases = connection.execute(
            text(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE :like"
            ),
            like,
        ).scalars()
        users = connection.execute(
            text("SELECT User FROM mysql.user WHERE User LIKE :like"), like
        ).scalars()
        return sorted(databases), sorted(users)


@contextmanager
def someone_elses_database(admin, name: str) -> Iterator[None]:
    """A database the workshop tool did not create, there while the block runs."""
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE `{name}`"))
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE `{name}`"))


def denied(url: str, statement: str) -> int:
    """The MySQL error code a learner's `statement` gets (it must fail)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection, pytest.raises(DBAPIError) as raised:
            connection.execute(text(statement))
        return int(raised.value.orig.args[0])
    finally:
        engine.dispose()


def test_five_learners_get_a_private_csv_whose_urls_each_run_a_chapter_and_no_password_is_shown(
    admin_url, prefix, tmp_path, capsys, monkeypatch
):
    csv_path = tmp_path / "room.csv"
    assert provision(admin_url, prefix, 5, csv_path) == 0
    printed = capsys.readouterr().out
    rows = list(csv.DictReader(csv_path.open()))
    names = [f"{prefix}_0{n}" for n in range(1, 6)]
    assert [row["database"] for row in rows] == names
    lines = printed.splitlines()
    assert lines[0].split() == ["learner", "database", "user"]
    assert [line.split() for line in lines[1:6]] == [
        [str(n), name, f"{name}@%"] for n, name in enumerate(names, start=1)
    ]
    assert f"wrote {csv_path} (5 learners, mode 0600)" in printed
    for row in rows:
        password = make_url(row["DATABASE_URL"]).password
        assert password and password not in printed
    assert stat.S_IMODE(csv_path.stat().st_mode) == 0o600
    assert len({row["DATABASE_URL"] for row in rows}) == 5
    for number, row in enumerate(rows, start=1):
        monkeypatch.setenv("DATABASE_URL", row["DATABASE_URL"])
        app = fresh_app("01-the-database")  # what a chapter runs first: drop, migrate
        try:
            email = f"learner{number}@example.org"
            app.command_bus.execute(
                CreateUserCommand(f"learner{number}", email, PASSWORD, PASSWORD)
            )
            assert app.local_strategy.validate(email, PASSWORD).user.username == f"learner{number}"
        finally:
            app.close()


def test_no_learner_can_read_or_change_another_learners_database_or_the_record(
    admin_url, prefix, tmp_path
):
    csv_path = tmp_path / "room.csv"
    assert provision(admin_url, prefix, 2, csv_path) == 0
    first, second = (row["DATABASE_URL"] for row in csv.DictReader(csv_path.open()))
    engine = make_engine(second)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (line VARCHAR(50))"))
    engine.dispose()
    assert denied(first, f"SELECT * FROM `{prefix}_02`.notes") in ACCESS_DENIED
    assert denied(first, f"DROP TABLE `{prefix}_02`.notes") in ACCESS_DENIED
    assert denied(first, f"USE `{prefix}_02`") in ACCESS_DENIED
    assert denied(first, f"SELECT * FROM `{prefix}_workshop`.provisioned") in ACCESS_DENIED
    assert denied(first, f"DELETE FROM `{prefix}_workshop`.provisioned") in ACCESS_DENIED
    assert denied(first, "CREATE DATABASE someone_else") in ACCESS_DENIED


def test_teardown_leaves_no_database_and_no_user_and_keeps_what_it_did_not_create(
    admin_url, admin, prefix, tmp_path, capsys
):
    with someone_elses_database(admin, f"{prefix}_notes"):
        assert provision(admin_url, prefix, 3, tmp_path / "room.csv") == 0
        assert len(server_objects(admin, prefix)[1]) == 3
        assert main(["workshop", "teardown", "--admin-url", admin_url, "--prefix", prefix]) == 0
        assert server_objects(admin, prefix) == ([f"{prefix}_notes"], [])
    dropped = capsys.readouterr().out.splitlines()[-6:]
    assert dropped[:3] == [f"dropped user {prefix}_0{n}@%" for n in (1, 2, 3)]
    assert dropped[3:] == [f"dropped database {prefix}_0{n}" for n in (1, 2, 3)]


def test_a_later_provision_numbers_on_and_teardown_removes_both_rounds(
    admin_url, admin, prefix, tmp_path
):
    csv_path = tmp_path / "room.csv"
    assert provision(admin_url, prefix, 2, csv_path) == 0
    assert provision(admin_url, prefix, 1, csv_path) == 0
    rows = list(csv.DictReader(csv_path.open()))
    assert [row["learner"] for row in rows] == ["1", "2", "3"]
    assert main(["workshop", "teardown", "--admin-url", admin_url, "--prefix", prefix]) == 0
    assert server_objects(admin, prefix) == ([], [])


def test_a_name_that_already_exists_is_refused_and_nothing_is_created(
    admin_url, admin, prefix, tmp_path, capsys
):
    with someone_elses_database(admin, f"{prefix}_02"):
        assert provision(admin_url, prefix, 3, tmp_path / "room.csv") == 1
        assert server_objects(admin, prefix) == ([f"{prefix}_02"], [])
    assert f"refusing: {prefix}_02 already exist(s)" in capsys.readouterr().err
    assert not (tmp_path / "room.csv").exists()


def test_a_failure_half_way_removes_what_that_run_created(
    admin_url, admin, prefix, tmp_path, monkeypatch
):
    create = learners_module._create_learner

    def fail_after_the_third(engine, registry, made, number, *args):  # type: ignore[no-untyped-def]
        learner = create(engine, registry, made, number, *args)
        if number == 3:
            with engine.connect() as connection:
                connection.execute(text("SELECT * FROM no_such_table_anywhere"))
        return learner

    monkeypatch.setattr(learners_module, "_create_learner", fail_after_the_third)
    assert provision(admin_url, prefix, 5, tmp_path / "room.csv") == 1
    assert server_objects(admin, prefix) == ([], [])


def test_a_prefix_that_is_not_a_plain_name_is_refused(admin_url, tmp_path, capsys):
    assert provision(admin_url, "x`; DROP DATABASE mysql; --", 1, tmp_path / "room.csv") == 1
    assert "--prefix: a lower-case letter" in capsys.readouterr().err


def test_numbers_past_the_last_a_name_may_carry_are_refused_before_anything_is_made(
    admin_url, admin, prefix, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(learners_module, "MAX_NUMBER", 3)
    assert provision(admin_url, prefix, 2, tmp_path / "room.csv") == 0
    assert provision(admin_url, prefix, 2, tmp_path / "room.csv") == 1
    assert "at most 3 per prefix" in capsys.readouterr().err
    assert len(server_objects(admin, prefix)[1]) == 2


def test_print_passwords_prints_each_url_and_the_csv_stays_private_even_if_it_was_not(
    admin_url, prefix, tmp_path, capsys
):
    csv_path = tmp_path / "room.csv"
    csv_path.write_text("")
    csv_path.chmod(0o644)
    assert provision(admin_url, prefix, 2, csv_path, "--print-passwords") == 0
    lines = capsys.readouterr().out.splitlines()
    urls = [row["DATABASE_URL"] for row in csv.DictReader(csv_path.open())]
    assert lines[0].split() == ["learner", "database", "user", "DATABASE_URL"]
    assert [line.split()[-1] for line in lines[1:3]] == urls
    assert stat.S_IMODE(csv_path.stat().st_mode) == 0o600


@pytest.fixture
def two_rooms(admin_url: str) -> Iterator[tuple[str, str]]:
    """Two prefixes that differ only where `_` stands: `ws.._a` and `ws..xa`, whose learners
    `ws.._a_01` and `ws..xa_01` an unescaped grant's `_` would both match."""
    base = f"ws{secrets.token_hex(2)}"
    rooms = (f"{base}_a", f"{base}xa")
    yield rooms
    for room in rooms:
        main(["workshop", "teardown", "--admin-url", admin_url, "--prefix", room])


def learner_of(admin_url: str, room: str, tmp_path: Path, *options: str) -> str:
    csv_path = tmp_path / f"{room}.csv"
    assert provision(admin_url, room, 1, csv_path, *options) == 0
    return next(csv.DictReader(csv_path.open()))["DATABASE_URL"]


def test_a_learner_cannot_touch_a_database_whose_name_their_grant_would_match_as_a_pattern(
    admin_url, admin, two_rooms, tmp_path
):
    ours, theirs = two_rooms
    learner = learner_of(admin_url, ours, tmp_path)
    other = learner_of(admin_url, theirs, tmp_path)
    engine = make_engine(other)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (line VARCHAR(50))"))
    engine.dispose()
    target = f"`{theirs}_01`"
    assert denied(learner, f"CREATE TABLE {target}.mine (line VARCHAR(50))") in ACCESS_DENIED
    assert denied(learner, f"SHOW TABLES FROM {target}") in ACCESS_DENIED
    assert denied(learner, f"SELECT * FROM {target}.notes") in ACCESS_DENIED
    assert denied(learner, f"DROP TABLE {target}.notes") in ACCESS_DENIED
    assert denied(learner, f"DROP DATABASE {target}") in ACCESS_DENIED
    base = ours.removesuffix("_a")
    for name in (f"{base}0a101", f"{base}zaz01"):  # both match `{base}_a_01` as a pattern
        assert denied(learner, f"CREATE DATABASE `{name}`") in ACCESS_DENIED, name
    databases = server_objects(admin, base)[0]  # nothing created beside each room's own
    assert databases == sorted(
        [f"{ours}_01", f"{ours}_workshop", f"{theirs}_01", f"{theirs}_workshop"]
    )
    with make_engine(other).connect() as connection:  # their table is still there
        assert connection.execute(text("SELECT COUNT(*) FROM notes")).scalar_one() == 0


def test_a_learner_holds_at_most_max_connections_at_once(admin_url, prefix, tmp_path):
    learner = learner_of(admin_url, prefix, tmp_path, "--max-connections", "3")
    engine = create_engine(learner, poolclass=NullPool)  # each connect() a new connection
    held = [engine.connect() for _ in range(3)]
    try:
        with pytest.raises(DBAPIError) as refused:
            engine.connect()
        assert refused.value.orig.args[0] == TOO_MANY_CONNECTIONS
        held.pop().close()
        engine.connect().close()  # one given back: one may come
    finally:
        for connection in held:
            connection.close()
        engine.dispose()


def test_the_default_connection_limit_is_fifty(admin_url, admin, prefix, tmp_path):
    assert provision(admin_url, prefix, 1, tmp_path / "room.csv") == 0
    with admin.connect() as connection:
        limit = connection.execute(
            text("SELECT max_user_connections FROM mysql.user WHERE User = :user"),
            {"user": f"{prefix}_01"},
        ).scalar_one()
    assert limit == 50


def test_a_connection_limit_out_of_range_is_refused_before_anything_is_made(
    admin_url, admin, prefix, tmp_path, capsys
):
    for limit in ("0", "1001"):
        assert (
            provision(admin_url, prefix, 1, tmp_path / "room.csv", "--max-connections", limit) == 1
        )
    assert "--max-connections: between 1 and 1000" in capsys.readouterr().err
    assert server_objects(admin, prefix) == ([], [])


def test_a_csv_path_that_is_a_link_is_refused_before_any_learner_is_made(
    admin_url, admin, prefix, tmp_path, capsys
):
    (tmp_path / "elsewhere.csv").write_text("")
    (tmp_path / "room.csv").symlink_to(tmp_path / "elsewhere.csv")
    assert provision(admin_url, prefix, 1, tmp_path / "room.csv") == 1
    assert "--csv:" in capsys.readouterr().err
    assert server_objects(admin, prefix) == ([], [])
