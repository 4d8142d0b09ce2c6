"""Fuzzing the GraphQL operations over HTTP: signup's input, login's arguments, and the
EmailAddress scalar as a variable and as a literal. Every answer is checked by the harness
(no 5xx, every error coded, no canary, no write for a refusal); a login for a registered email
must look exactly like one for an unknown email."""

import graphql
import pytest
from e2e.helpers import LOGIN, SIGNUP
from hypothesis import given
from hypothesis import strategies as st

from .conftest import LOCKED_REGISTERED, LOCKED_UNKNOWN, REGISTERED, UNKNOWN
from .harness import shape
from .strategies import (
    emails,
    json_values,
    literal_documents,
    passwords,
    signup_inputs,
)

pytestmark = pytest.mark.timeout(1800)

TWINS = {"open": (REGISTERED, UNKNOWN), "locked": (LOCKED_REGISTERED, LOCKED_UNKNOWN)}
LONG_PASSWORD = "x" * 129  # refused before any hash, whatever the email
EMAIL_VARIABLE = {
    "required": "mutation($e: EmailAddress!) { login(username: $e, password: $p) { user } }",
    "nullable": "mutation($e: EmailAddress) { login(username: $e, password: $p) { user } }",
}


@given(variables=st.fixed_dictionaries({"input": signup_inputs}) | json_values)
def test_signup_input(fuzz, variables):
    fuzz.example("signup input")
    fuzz.graphql(SIGNUP, variables)


@given(twins=st.sampled_from(sorted(TWINS)), password=passwords)
def test_login_answers_a_registered_and_an_unknown_email_alike(fuzz, twins, password):
    fuzz.example("login, registered vs unknown")
    registered, unknown = (
        fuzz.graphql(LOGIN, {"email": email, "password": password}) for email in TWINS[twins]
    )
    assert shape(registered) == shape(unknown)


@given(
    variables=st.fixed_dictionaries({}, optional={"email": emails, "password": passwords})
    | json_values
)
def test_login_arguments(fuzz, variables):
    fuzz.example("login arguments")
    fuzz.graphql(LOGIN, variables)


@given(document=st.sampled_from(sorted(EMAIL_VARIABLE)), email=emails | st.none())
def test_email_address_as_a_variable(fuzz, document, email):
    fuzz.example("EmailAddress variable")
    query = EMAIL_VARIABLE[document].replace("$p", graphql.print_ast(_string(LONG_PASSWORD)))
    fuzz.graphql(query, {"e": email})


@given(document=literal_documents)
def test_email_address_as_a_literal_in_whole_documents(fuzz, document):
    fuzz.example("EmailAddress literal")
    fuzz.graphql(document)


def _string(text: str) -> graphql.StringValueNode:
    return graphql.StringValueNode(value=text)
