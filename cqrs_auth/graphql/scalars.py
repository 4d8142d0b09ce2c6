"""The `EmailAddress` scalar: email-validator decides what an address is (cqrs_auth.domain.rules).

A bad address raises the domain's ValidationError, a plain exception: graphql-core then reports
it as a request error (no `data`) at the literal's location, or names the variable, and copies the
exception's `extensions` (`code: BAD_USER_INPUT`) into the error.

The functions are given to ariadne's `ScalarType`, which binds them the way both graphql-core 3.2
and 3.3 honour; assigning them onto a schema that 3.3 has already built would be ignored.
"""

from __future__ import annotations

from typing import Any

from ariadne import ScalarType
from graphql import StringValueNode, ValueNode

from ..domain.errors import ValidationError
from ..domain.rules import ParsedEmail, parse_email

FIELD = "email"


def parse_email_value(value: Any) -> str:
    """A variable's value: a string that is a valid address, returned as email-validator
    normalises it (the domain lower-cased), carrying its parsed form for the command handler
    (which would otherwise parse it again)."""
    if not isinstance(value, str):
        raise ValidationError(FIELD, "An email address must be a string.")
    return ParsedEmail.of(parse_email(value, FIELD))


def parse_email_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> str:
    if not isinstance(node, StringValueNode):
        raise ValidationError(FIELD, "An email address must be a string.")
    return parse_email_value(node.value)


def serialize_email(value: Any) -> str:
    return str(value)


email_address = ScalarType(
    "EmailAddress",
    serializer=serialize_email,
    value_parser=parse_email_value,
    literal_parser=parse_email_literal,
)
