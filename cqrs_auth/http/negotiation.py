"""Choosing the response's media type from the Accept header (GraphQL over HTTP, section 6).

- `application/graphql-response+json` when the client names it: request errors then get 4xx.
- `application/json` when the client names it, sends `*/*` or `application/*`, or sends no
  Accept at all (the spec: assume application/json).
- `text/html` (GraphiQL) only for a GET whose Accept names text/html above the JSON types,
  which is what a browser's address bar sends.
None means nothing acceptable: the caller answers 406.
"""

from __future__ import annotations

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
HTML = "text/html"

# (media type, whether a wildcard may select it, preference on equal quality)
_CANDIDATES = ((GRAPHQL_RESPONSE_JSON, False, 2), (JSON, True, 1), (HTML, False, 0))


def parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return ranges


def _quality(media: str, wildcard_ok: bool, ranges: list[tuple[str, float]]) -> float:
    main = media.split("/")[0]
    exact = [q for r, q in ranges if r == media]
    if exact:
        return max(exact)
    if not wildcard_ok:
        return 0.0
    wild = [q for r, q in ranges if r in (f"{main}/*", "*/*")]
    return max(wild, default=0.0)


def choose_media_type(accept: str | None, *, allow_html: bool) -> str | None:
    if not accept or not accept.strip():
        return JSON
    ranges = parse_accept(accept)
    scored = [
        (_quality(media, wildcard_ok, ranges), preference, media)
        for media, wildcard_ok, preference in _CANDIDATES
        if allow_html or media != HTML
    ]
    quality, _, media = max(scored)
    return media if quality > 0 else None
