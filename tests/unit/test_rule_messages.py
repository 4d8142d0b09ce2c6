"""Every refusal of an input rule names its field and says which rule failed, in these words
(ASVS 6.2: tell the user why a password was refused). The words are pinned here, so a message
changes only on purpose; each is also what a client shows, so none may quote the value."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from cqrs_auth.domain import rules
from cqrs_auth.domain.commands import CreateUserCommand, PerformLoginCommand
from cqrs_auth.domain.errors import ValidationError

from .conftest import PASSWORD

LONE_SURROGATE = "\ud800"
NOT_TEXT = "is not valid text: it holds a lone UTF-16 surrogate."


def check(password: str, username: str = "ada", email: str = "ada@example.org") -> None:
    rules.check_password(password, min_length=15, username=username, email=email)


RULES: list[tuple[str, Callable[[], object], str, str]] = [
    (
        "not a string",
        lambda: rules.require_text(42, "email"),
        "email",
        "The email must be a string.",
    ),
    (
        "not text",
        lambda: rules.require_text("a\udfff", "password"),
        "password",
        f"The password {NOT_TEXT}",
    ),
    (
        "username pattern",
        lambda: rules.normalise_username("ada lovelace"),
        "username",
        "A username has 3 to 100 characters: letters, digits, '.', '_' or '-'.",
    ),
    (
        "too short",
        lambda: check("fourteen chars"),
        "password",
        "A password needs at least 15 characters.",
    ),
    (
        "too long",
        lambda: check("zq9!xkW2" * 16 + "a"),
        "password",
        "A password has at most 128 characters.",
    ),
    (
        "common",
        lambda: check("1qaz2wsx3edc4rfv"),
        "password",
        "This password is on a list of common passwords.",
    ),
    (
        "similar",
        lambda: check("lovelace.ada-2024!", username="lovelace.ada"),
        "password",
        "The password is too similar to the username or email.",
    ),
    (
        "confirmation",
        lambda: rules.check_confirmation(PASSWORD, PASSWORD + "!"),
        "passwordConfirm",
        "The two passwords do not match.",
    ),
    (
        "email length",
        lambda: rules.bounded(rules.Email("a" * 255, "a"), "recipient"),
        "recipient",
        "An email address has at most 254 characters.",
    ),
]


@pytest.mark.parametrize(
    "call, field, message", [case[1:] for case in RULES], ids=[c[0] for c in RULES]
)
def test_each_rule_refuses_naming_its_field_in_its_own_words(call, field, message):
    with pytest.raises(ValidationError) as caught:
        call()
    assert (caught.value.field, caught.value.message) == (field, message)
    assert caught.value.extensions == {"code": "BAD_USER_INPUT", "field": field}


def test_an_address_email_validator_refuses_is_explained_in_its_words_after_ours():
    with pytest.raises(ValidationError) as caught:
        rules.parse_email("ada@")
    prefix = "Invalid email address: "
    assert caught.value.field == "email" and caught.value.message.startswith(prefix)
    assert len(caught.value.message) > len(prefix)


@pytest.mark.parametrize("field", ["username", "email", "password", "passwordConfirm"])
def test_a_signup_field_that_is_not_text_is_refused_as_not_text_whatever_rule_comes_next(
    kit, field
):
    """Each field is checked for text first: not by the pattern, the email parser or the
    confirmation, which would refuse it in other words (or not at all)."""
    command = CreateUserCommand("ada", "ada@example.org", PASSWORD, PASSWORD)
    not_text = dataclasses.replace(command, **{field: getattr(command, field) + LONE_SURROGATE})
    with pytest.raises(ValidationError) as caught:
        kit.command_bus.execute(not_text)
    assert (caught.value.field, caught.value.message) == (field, f"The {field} {NOT_TEXT}")


def test_a_login_whose_email_and_password_are_both_not_text_names_the_email_first(kit):
    command = PerformLoginCommand("ada\ud800@example.org", "pw\ud800")
    with pytest.raises(ValidationError) as caught:
        kit.command_bus.execute(command)
    assert (caught.value.field, caught.value.message) == ("email", f"The email {NOT_TEXT}")


def test_a_signup_whose_email_and_password_are_both_not_text_names_the_email_first(kit):
    command = CreateUserCommand("ada", "ada\ud800@example.org", "pw\ud800", "pw\ud800")
    with pytest.raises(ValidationError) as caught:
        kit.command_bus.execute(command)
    assert (caught.value.field, caught.value.message) == ("email", f"The email {NOT_TEXT}")
