"""`cqrs-auth workshop progress` on a real MariaDB: three learners provisioned, one who answered
an exercise right, one who tried and failed, one who did nothing; the table, `--json` and the
projector's page (`--serve`, read in headless Chromium) tell them apart."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from cqrs_auth.cli import main
from cqrs_auth.course import NotYet, check_events_sql, read_sql
from cqrs_auth.progress import EXERCISES

from . import test_workshop as provisioning
from .test_workshop import ACCESS_DENIED, denied, provision

pytestmark = pytest.mark.mysql
admin_url, prefix = provisioning.admin_url, provisioning.prefix  # the same fixtures
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def room(admin_url, prefix, tmp_path, monkeypatch) -> Iterator[list[dict[str, str]]]:
    """Learner 1 answered 01/events-sql right (after one wrong try), learner 2 tried it twice
    and failed, learner 3 did nothing; each in their own database, as DATABASE_URL says."""
    csv_path = tmp_path / "room.csv"
    assert provision(admin_url, prefix, 3, csv_path) == 0
    rows = list(csv.DictReader(csv_path.open()))
    monkeypatch.setenv("DATABASE_URL", rows[0]["DATABASE_URL"])
    with pytest.raises(NotYet):
        check_events_sql(42)
    check_events_sql(read_sql("002_create_events.sql"))
    monkeypatch.setenv("DATABASE_URL", rows[1]["DATABASE_URL"])
    for wrong in ("SELECT 1", 42):
        with pytest.raises(NotYet):
            check_events_sql(wrong)
    monkeypatch.delenv("DATABASE_URL")
    yield rows


def progress(admin_url: str, prefix: str, *more: str) -> int:
    return main(["workshop", "progress", "--admin-url", admin_url, "--prefix", prefix, *more])


def test_json_tells_the_three_learners_apart(admin_url, prefix, room, capsys):
    assert progress(admin_url, prefix, "--json") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    first = {(x["learner"], x["exercise"]): x for x in lines}
    names = [f"{prefix}_0{n}" for n in (1, 2, 3)]
    assert len(lines) == 3 * len(EXERCISES) and {x["learner"] for x in lines} == set(names)
    right, wrong, idle = (first[(name, "01/events-sql")] for name in names)
    assert (right["status"], right["attempts"]) == ("passed", 2)
    assert (wrong["status"], wrong["attempts"]) == ("trying", 2)
    assert idle == {"learner": names[2], "exercise": "01/events-sql", "status": "not started",
                    "attempts": 0, "last": None}  # fmt: skip
    assert right["last"].endswith("+00:00") and wrong["last"]
    others = [x for x in lines if x["exercise"] != "01/events-sql"]
    assert {x["status"] for x in others} == {"not started"}


def test_the_table_has_a_row_per_learner_with_words_beside_the_marks(
    admin_url,
    prefix,
    room,
    capsys,
):
    assert progress(admin_url, prefix) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["learner", "1a", "1b"] and out[0].endswith("last attempt")
    first, second, third = (line.split() for line in out[1:4])
    assert first[:4] == [f"{prefix}_01", "✓", "passed", "·"]
    assert second[:5] == [f"{prefix}_02", "✗", "2", "tries", "·"]
    assert third[:3] == [f"{prefix}_03", "·", "none"] and "UTC" not in out[3]


def test_a_learner_cannot_write_another_learners_progress(admin_url, prefix, room):
    first = room[0]["DATABASE_URL"]
    insert = (
        f"INSERT INTO `{prefix}_02`.course_progress (chapter, exercise, verdict, reason, at)"
        " VALUES ('01', 'events-sql', 'passed', '', NOW())"
    )
    assert denied(first, insert) in ACCESS_DENIED


def test_an_unknown_prefix_is_said_in_one_line(admin_url, capsys):
    assert progress(admin_url, "nosuchroom") == 1
    assert capsys.readouterr().err == "error: nothing provisioned for prefix 'nosuchroom'\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium at /usr/bin/chromium")
def test_the_served_page_names_each_learner_shows_no_password_and_stops_on_ctrl_c(
    admin_url,
    prefix,
    room,
):
    port = free_port()
    env = os.environ | {"WORKSHOP_ADMIN_URL": admin_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "cqrs_auth.cli", "workshop", "progress", "--prefix", prefix,
         "--serve", str(port), "--refresh", "5"],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        assert server.stdout.readline().startswith(
            f"serving the room's progress at http://127.0.0.1:{port}/"
        )
        dom = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
             f"http://127.0.0.1:{port}/"],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout  # fmt: skip
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=10) == 0
    rows = dom.split("<tr>")[2:]
    assert [row.split("</th>")[0] for row in rows] == [f"<th>{prefix}_0{n}" for n in (1, 2, 3)]
    assert "'passed'>✓ passed" in rows[0].replace('"', "'")
    assert "'trying'>✗ 2 tries" in rows[1].replace('"', "'")
    assert rows[2].count(">· not started<") == len(EXERCISES)
    assert 'http-equiv="refresh" content="5"' in dom
    for learner in room:
        password = make_url(learner["DATABASE_URL"]).password
        assert password and password not in dom
