"""The EmailAddress scalar hands its parsed address on (`ParsedEmail`), so a request parses its
email once; any other string is parsed in full, with every rule."""

from __future__ import annotations

import pytest

from cqrs_auth.domain import rules
from cqrs_auth.domain.errors import ValidationError
from cqrs_auth.graphql.scalars import parse_email_value


@pytest.fixture
def validations(monkeypatch):
    calls: list[str] = []
    real = rules.validate_email

    def counted(text, **options):
        calls.append(text)
        return real(text, **options)

    monkeypatch.setattr(rules, "validate_email", counted)
    return calls


def test_the_scalar_parses_once_and_the_handler_takes_its_parsed_form(validations):
    address = parse_email_value("Ada@Example.ORG")
    assert address == "Ada@example.org" and len(validations) == 1
    assert rules.parse_email(address) == rules.Email("Ada@example.org", "ada@example.org")
    assert len(validations) == 1


def test_a_plain_string_or_another_str_subclass_is_parsed_in_full(validations):
    class Lookalike(str):
        email = rules.Email("not an address", "not an address")

    with pytest.raises(ValidationError):
        rules.parse_email(Lookalike("not an address"))
    assert rules.parse_email("ada@example.org").normalised == "ada@example.org"
    assert len(validations) == 2
