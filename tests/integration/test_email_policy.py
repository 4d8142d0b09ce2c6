"""One email policy on every backend: each address below signs up, conflicts or is refused the
same way on SQLite and on MariaDB (this file runs once on each, against the same table)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cqrs_auth.adapters.tables import events, login_failures, users
from cqrs_auth.domain.errors import ConflictError, InvalidCredentials, ValidationError

from .helpers import PASSWORD, count, log_in, sign_up

LONG_DOMAIN = ".".join(["d" * 63, "e" * 63, "f" * 57]) + ".org"  # 189 characters

# (address, what a signup of it answers, after all the rows above it signed up)
CONTRACT = [
    ("Ada@Example.ORG", "created"),
    ("ada@example.org", "conflict"),  # the same mailbox in other letter case
    ("Straße@example.de", "created"),
    ("strasse@example.de", "created"),  # ß and ss are two mailboxes
    ("STRASSE@example.de", "conflict"),
    ("ẞ@example.de", "created"),
    ("ß@example.de", "conflict"),  # ẞ is the capital of ß
    ("ΟΔΟΣ@example.gr", "created"),
    ("οδος@example.gr", "conflict"),  # Σ at the end of a word lower-cases to ς
    ("οδοσ@example.gr", "created"),  # σ and ς are not merged
    ("jörg@bücher.example", "created"),
    ("JÖRG@xn--bcher-kva.example", "conflict"),  # the domain's IDNA form is the same domain
    ("e\u0301lodie@example.fr", "created"),
    ("\u00e9lodie@example.fr", "conflict"),  # the same letter, composed (NFC)
    ("\u0130" * 121 + "@example.org", "created"),  # İ lower-cases to two code points: 254
    ("\u0130" * 122 + "@example.org", "refused"),
    ("a" * 64 + "@" + LONG_DOMAIN, "created"),  # 254 characters
    ("a" * 65 + "@" + LONG_DOMAIN, "refused"),  # 255 characters
    ("b" * 200 + "@" + "ü" * 40 + ".example", "refused"),  # too long in its IDNA form
    ("ü" * 100 + "@example.org", "created"),  # 100 characters, 200 bytes before the @
]


def outcome(app, number: int, address: str) -> str:
    try:
        sign_up(app, f"user{number}", address)
    except ConflictError as error:
        assert error.field == "email"
        return "conflict"
    except ValidationError as error:
        assert (error.field, error.extensions["code"]) == ("email", "BAD_USER_INPUT")
        return "refused"
    return "created"


def test_every_address_signs_up_conflicts_or_is_refused_as_the_contract_says(app):
    answers = []
    for number, (address, _) in enumerate(CONTRACT):
        hashes = app.hasher.calls
        answers.append((address, outcome(app, number, address)))
        if answers[-1][1] == "refused":
            assert app.hasher.calls == hashes, f"{address!r} was hashed before it was refused"
    assert answers == CONTRACT
    assert count(app, users) == sum(answer == "created" for _, answer in CONTRACT)


def test_every_created_address_logs_in_by_any_spelling_of_the_same_mailbox(app):
    created = {
        address: sign_up(app, f"user{number}", address).email
        for number, (address, answer) in enumerate(CONTRACT)
        if answer == "created"
    }
    for address, spelling in [
        ("Ada@Example.ORG", "aDA@EXAMPLE.org"),
        ("ΟΔΟΣ@example.gr", "οδος@example.gr"),
        ("jörg@bücher.example", "JÖRG@xn--bcher-kva.example"),
        ("a" * 64 + "@" + LONG_DOMAIN, "A" * 64 + "@" + LONG_DOMAIN.upper()),
    ]:
        assert log_in(app, spelling).user.email == created[address]


def test_the_longest_keys_are_stored_whole_in_the_users_and_lockout_tables(app):
    address = "\u0130" * 121 + "@example.org"
    key = "i\u0307" * 121 + "@example.org"
    sign_up(app, "dotted", address)
    with pytest.raises(InvalidCredentials):
        log_in(app, address, PASSWORD + "!")
    with app.engine.connect() as connection:
        assert connection.scalar(select(users.c.emailNormalised)) == key
        assert connection.scalar(select(login_failures.c.emailNormalised)) == key
        assert key in set(connection.scalars(select(events.c.aggregateId)))
