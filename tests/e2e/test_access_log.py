"""ACCESS_LOG: `cqrs-auth serve` prints uvicorn's line per request unless it is false."""

from __future__ import annotations

import httpx
import pytest

from .processes import ServerProcess

TYPENAME = {"query": "{ __typename }"}


@pytest.mark.parametrize("access_log", [None, "false"])
def test_serve_prints_a_line_per_request_unless_access_log_is_false(tmp_path, access_log):
    settings = {"ACCESS_LOG": access_log} if access_log else {}
    server = ServerProcess(f"sqlite:///{tmp_path}/kit.db", **settings).start()
    try:
        server.wait_ready()
        answer = httpx.post(server.url, json=TYPENAME).json()
        assert answer == {"data": {"__typename": "Query"}}
    finally:
        server.stop()
    printed = '"POST /graphql HTTP/1.1" 200' in server.log()
    assert printed is (access_log is None), server.log()
