"""The inputs the fuzz targets draw from: strings of any code point (lone surrogates included),
arbitrary JSON, emails valid and not, and passwords that carry the CANARY so that an answer
quoting one is caught."""

from __future__ import annotations

import json

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from cqrs_auth.graphql.schema import load_sdl

from .harness import CANARY

any_char = st.characters(codec=None, exclude_categories=())  # includes "\ud800" and "\x00"
any_text = st.text(any_char, max_size=40)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)

usernames = st.from_regex(r"\A[A-Za-z0-9._-]{3,24}\Z") | any_text | json_values
unicode_emails = st.builds(
    "{}@{}.{}".format,
    st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=20),
    st.text(st.characters(categories=["L"]), min_size=1, max_size=20),
    st.sampled_from(["org", "example", "xn--p1ai", "рф"]),
)
some_emails = (
    st.emails()
    | unicode_emails
    | st.text(min_size=240, max_size=260).map(
        lambda padding: padding.replace("@", "") + "@example.org"
    )
)
emails = some_emails | any_text | json_values
# A password a hash would accept: long enough, and with the canary in it.
hashable_passwords = st.text(min_size=15, max_size=100).map(lambda text: CANARY + text)
passwords = (
    hashable_passwords
    | any_text.map(lambda text: text + CANARY)
    | st.text(min_size=100, max_size=200).map(lambda text: CANARY + text)
    | st.lists(json_values | st.just(CANARY), max_size=3)
    | st.dictionaries(any_text, st.just(CANARY), min_size=1, max_size=2)
    | json_scalars
)

valid_signups = st.builds(
    lambda username, email, password: {
        "username": username,
        "email": email,
        "password": password,
        "passwordConfirm": password,
    },
    st.from_regex(r"\A[A-Za-z0-9]{3,24}\Z"),
    st.emails(),
    hashable_passwords,
)
fuzzed_signups = st.fixed_dictionaries(
    {},
    optional={
        "username": usernames,
        "email": emails,
        "password": passwords,
        "passwordConfirm": passwords,
        "extra": json_values,
    },
)
# About one signup in five is valid: each of those runs a hash (~25 ms) and writes a user.
signup_inputs = valid_signups | fuzzed_signups | fuzzed_signups | fuzzed_signups | json_values


def string_literal(text: str) -> graphql.ValueNode:
    return graphql.StringValueNode(value=text)


email_literals = (some_emails | any_text).map(string_literal)
literal_documents = st.one_of(
    [
        from_schema(
            load_sdl(),
            fields=["login", "signup"],
            custom_scalars={"EmailAddress": email_literals},
            codec=None,
            mode=mode,
        )
        for mode in (Mode.POSITIVE, Mode.NEGATIVE)
    ]
)


def nested_json(depth: int, kind: str) -> str:
    """JSON text `depth` levels deep, of lists or of objects."""
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)


def body_of(value: object) -> bytes:
    return json.dumps(value).encode("ascii")
