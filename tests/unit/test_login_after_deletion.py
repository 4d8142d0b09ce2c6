"""A login whose account or lockout row vanished while its hash ran (the account was deleted, or
its password reset, meanwhile) is refused and stores nothing (issue 21)."""

from __future__ import annotations

import pytest

from cqrs_auth.domain.commands import PerformLoginCommand
from cqrs_auth.domain.errors import InvalidCredentials

from .conftest import PASSWORD

EMAIL = "ada@example.org"


def test_a_login_whose_lockout_row_went_while_it_hashed_is_refused_and_stores_no_login(kit):
    kit.sign_up()
    kit.hasher.before_verify = lambda: kit.db.failures.pop(EMAIL)
    before = list(kit.event_types())
    with pytest.raises(InvalidCredentials):
        kit.command_bus.execute(PerformLoginCommand(EMAIL, PASSWORD))
    assert kit.event_types() == before
    assert EMAIL not in kit.db.failures


def test_a_login_whose_row_stayed_starts_its_count_again_and_stores_its_login(kit):
    kit.sign_up()
    with pytest.raises(InvalidCredentials):
        kit.command_bus.execute(PerformLoginCommand(EMAIL, "not the right password"))
    result = kit.command_bus.execute(PerformLoginCommand(EMAIL, PASSWORD))
    assert result.access_token and kit.event_types()[-1] == "UserLoggedInEvent"
    assert kit.db.failures[EMAIL].attempts == 0


def test_a_login_whose_account_went_while_it_hashed_is_refused_though_its_row_is_back(kit):
    """Another login's reservation may have made the email's row again after the deletion."""
    user = kit.sign_up()
    kit.hasher.before_verify = lambda: kit.db.users.pop(user.user_id)
    before = list(kit.event_types())
    with pytest.raises(InvalidCredentials):
        kit.command_bus.execute(PerformLoginCommand(EMAIL, PASSWORD))
    assert kit.event_types() == before and EMAIL in kit.db.failures
