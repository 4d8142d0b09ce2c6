"""The input rules that are not about passwords: text that is not text, and the email policy."""

from __future__ import annotations

import dataclasses

import pytest
from graphql import StringValueNode

from cqrs_auth.domain import rules
from cqrs_auth.domain.commands import CreateUserCommand, PerformLoginCommand
from cqrs_auth.domain.errors import ValidationError
from cqrs_auth.graphql.scalars import parse_email_literal, parse_email_value

from .conftest import PASSWORD

LONE_SURROGATE = "\ud800"


def refused(call, *args) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize("value", ["\ud800", "abc\udfff", "\udbff\ud800x", "\udc80"])
def test_a_string_holding_a_lone_surrogate_is_not_text_and_the_error_names_the_field(value):
    error = refused(rules.require_text, value, "password")
    assert error.field == "password" and error.extensions["code"] == "BAD_USER_INPUT"
    assert "not valid text" in error.message and value not in error.message


@pytest.mark.parametrize("value", ["", "plain", "ß∑😀", "\x00", "\U0010ffff"])
def test_any_string_that_utf8_can_encode_is_text_and_comes_back_unchanged(value):
    assert rules.require_text(value, "username") is value


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["a"]])
def test_a_value_that_is_not_a_string_is_refused_naming_the_field(value):
    assert refused(rules.require_text, value, "email").field == "email"


@pytest.mark.parametrize(
    "field", ["username", "email", "password", "passwordConfirm"], ids=lambda field: field
)
def test_a_signup_field_that_is_not_text_is_refused_before_any_hash_and_stores_nothing(kit, field):
    command = CreateUserCommand("ada", "ada@example.org", PASSWORD, PASSWORD)
    not_text = dataclasses.replace(command, **{field: getattr(command, field) + LONE_SURROGATE})
    error = refused(kit.command_bus.execute, not_text)
    assert error.field == field
    assert kit.hasher.calls == 0 and kit.db.users == {} and kit.db.events == []


@pytest.mark.parametrize("registered", [True, False], ids=["registered", "unknown"])
def test_a_login_password_that_is_not_text_gets_one_answer_runs_no_hash_and_counts_nothing(
    kit, registered
):
    if registered:
        kit.sign_up()
    calls, events = kit.hasher.calls, list(kit.db.events)
    error = refused(kit.command_bus.execute, PerformLoginCommand("ada@example.org", "pw\ud800"))
    assert (error.field, error.message) == (
        "password",
        "The password is not valid text: it holds a lone UTF-16 surrogate.",
    )
    assert kit.hasher.calls == calls and kit.db.events == events and kit.db.failures == {}


def test_a_login_email_that_is_not_text_is_refused_naming_the_email(kit):
    error = refused(kit.command_bus.execute, PerformLoginCommand("ada\ud800@example.org", PASSWORD))
    assert error.field == "email" and kit.hasher.calls == 0


def test_the_email_address_scalar_refuses_a_lone_surrogate_as_variable_and_as_literal():
    assert refused(parse_email_value, "ada\ud800@example.org").field == "email"
    node = StringValueNode(value="ada\ud800@example.org")
    assert refused(parse_email_literal, node).field == "email"


@pytest.mark.parametrize(
    "raw, address, normalised",
    [
        ("Ada@EXAMPLE.org", "Ada@example.org", "ada@example.org"),
        ("  ada@example.org ", "ada@example.org", "ada@example.org"),
        ("Straße@example.de", "Straße@example.de", "straße@example.de"),
        ("STRASSE@example.de", "STRASSE@example.de", "strasse@example.de"),
        ("ẞ@example.de", "ẞ@example.de", "ß@example.de"),  # capital sharp s lower-cases to ß
        ("ΟΔΟΣ@example.gr", "ΟΔΟΣ@example.gr", "οδος@example.gr"),  # final sigma in context
        ("οδοσ@example.gr", "οδοσ@example.gr", "οδοσ@example.gr"),  # not folded into ς
        ("ada@Bücher.example", "ada@bücher.example", "ada@xn--bcher-kva.example"),
        ("ada@xn--bcher-kva.example", "ada@bücher.example", "ada@xn--bcher-kva.example"),
        ("e\u0301@example.org", "\u00e9@example.org", "\u00e9@example.org"),  # NFC
        ("H\u0331@example.org", "H\u0331@example.org", "\u1e96@example.org"),  # NFC after lower
        ("\ufb01@example.org", "\ufb01@example.org", "\ufb01@example.org"),  # no NFKC: ﬁ stays
    ],
)
def test_the_email_key_lower_cases_the_local_part_and_uses_the_idna_ascii_domain(
    raw, address, normalised
):
    assert rules.parse_email(raw) == rules.Email(address, normalised)


@pytest.mark.parametrize(
    "one, other",
    [("straße@example.de", "strasse@example.de"), ("οδος@example.gr", "οδοσ@example.gr")],
)
def test_lower_casing_never_merges_two_different_mailboxes(one, other):
    assert rules.parse_email(one).normalised != rules.parse_email(other).normalised


def test_an_address_of_254_characters_is_accepted_and_one_of_255_refused():
    domain = ".".join(["d" * 63, "e" * 63, "f" * 57]) + ".org"  # 189 characters
    at_bound = "a" * 64 + "@" + domain
    assert len(at_bound) == 254 and rules.parse_email(at_bound).address == at_bound
    error = refused(rules.parse_email, "a" + at_bound)
    assert error.field == "email" and error.extensions["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "address, normalised", [("a" * 255, "a"), ("a", "a" * 255)], ids=["address", "key"]
)
def test_either_form_longer_than_the_email_columns_is_refused(address, normalised):
    error = refused(rules.bounded, rules.Email(address, normalised))
    assert error.field == "email" and "254" in error.message


def test_both_forms_at_the_email_columns_length_pass():
    email = rules.Email("a" * 254, "b" * 254)
    assert rules.bounded(email) is email


def test_an_address_the_graphql_scalar_parsed_is_handed_on_and_never_parsed_again():
    parsed = rules.ParsedEmail.of(rules.parse_email("Ada@Example.ORG"))
    assert parsed == "Ada@example.org"
    assert rules.parse_email(parsed) == rules.Email("Ada@example.org", "ada@example.org")
    trusted = rules.ParsedEmail.of(rules.Email("not parsed", "kept as it is"))
    assert rules.parse_email(trusted) == rules.Email("not parsed", "kept as it is")
    with pytest.raises(ValidationError):
        rules.parse_email(str(trusted))  # any other string is parsed in full
