"""`rules.too_similar`, edge by edge: what counts as containing the username or the email, and
where "closely resembles" starts (difflib's ratio at 0.7, as Django's validator)."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest

from cqrs_auth.domain import rules

NOBODY = "zz@example.org"  # an email too short, and too unlike any password here, to matter


@pytest.mark.parametrize(
    "password, username, email",
    [
        ("my ada.lovelace passphrase", "zeta", "ada.lovelace@example.org"),  # the local part
        ("long passphrase with abcd inside", "abcd", NOBODY),  # a 4-character username
        ("purple-monkey-dishwasher", "purplemonkeydishwasher", NOBODY),  # not in it, yet alike
        # like one part of the username only; the short part before it must not end the search
        ("purplemonkeydishwasher", "xy.abcdefghijklmnopqrstuvwxyz.purplemonkeydishwasher", NOBODY),
        ("abc", "xy.abc", NOBODY),  # a part of 3 characters counts (here, as the whole password)
    ],
    ids=["local part", "four characters", "alike", "one part", "three-character part"],
)
def test_a_password_containing_or_resembling_a_name_is_too_similar(password, username, email):
    assert rules.too_similar(password, username, email)


@pytest.mark.parametrize(
    "password, username",
    [
        ("long passphrase with abc inside", "abc"),  # 3 characters may appear anywhere
        ("ponmlkjihgfedcba", "abcdefghijklmnop"),  # the same letters, in another order
    ],
    ids=["three characters", "same letters"],
)
def test_a_password_that_only_shares_little_or_its_letters_is_not_too_similar(password, username):
    assert not rules.too_similar(password, username, NOBODY)


def test_a_ratio_of_exactly_the_threshold_is_too_similar():
    password, username = "abcdefg" + "X" * 12 + "hijklmn", "abcdefghijklmn"
    matcher = SequenceMatcher(a=password.casefold(), b=username)
    assert matcher.quick_ratio() == matcher.ratio() == rules.MAX_SIMILARITY == 0.7
    assert rules.too_similar(password, username, NOBODY)
    assert not rules.too_similar(password + "Y", username, NOBODY)  # just below
