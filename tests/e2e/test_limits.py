import pytest

from .helpers import PASSWORD, login, only_error, signup, token_of

TWO_LOGINS = {
    "aliases": """mutation {
      a: login(username: "ada@example.org", password: "guess one") { user }
      b: login(username: "ada@example.org", password: "guess two") { user }
    }""",
    "fragments": """mutation { ...First ...Second }
      fragment First on Mutation { a: login(username: "ada@example.org", password: "1") { user } }
      fragment Second on Mutation { b: login(username: "ada@example.org", password: "2") { user } }
    """,
    "a fragment and an inline fragment": """mutation { ...First ... on Mutation {
        b: login(username: "ada@example.org", password: "2") { user } } }
      fragment First on Mutation { a: login(username: "ada@example.org", password: "1") { user } }
    """,
    "skip and include": """mutation {
      a: login(username: "ada@example.org", password: "1") @skip(if: true) { user }
      b: login(username: "ada@example.org", password: "2") @include(if: true) { user }
    }""",
    "two operations": """
      mutation A { login(username: "ada@example.org", password: "1") { user } }
      mutation B { login(username: "ada@example.org", password: "2") { user } }
    """,
}


@pytest.mark.parametrize("how", list(TWO_LOGINS))
def test_two_login_fields_in_one_document_are_rejected_before_any_hash_runs(client, how):
    signup(client, "ada", "ada@example.org")
    hashes_before = client.kit.hasher.calls
    result = client.execute(TWO_LOGINS[how])
    assert "data" not in result
    refusals = [e for e in result["errors"] if "At most one 'login' field" in e["message"]]
    assert [e["extensions"] for e in refusals] == [{"code": "ONCE_PER_REQUEST"}], result
    assert client.kit.hasher.calls == hashes_before


def test_a_fragment_cycle_does_not_hang_the_login_count(client):
    result = client.execute(
        """mutation { ...A }
        fragment A on Mutation { login(username: "a@example.org", password: "1") { user } ...B }
        fragment B on Mutation { ...A }"""
    )
    messages = [error["message"] for error in result["errors"]]
    assert any("Cannot spread fragment 'A' within itself" in message for message in messages)


def test_logins_doubled_through_forty_nested_fragments_are_counted_without_blowing_up(client):
    nested = "".join(f"fragment F{i} on Mutation {{ ...F{i + 1} ...F{i + 1} }} " for i in range(40))
    last = 'fragment F40 on Mutation { login(username: "a@example.org", password: "x") { user } }'
    result = client.execute("mutation { ...F0 }\n" + nested + last)
    messages = [error["message"] for error in result["errors"]]
    assert f"At most one 'login' field is allowed per request; this document has {2**40}." in (
        messages
    )
    assert client.kit.hasher.calls == 0


def test_two_signup_fields_in_one_document_are_rejected_before_any_hash_runs(client):
    fields = f'password: "{PASSWORD}", passwordConfirm: "{PASSWORD}"'
    result = client.execute(
        f"""mutation {{
          a: signup(input: {{username: "ada", email: "ada@example.org", {fields}}}) {{ username }}
          b: signup(input: {{username: "bob", email: "bob@example.org", {fields}}}) {{ username }}
        }}"""
    )
    error = only_error(result)
    assert "At most one 'signup' field" in error["message"]
    assert error["extensions"] == {"code": "ONCE_PER_REQUEST"}
    assert client.kit.hasher.calls == 0


def aliased_me(count: int) -> str:
    return "{ " + " ".join(f"m{i}: me {{ userId }}" for i in range(count)) + " }"


def test_ten_root_fields_pass_and_eleven_are_refused_before_any_lookup(client, monkeypatch):
    signup(client, "ada", "ada@example.org")
    token = token_of(login(client))
    lookups = []
    original = client.kit.query_bus.execute
    monkeypatch.setattr(client.kit.query_bus, "execute", lambda q: lookups.append(q) or original(q))
    ten = client.execute(aliased_me(10), token=token)
    assert len(ten["data"]) == 10 and "errors" not in ten
    assert len(lookups) == 10
    error = only_error(client.execute(aliased_me(11), token=token))
    assert error["message"] == "A request may ask for at most 10 root fields; this document has 11."
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert len(lookups) == 10


def test_root_fields_are_counted_through_fragments_and_with_skip(make_client):
    client = make_client(GRAPHQL_MAX_ROOT_FIELDS=2)
    result = client.execute(
        "{ ...Two a: __typename @skip(if: true) } fragment Two on Query { b: me { userId } ...One }"
        " fragment One on Query { c: __typename }"
    )
    assert "this document has 3." in only_error(result)["message"]


def test_a_document_deeper_than_the_limit_is_rejected(make_client):
    client = make_client(GRAPHQL_MAX_DEPTH=2)
    # The kit's schema is only two levels deep, so a deeper document is also invalid otherwise;
    # the depth rule reports it anyway, following fragments.
    result = client.execute("{ ...Deep } fragment Deep on Query { me { userId { a { b } } } }")
    messages = [error["message"] for error in result["errors"]]
    assert "The query is 4 levels deep; at most 2 are allowed." in messages
    assert client.execute("{ me { userId } }")["errors"][0]["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )  # two levels still pass


def test_a_document_with_too_many_tokens_is_rejected_by_the_parser(client):
    limit = client.kit.settings.GRAPHQL_MAX_TOKENS
    result = client.execute("{ " + "__typename " * limit + "}")
    assert "data" not in result
    assert f"Document contains more than {limit} tokens" in only_error(result)["message"]


def test_production_switches_off_introspection_and_suggestions(make_client):
    client = make_client(ENVIRONMENT="production")
    introspection = client.execute("{ __schema { queryType { name } } }")
    assert "introspection is disabled" in only_error(introspection)["message"]
    typo = only_error(client.execute("{ me { usrname } }"))["message"]
    assert "Cannot query field 'usrname'" in typo and "Did you mean" not in typo


def test_development_keeps_introspection_and_suggestions_for_graphiql(client):
    introspection = client.execute("{ __schema { queryType { name } } }")
    assert introspection == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert "Did you mean 'username'?" in only_error(client.execute("{ me { usrname } }"))["message"]


def test_a_megabyte_password_in_process_is_bad_user_input_without_a_hash(app):
    # Over HTTP the body limit answers first: see test_http.py.
    result = app.graphql(
        'mutation($p: String!) { login(username: "ada@example.org", password: $p) { user } }',
        {"p": "x" * 1_000_000},
    )
    assert only_error(result)["extensions"] == {"code": "BAD_USER_INPUT", "field": "password"}
    assert app.hasher.calls == 0
