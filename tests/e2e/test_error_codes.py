"""Every error carries `extensions.code`, and none quotes a password back: graphql-core's
syntax, validation and variable errors, the kit's own rules, and the HTTP-level refusals."""

import json
import logging
from types import SimpleNamespace

import httpx
import pytest

from cqrs_auth.graphql.executor import GraphQLExecutor

from .helpers import LOGIN, ME, SIGNUP, only_error

SECRET = "Hunter2-Canary-Passphrase"
FIELDS = f'username: "ada", email: "ada@example.org", password: "{SECRET}"'

# (query, variables, expected code, expected field or None)
REQUEST_ERRORS = {
    "a syntax error": ("{ me ", None, "GRAPHQL_PARSE_FAILED", None),
    "too many tokens": ("{" + " __typename" * 1001 + " }", None, "GRAPHQL_PARSE_FAILED", None),
    "an unknown field": ("{ nope }", None, "GRAPHQL_VALIDATION_FAILED", None),
    "two logins": (
        'mutation { a: login(username: "a@b.org", password: "1") { user }'
        ' b: login(username: "a@b.org", password: "2") { user } }',
        None,
        "ONCE_PER_REQUEST",
        None,
    ),
    "a missing variable": (LOGIN, {"email": "a@b.org"}, "BAD_USER_INPUT", "password"),
    "a password of the wrong type": (
        LOGIN,
        {"email": "a@b.org", "password": [SECRET]},
        "BAD_USER_INPUT",
        "password",
    ),
    "an input field of the wrong type": (
        SIGNUP,
        {"input": {"username": "ada", "email": "a@b.org", "password": {"p": SECRET}}},
        "BAD_USER_INPUT",
        "password",
    ),
    "an invalid email variable": (
        LOGIN,
        {"email": "not an email", "password": SECRET},
        "BAD_USER_INPUT",
        "email",
    ),
    "two operations and no operationName": (
        "query A { __typename } query B { __typename }",
        None,
        "OPERATION_RESOLUTION_FAILURE",
        None,
    ),
}


@pytest.mark.parametrize("case", list(REQUEST_ERRORS))
def test_each_kind_of_request_error_has_its_code_and_the_field_it_is_about(client, case):
    query, variables, code, field = REQUEST_ERRORS[case]
    result = client.execute(query, variables)
    assert "data" not in result
    extensions = result["errors"][0]["extensions"]
    assert extensions["code"] == code
    assert extensions.get("field") == field


def test_a_required_input_field_left_out_is_named(client):
    input_ = {"username": "ada", "email": "a@b.org", "password": SECRET}
    error = only_error(client.execute(SIGNUP, {"input": input_}))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "passwordConfirm"}
    assert "to include required field 'passwordConfirm'" in error["message"]


def test_a_document_deeper_than_the_limit_is_a_validation_error(make_client):
    client = make_client(GRAPHQL_MAX_DEPTH=2)
    result = client.execute("{ ...D } fragment D on Query { me { userId { a } } }")
    depth_error = result["errors"][0]
    assert depth_error["message"] == "The query is 3 levels deep; at most 2 are allowed."
    assert depth_error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


# Each quotes the password in graphql-core's own message.
PASSWORD_ECHOES = {
    "a list for a String variable": (LOGIN, {"email": "a@b.org", "password": [SECRET]}),
    "an object for a String variable": (LOGIN, {"email": "a@b.org", "password": {"a": SECRET}}),
    "an input missing a field": (SIGNUP, {"input": {"username": "a", "password": SECRET}}),
    "an input with an unknown field": (
        SIGNUP,
        {"input": {"username": "a", "email": "a@b.org", "password": SECRET, "pasword": SECRET}},
    ),
    "a string for an input object": (SIGNUP, {"input": SECRET}),
    "an enum-like literal for a String": (
        f'mutation {{ login(username: "a@b.org", password: {SECRET.replace("-", "_")}) '
        "{ user } }",
        None,
    ),
    "an input literal missing a field": (
        f"mutation {{ signup(input: {{{FIELDS}}}) {{ username }} }}",
        None,
    ),
    "a string where a name belongs": (
        f'mutation {{ login(username: "a@b.org", "{SECRET}") {{ user }} }}',
        None,
    ),
    "a block string where a name belongs": (
        f'mutation {{ login(username: "a@b.org", """{SECRET}""") {{ user }} }}',
        None,
    ),
}


@pytest.mark.parametrize("case", list(PASSWORD_ECHOES))
def test_no_error_message_quotes_the_password_back(client, case):
    query, variables = PASSWORD_ECHOES[case]
    result = client.execute(query, variables)
    assert result["errors"] and all("code" in e["extensions"] for e in result["errors"])
    assert SECRET not in json.dumps(result) and SECRET.replace("-", "_") not in json.dumps(result)


def test_a_validation_error_keeps_what_it_is_about_without_the_value(client):
    result = client.execute(LOGIN, {"email": "a@b.org", "password": [SECRET]})
    assert only_error(result)["message"] == (
        "Variable '$password' has invalid value: String cannot represent a non string value."
    )


@pytest.mark.parametrize(
    ("method", "path", "headers", "status", "code"),
    [
        ("GET", "/graphql", {"Accept": "image/png"}, 406, "NOT_ACCEPTABLE"),
        ("PUT", "/graphql", {}, 405, "METHOD_NOT_ALLOWED"),
        ("GET", "/nowhere", {}, 404, "NOT_FOUND"),
        ("POST", "/graphql", {"Content-Type": "text/plain"}, 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("POST", "/graphql", {"Content-Type": "application/json"}, 400, "BAD_REQUEST"),
    ],
)
def test_http_refusals_have_a_json_body_with_a_code(server, method, path, headers, status, code):
    url = server.url.removesuffix("/graphql") + path
    response = httpx.request(method, url, headers=headers, content=b"{")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    (error,) = response.json()["errors"]
    assert error["message"] and error["extensions"] == {"code": code}


def test_a_mutation_sent_by_get_is_405_with_a_code(server):
    response = httpx.get(server.url, params={"query": "mutation { __typename }"})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"] == {"code": "METHOD_NOT_ALLOWED"}


def test_a_body_over_the_limit_is_413_with_a_code(server):
    response = httpx.post(server.url, json={"query": "{ __typename }", "pad": "x" * 70_000})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}


def test_an_unexpected_exception_in_the_http_layer_is_a_json_500_without_details(
    server, monkeypatch
):
    def boom(*_args, **_kwargs):
        raise RuntimeError("SELECT password FROM users")

    monkeypatch.setattr(GraphQLExecutor, "execute", boom)
    response = httpx.post(server.url, json={"query": "{ __typename }"})
    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {"message": "Internal server error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        ]
    }


def test_a_field_that_cannot_be_served_is_an_internal_error_logged_without_its_message(
    client, monkeypatch, caplog
):
    broken = SimpleNamespace(
        user_id="00000000-0000-4000-8000-000000000000", username=[SECRET], email="a@example.org"
    )
    monkeypatch.setattr(client.kit.query_bus, "execute", lambda _query: broken)
    token = client.kit.tokens.issue(broken.user_id)
    with caplog.at_level(logging.DEBUG, logger="cqrs_auth.graphql"):
        error = only_error(client.execute(ME, token=token))
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "GraphQL could not serve me.username (message not logged)" in caplog.messages
    assert SECRET not in caplog.text


def test_an_unknown_operation_name_that_is_not_text_is_answered_not_a_500(server):
    body = json.dumps({"query": "query A { __typename }", "operationName": "B\ud800"})
    response = httpx.post(
        server.url, content=body.encode("ascii"), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200
    error = only_error(response.json())
    assert error["message"] == "Unknown operation named 'B\\ud800'."
    assert error["extensions"] == {"code": "OPERATION_RESOLUTION_FAILURE"}
