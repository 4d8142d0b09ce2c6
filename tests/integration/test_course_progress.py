"""Each exercise check records the learner's attempt where they work, and never breaks for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select

import cqrs_auth.course as course
from cqrs_auth.adapters.db import make_engine
from cqrs_auth.course import NotYet, check_events_sql, fresh_app, my_progress, read_sql
from cqrs_auth.course.progress import progress_url, recorded
from cqrs_auth.progress import EXERCISES, course_progress

RIGHT = read_sql("002_create_events.sql")


def attempts(url: str) -> list[tuple]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            query = select(
                course_progress.c.chapter,
                course_progress.c.exercise,
                course_progress.c.verdict,
                course_progress.c.reason,
            )
            return [tuple(row) for row in connection.execute(query.order_by(course_progress.c.id))]
    finally:
        engine.dispose()


@pytest.fixture
def course_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A learner's `notebooks/` on the SQLite default, as the working directory."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_wrong_answer_then_the_right_one_are_two_attempts_and_the_exercise_is_done(course_dir):
    with pytest.raises(NotYet):
        check_events_sql("SELECT 1")
    check_events_sql(RIGHT)
    url = f"sqlite:///{course_dir / '.data' / 'progress.db'}"
    assert attempts(url) == [
        ("01", "events-sql", "failed", "events_sql is the SQL of another file; expected the one "
         "that creates the events table, 002_create_events.sql"),
        ("01", "events-sql", "passed", ""),
    ]  # fmt: skip
    shown = my_progress()
    assert shown.loc[("01", "the event log's SQL"), "progress"] == "✓ done"
    assert shown.loc[("01", "the column that says dispatched"), "progress"] == "· not started"


def test_the_chapters_and_the_exercise_notebooks_share_one_progress_file(course_dir, monkeypatch):
    (course_dir / "exercises").mkdir()
    monkeypatch.chdir(course_dir / "exercises")
    with pytest.raises(NotYet):
        check_events_sql(42)
    monkeypatch.chdir(course_dir)  # where the start page runs
    assert my_progress().loc[("01", "the event log's SQL"), "progress"] == "✗ not yet (1 try)"
    assert not (course_dir / "exercises" / ".data").exists()


def test_the_placeholder_and_a_stub_are_not_attempts_yet(course_dir):
    with pytest.raises(NotYet):
        check_events_sql(...)

    @recorded("02", "command-bus")
    def stub_check(answer: object) -> None:
        raise NotImplementedError

    with pytest.raises(NotImplementedError):
        stub_check("a class whose methods are still stubs")
    assert not (course_dir / ".data" / "progress.db").exists() or attempts(progress_url()) == []


def test_another_error_is_a_failed_attempt_named_by_its_type_only(course_dir):
    @recorded("02", "command-bus")
    def crashing_check(answer: object) -> None:
        raise KeyError("the learner's own text")

    with pytest.raises(KeyError):
        crashing_check("an answer")
    assert attempts(progress_url()) == [("02", "command-bus", "failed", "KeyError")]


def test_a_reason_keeps_no_token_and_stays_short(course_dir):
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.Zm9vYmFyMTIzNDU2Nzg5MA"

    @recorded("05", "me-username")
    def check(answer: object) -> None:
        raise NotYet(f"answer is {{'accessToken': '{token}'}}; expected " + "x" * 300 + "\nmore")

    with pytest.raises(NotYet):
        check("an answer")
    [(_, _, _, reason)] = attempts(progress_url())
    assert token not in reason and "[…]" in reason
    assert len(reason) == 160 and "more" not in reason


def test_a_progress_database_that_cannot_be_written_changes_no_verdict_and_shows_nothing(
    course_dir, capsys
):
    (course_dir / ".data").write_text("a file where the folder should be")
    with pytest.raises(NotYet):
        check_events_sql("SELECT 1")
    check_events_sql(RIGHT)
    assert capsys.readouterr() == ("", "")
    assert my_progress()["progress"].eq("· not started").all()


def test_a_database_that_cannot_be_reached_changes_no_verdict(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "mysql+pymysql://nobody:x@127.0.0.1:9/none")
    check_events_sql(RIGHT)
    with pytest.raises(NotYet):
        check_events_sql(42)
    assert capsys.readouterr() == ("", "")


def test_progress_outlives_a_chapters_fresh_start(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    check_events_sql(RIGHT)
    fresh_app("01-the-database").close()  # drops and creates the kit's tables
    assert course_progress.name in inspect(make_engine(database_url)).get_table_names()
    assert attempts(database_url) == [("01", "events-sql", "passed", "")]


def test_every_exercise_has_one_recorded_check_in_the_course():
    wrapped = [
        getattr(getattr(course, name), "__exercise__", None)
        for name in course.__all__
        if name.startswith("check_")
    ]
    assert sorted(w for w in wrapped if w) == sorted(e.key for e in EXERCISES)
    with pytest.raises(ValueError, match="not in cqrs_auth.progress.EXERCISES"):
        recorded("03", "no-such-exercise")
