"""GraphiQL's assets as a browser gets them: never sniffed, cached briefly (their URLs carry no
version), revalidated by ETag, and the licences as readable text."""

import httpx
import pytest

from cqrs_auth.http.graphiql import ASSET_MAX_AGE, STATIC_DIR

ASSETS = sorted(
    str(path.relative_to(STATIC_DIR)) for path in STATIC_DIR.rglob("*") if path.is_file()
)
LICENCES = [name for name in ASSETS if name.rsplit("/", 1)[-1].startswith("LICENSE.")]


def asset_url(server, name: str) -> str:
    return server.url.removesuffix("/graphql") + f"/static/{name}"


@pytest.mark.parametrize("name", ASSETS)
def test_every_asset_says_nosniff_and_may_be_cached_for_a_few_minutes(server, name):
    response = httpx.get(asset_url(server, name))
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == f"public, max-age={ASSET_MAX_AGE}"
    assert response.headers["content-type"] != "application/octet-stream"


def test_the_licences_go_out_as_utf8_text(server):
    assert len(LICENCES) == 3
    for name in LICENCES:
        response = httpx.get(asset_url(server, name))
        assert response.headers["content-type"] == "text/plain; charset=utf-8", name
        assert "Permission is hereby granted" in response.text


def test_an_asset_the_browser_has_is_revalidated_with_a_304_that_keeps_the_headers(server):
    url = asset_url(server, "graphiql/graphiql.min.js")
    first = httpx.get(url)
    again = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["cache-control"] == f"public, max-age={ASSET_MAX_AGE}"
    assert again.headers["x-content-type-options"] == "nosniff"
