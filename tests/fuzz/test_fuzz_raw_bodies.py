"""Fuzzing what arrives before GraphQL: arbitrary bytes and arbitrary JSON as a body, wrong
content types and Accept headers, GET parameters of any bytes, and JSON nested up to far past
MAX_JSON_DEPTH, in a body and in GET `variables`/`extensions`."""

from urllib.parse import quote_from_bytes, urlencode

import pytest
from e2e.helpers import LOGIN, ME, SIGNUP
from hypothesis import given
from hypothesis import strategies as st

from .strategies import any_text, body_of, json_values, literal_documents, nested_json

pytestmark = pytest.mark.timeout(1800)

ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60).map(str.strip)
queries = st.sampled_from([LOGIN, SIGNUP, ME, "{ __typename }"]) | any_text | literal_documents
graphql_bodies = st.fixed_dictionaries(
    {"query": queries | json_values},
    optional={"variables": json_values, "operationName": json_values, "extensions": json_values},
)
content_types = (
    st.sampled_from(
        ["application/json; charset=latin-1", "text/plain", "application/graphql", "", "*/*"]
    )
    | ascii_text
)


def post(content: bytes, content_type: str = "application/json", accept: str = "") -> dict:
    headers = {"Content-Type": content_type} | ({"Accept": accept} if accept else {})
    return {"method": "POST", "content": content, "headers": headers}


def get(query_string: str, accept: str = "") -> dict:
    return {"method": "GET", "query_string": query_string, "accept": accept}


def deep(depth: int, kind: str, where: str) -> dict:
    text = nested_json(depth, kind)
    if where == "body":
        return post(b'{"query": "{ __typename }", "variables": {"a": ' + text.encode() + b"}}")
    return get(urlencode({"query": "{ __typename }", where: text}))


requests = st.one_of(
    st.binary(max_size=400).map(post),
    json_values.map(body_of).map(post),
    graphql_bodies.map(body_of).map(post),
    st.builds(post, graphql_bodies.map(body_of), content_types, ascii_text),
    st.builds(
        deep,
        st.integers(1, 2_000),
        st.sampled_from(["list", "object"]),
        st.sampled_from(["variables", "extensions"]),
    ),
    st.builds(deep, st.integers(1, 30_000), st.just("list"), st.just("body")),
    st.builds(
        get,
        st.dictionaries(
            st.sampled_from(["query", "variables", "operationName", "extensions"]),
            st.binary(max_size=200),
        ).map(lambda params: "&".join(f"{k}={quote_from_bytes(v)}" for k, v in params.items())),
        ascii_text,
    ),
)


@given(request=requests)
def test_raw_requests(fuzz, request):
    fuzz.example("raw bodies")
    if request["method"] == "GET":
        headers = {"Accept": request["accept"]} if request["accept"] else {}
        fuzz.send("GET", url=fuzz.url + "?" + request["query_string"], headers=headers)
    else:
        fuzz.send("POST", content=request["content"], headers=request["headers"])
