"""The users repository on every backend: add, read back, and the unique indexes deciding."""

from __future__ import annotations

import threading
import uuid

import pytest
from passlib.hash import argon2, bcrypt
from sqlalchemy import select, update

from cqrs_auth import GetUserQuery
from cqrs_auth.adapters.tables import users
from cqrs_auth.domain.errors import ConflictError

from .helpers import PASSWORD, count, event_types, log_in, sign_up, stored_hashes


def test_a_user_is_stored_with_its_uuid_as_16_raw_bytes_and_read_back(app):
    user = sign_up(app)
    with app.engine.connect() as connection:
        row = connection.execute(select(users)).one()
    assert bytes(row.userId) == uuid.UUID(user.user_id).bytes and len(bytes(row.userId)) == 16
    assert (row.usernameNormalised, row.emailNormalised) == ("ada", "ada@example.org")
    assert row.password.startswith("$argon2id$") and PASSWORD not in row.password
    assert app.query_bus.execute(GetUserQuery(user.user_id)) == user


def test_an_unknown_or_malformed_user_id_reads_as_none(app):
    assert app.query_bus.execute(GetUserQuery(str(uuid.uuid4()))) is None
    assert app.query_bus.execute(GetUserQuery("not-a-uuid")) is None


@pytest.mark.parametrize(
    "first, second, field",
    [
        (("Ada", "one@example.org"), ("aDA", "two@example.org"), "username"),
        (("one", "Ada@Example.org"), ("two", "ada@EXAMPLE.ORG"), "email"),
    ],
)
def test_a_taken_username_or_email_in_other_letter_case_is_a_conflict_naming_it(
    app, first, second, field
):
    sign_up(app, *first)
    with pytest.raises(ConflictError) as caught:
        sign_up(app, *second)
    assert caught.value.field == field
    assert count(app, users) == 1
    assert event_types(app).count("UserCreatedEvent") == 1


def test_a_signup_taking_both_a_username_and_an_email_names_the_username_on_every_backend(app):
    sign_up(app, "ada", "ada@example.org")
    with pytest.raises(ConflictError) as caught:
        sign_up(app, "ADA", "Ada@Example.org")
    assert caught.value.field == "username"


def race(app, signups: list[tuple[str, str]]) -> list[object]:
    """Run the signups in threads that hash first, then all insert at the same moment."""
    barrier = threading.Barrier(len(signups), timeout=60)
    real_hash = app.hasher.hash

    def hash_then_wait(password: str) -> str:
        hashed = real_hash(password)
        barrier.wait()
        return hashed

    app.hasher.hash = hash_then_wait
    outcomes: list[object] = [None] * len(signups)

    def run(index: int, username: str, email: str) -> None:
        try:
            outcomes[index] = sign_up(app, username, email)
        except Exception as error:  # noqa: BLE001 - the test inspects whatever came out
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i, *s)) for i, s in enumerate(signups)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("field", ["email", "username"])
def test_two_racing_signups_for_one_email_or_username_give_one_success_and_one_conflict(
    make_app, field
):
    app = make_app(HASH_CONCURRENCY=2)
    for round_ in range(3):
        if field == "email":
            signups = [
                (f"first{round_}", f"same{round_}@example.org"),
                (f"second{round_}", f"SAME{round_}@example.org"),
            ]
        else:
            signups = [
                (f"Same{round_}", f"first{round_}@example.org"),
                (f"same{round_}", f"second{round_}@example.org"),
            ]
        outcomes = race(app, signups)
        conflicts = [o for o in outcomes if isinstance(o, ConflictError)]
        successes = [o for o in outcomes if not isinstance(o, Exception)]
        assert len(successes) == 1 and len(conflicts) == 1, outcomes
        assert conflicts[0].field == field
    assert count(app, users) == 3
    assert event_types(app).count("UserCreatedEvent") == 3


@pytest.mark.parametrize(
    "legacy_hash",
    [
        pytest.param(lambda: bcrypt.using(rounds=10).hash(PASSWORD), id="bcrypt"),
        pytest.param(
            lambda: argon2.using(type="ID", memory_cost=8192, rounds=2, parallelism=1).hash(
                PASSWORD
            ),
            id="weaker argon2id",
        ),
    ],
)
def test_an_outdated_stored_hash_is_replaced_by_the_current_argon2id_at_the_next_login(
    app, legacy_hash
):
    sign_up(app)
    old = legacy_hash()
    with app.engine.begin() as connection:
        connection.execute(update(users).values(password=old))
    log_in(app)
    [new] = stored_hashes(app)
    assert new != old and new.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    log_in(app)
    assert stored_hashes(app) == [new]
