"""GraphiQL, served by the kit itself: the page, and its assets from the package (no CDN).

The assets (GraphiQL, React, ReactDOM; pinned versions with their licences) live in
`static/graphiql/`, fetched by `scripts/vendor-graphiql`; `static/start-graphiql.js` starts the
editor with the prepared Signup / Login / Me operations. The page's Content-Security-Policy lets
it load scripts and send requests to this server only.

The assets go out with `X-Content-Type-Options: nosniff` (a browser runs a file only as the type
it is sent as) and a short `Cache-Control`: their URLs do not carry the versions (those live in
`static/graphiql/VERSIONS.txt`, and `start-graphiql.js` changes with the kit), so a long lifetime
would keep an old file after an upgrade; for ASSET_MAX_AGE seconds a page reload asks for
nothing, then the ETag makes each a 304. The licences (`LICENSE.react`, ...) have no extension
a type can be guessed from: they go out as the text they are.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/static"
ASSET_MAX_AGE = 300
TEXT = "text/plain; charset=utf-8"

GRAPHIQL_QUERY = """# Sign up, log in, then put the login's Authorization value into the
# Headers tab as {"Authorization": "Bearer ..."} and ask for `me`.
mutation Signup {
  signup(input: {username: "ada", email: "ada@example.org",
                 password: "correct horse battery staple",
                 passwordConfirm: "correct horse battery staple"}) { username email }
}

mutation Login {
  login(username: "ada@example.org", password: "correct horse battery staple") {
    Authorization user expiresIn
  }
}

query Me {
  me { userId username email }
}
"""

# React sets inline styles and GraphiQL's CSS carries its fonts as data: URLs.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>cqrs-auth GraphiQL</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="static/graphiql/graphiql.min.css">
  <link rel="stylesheet" href="static/graphiql-page.css">
  <script id="graphiql-settings" type="application/json">{settings}</script>
  <script src="static/graphiql/react.production.min.js" defer></script>
  <script src="static/graphiql/react-dom.production.min.js" defer></script>
  <script src="static/graphiql/graphiql.min.js" defer></script>
  <script src="static/start-graphiql.js" defer></script>
</head>
<body>
  <div id="graphiql"><p class="loading">Loading cqrs-auth GraphiQL…</p></div>
</body>
</html>
"""


def script_json(value: object) -> str:
    """JSON that cannot close the <script> element it sits in."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graphiql_page() -> HTMLResponse:
    """The GraphiQL page. Its asset URLs are relative (`static/...`), so the page also works
    when the whole app is mounted under a prefix."""
    html = PAGE.replace("{settings}", script_json({"defaultQuery": GRAPHIQL_QUERY}))
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


class Assets(StaticFiles):
    """Starlette's static files, with the headers and licence types above."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if Path(full_path).name.startswith("LICENSE.") and response.status_code == 200:
            response.headers["Content-Type"] = TEXT
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}"
        return response


def static_files() -> Mount:
    return Mount(STATIC_PATH, app=Assets(directory=STATIC_DIR), name="static")
