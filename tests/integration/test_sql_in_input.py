"""Input that looks like SQL is only ever data, on every backend: every statement binds its values
(SQLAlchemy Core), so quotes in an email (which RFC 5322 allows) change no query."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cqrs_auth.adapters.tables import login_failures, users
from cqrs_auth.domain.errors import InvalidCredentials

from .helpers import PASSWORD, count, log_in, sign_up

QUOTED = "'or'1'='1@example.org"  # a valid address: ' and = are allowed before the @


def test_an_email_made_of_sql_quotes_is_stored_and_matched_as_plain_text(app):
    ada = sign_up(app)
    quoted = sign_up(app, "quoted", QUOTED)
    assert quoted.email == QUOTED and count(app, users) == 2
    assert log_in(app, QUOTED).user == quoted
    assert log_in(app).user == ada


def test_a_login_with_sql_in_its_email_finds_nobody_and_counts_for_that_text_only(app):
    sign_up(app)
    with pytest.raises(InvalidCredentials):
        log_in(app, QUOTED, PASSWORD)
    with app.engine.connect() as connection:
        assert list(connection.scalars(select(login_failures.c.emailNormalised))) == [QUOTED]
