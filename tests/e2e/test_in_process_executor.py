"""What the notebooks rely on: `kit.graphql(query, variables, token=...)` gives a plain dict."""

import json

from .helpers import LOGIN, ME, PASSWORD, SIGNUP


def _signup_and_login(app) -> str:
    values = {"username": "ada", "email": "ada@example.org", "password": PASSWORD}
    app.graphql(SIGNUP, {"input": values | {"passwordConfirm": PASSWORD}})
    result = app.graphql(LOGIN, {"email": "ada@example.org", "password": PASSWORD})
    return result["data"]["login"]["Authorization"]


def test_the_result_is_a_plain_dict_that_prints_as_json_and_has_no_errors_key_when_fine(app):
    result = app.graphql("{ __typename }")
    assert result == {"data": {"__typename": "Query"}}
    assert json.loads(json.dumps(result)) == result


def test_a_token_works_with_or_without_its_bearer_prefix(app):
    authorization = _signup_and_login(app)
    with_prefix = app.graphql(ME, token=authorization)
    without_prefix = app.graphql(ME, token=authorization.removeprefix("Bearer "))
    assert with_prefix == without_prefix
    assert with_prefix["data"]["me"]["username"] == "ada"


def test_an_operation_can_be_picked_by_name(app):
    document = "query A { __typename } query B { me { userId } }"
    assert app.graphql(document, operation_name="A") == {"data": {"__typename": "Query"}}


def test_the_same_document_is_parsed_and_validated_only_once(app):
    for _ in range(3):
        app.graphql(ME)
    cache = app._graphql.prepare.cache_info()
    assert (cache.misses, cache.hits) == (1, 2)
