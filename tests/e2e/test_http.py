"""GraphQL over HTTP itself: methods, media types, status codes, the body limit, threads."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from cqrs_auth.domain.errors import InvalidCredentials
from cqrs_auth.http.app import worker_threads

from .helpers import LOGIN, PASSWORD, RunningServer

GRAPHQL_RESPONSE = "application/graphql-response+json"


def test_a_browser_opening_the_endpoint_gets_graphiql(server):
    response = httpx.get(server.url, headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


def test_a_query_can_be_sent_with_get(server):
    response = httpx.get(server.url, params={"query": "{ __typename }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_a_mutation_sent_with_get_is_refused_with_405_and_not_run(server, app):
    query = f'mutation {{ login(username: "a@example.org", password: "{PASSWORD}") {{ user }} }}'
    response = httpx.get(server.url, params={"query": query})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert app.hasher.calls == 0


def test_graphql_response_json_gets_400_for_a_request_error_and_200_when_there_is_data(server):
    accept = {"Accept": GRAPHQL_RESPONSE}
    invalid = httpx.post(server.url, json={"query": "{ nope }"}, headers=accept)
    assert invalid.status_code == 400
    assert invalid.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in invalid.json()
    field_error = httpx.post(server.url, json={"query": "{ me { userId } }"}, headers=accept)
    assert field_error.status_code == 200
    assert field_error.json()["data"] == {"me": None}


def test_plain_json_gets_200_even_for_a_request_error(server):
    response = httpx.post(server.url, json={"query": "{ nope }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/plain", b'{"query": "{ __typename }"}', 415),
        ("application/json", b'{"query": ', 400),
        ("application/json", b'{"query": 42}', 400),
        ("application/json", b'{"query": "{ __typename }", "variables": "x"}', 400),
        ("application/json", b"", 400),
    ],
)
def test_a_malformed_post_is_a_client_error(server, content_type, body, status):
    response = httpx.post(server.url, content=body, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert response.json()["errors"][0]["message"]


def test_a_megabyte_password_body_gets_413_and_the_connection_and_server_keep_working(server):
    variables = {"email": "ada@example.org", "password": "x" * 1_000_000}
    with httpx.Client(timeout=30) as http:
        too_large = http.post(server.url, json={"query": LOGIN, "variables": variables})
        assert too_large.status_code == 413
        assert "larger than" in too_large.json()["errors"][0]["message"]
        after = http.post(server.url, json={"query": "{ __typename }"})
        assert after.status_code == 200
        assert after.json() == {"data": {"__typename": "Query"}}


def test_resolvers_and_hashing_run_in_worker_threads_not_on_the_event_loop(server, app):
    threads: list[threading.Thread] = []
    original = app.hasher.verify_and_update

    def recording(*args):
        threads.append(threading.current_thread())
        return original(*args)

    app.hasher.verify_and_update = recording
    variables = {"email": "nobody@example.org", "password": PASSWORD}
    httpx.post(server.url, json={"query": LOGIN, "variables": variables})
    assert threads and all(thread is not server.thread for thread in threads)


def test_concurrent_requests_run_in_a_bounded_number_of_threads(make_app):
    kit = make_app(HASH_CONCURRENCY=1, HASH_QUEUE_SIZE=1)
    in_flight, most = 0, 0
    lock = threading.Lock()

    def slow_validate(email: str, password: str):
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.2)
        with lock:
            in_flight -= 1
        raise InvalidCredentials()

    kit.local_strategy.validate = slow_validate
    running = RunningServer(kit)
    try:
        body = {"query": LOGIN, "variables": {"email": "a@example.org", "password": PASSWORD}}
        with ThreadPoolExecutor(20) as pool:
            responses = list(pool.map(lambda _: httpx.post(running.url, json=body), range(20)))
    finally:
        running.stop()
    assert all(r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED" for r in responses)
    assert most == worker_threads(1, 1) == 10  # however many requests arrive
