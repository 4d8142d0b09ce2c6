"""The GraphQL-over-HTTP request parameters, from a GET's query string or a POST's JSON body.

Anything malformed raises BadRequest (answered with 400, or 415 for a POST that is not JSON).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class BadRequest(Exception):
    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


@dataclass(frozen=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None


def from_query_string(args: Mapping[str, str]) -> GraphQLParams:
    """GET: `variables` and `extensions` arrive as URL-encoded JSON text."""
    return _params(
        {
            "query": args.get("query"),
            "operationName": args.get("operationName"),
            "variables": _json_text(args.get("variables"), "variables"),
            "extensions": _json_text(args.get("extensions"), "extensions"),
        }
    )


def from_json_body(content_type: str | None, body: bytes) -> GraphQLParams:
    media, _, charset = (content_type or "").partition(";")
    if media.strip().lower() != "application/json":
        raise BadRequest("POST requests must have Content-Type: application/json.", 415)
    if charset and "utf-8" not in charset.lower().replace(" ", ""):
        raise BadRequest("The request body must be UTF-8.", 415)
    if not body:
        raise BadRequest("The request body is empty; expected a JSON object.")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return _params(data)


def _json_text(text: str | None, name: str) -> Any:
    if text is None or text == "":
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise BadRequest(f"The '{name}' parameter is not valid JSON.") from None


def _params(data: Mapping[str, Any]) -> GraphQLParams:
    query = data.get("query")
    if not isinstance(query, str) or not query:
        raise BadRequest("The 'query' parameter must be a non-empty string.")
    variables, operation_name = data.get("variables"), data.get("operationName")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("The 'variables' parameter must be a JSON object or null.")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("The 'operationName' parameter must be a string or null.")
    extensions = data.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest("The 'extensions' parameter must be a JSON object or null.")
    return GraphQLParams(query, variables, operation_name)
