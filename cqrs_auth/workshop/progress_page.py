"""`cqrs-auth workshop progress --serve PORT`: the room's progress as a page for the projector.

The page refreshes itself (meta refresh) and reads the learners' databases again at each
request. It shows names and verdicts only, never a password or a URL, and is served on
127.0.0.1 unless `--host` says otherwise. Ctrl-C stops it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..progress import EXERCISES
from .progress import LearnerProgress, short_names, when
from .registry import WorkshopError

STYLE = (
    "body{font:18px system-ui,sans-serif;margin:1em}table{border-collapse:collapse}"
    "td,th{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left}"
    ".passed{color:#116611;font-weight:bold}.trying{color:#a35200}.not-started{color:#888}"
    "small{color:#555;font-weight:normal}"
)


def page(room: list[LearnerProgress], refresh_seconds: int, now: datetime) -> str:
    heads = short_names()
    header = "".join(
        f"<th title='{html.escape(e.title)}'>{heads[e.key]}<br><small>{e.name}</small></th>"
        for e in EXERCISES
    )
    rows = "".join(_row(learner, now) for learner in room)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='refresh' content='{refresh_seconds}'>"
        f"<title>Workshop progress</title><style>{STYLE}</style></head><body>"
        f"<h1>Workshop progress</h1><p>{len(room)} learners, at {now:%H:%M:%S} UTC. "
        "A teaching aid, not grading.</p>"
        f"<table><tr><th>learner</th>{header}<th>last attempt</th></tr>{rows}</table>"
        "<p>✓ passed: its check said Right — ✗ N tries: not right yet — · not started</p>"
        "</body></html>"
    )


def _row(learner: LearnerProgress, now: datetime) -> str:
    cells = "".join(
        f"<td class='{s.status.replace(' ', '-')}'>"
        f"{html.escape(s.mark() if s.status != 'not started' else '· not started')}</td>"
        for s in learner.standings.values()
    )
    return f"<tr><th>{html.escape(learner.name)}</th>{cells}<td>{when(learner.last, now)}</td></tr>"


def serve(
    read: Callable[[], list[LearnerProgress]], host: str, port: int, refresh_seconds: int
) -> int:
    """Serve the page until Ctrl-C; each request reads the room again with `read`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            if self.path not in ("/", "/index.html"):
                self.send_error(404)
                return
            try:
                now = datetime.now(UTC).replace(tzinfo=None)
                body, status = page(read(), refresh_seconds, now), 200
            except WorkshopError as error:
                body, status = f"<p>cannot read the room: {html.escape(str(error))}</p>", 503
            self._answer(status, body.encode())

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - its signature
            pass  # one line per refresh of every projector would drown the terminal

    with ThreadingHTTPServer((host, port), Handler) as server:
        print(f"serving the room's progress at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped")
    return 0
