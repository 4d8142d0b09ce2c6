"""The GraphQL-over-HTTP request parameters, from a GET's query string or a POST's JSON body.

Anything malformed is an HttpError: 400 BAD_REQUEST, or 415 for a POST that is not JSON.

JSON nested deeper than MAX_JSON_DEPTH is refused (400). The kit's own requests are 3 deep
(`{"variables": {"input": {...}}}`); 32 leaves room for other clients' extensions and lists,
and stays far below Python's recursion limit (1,000 frames), so nothing that walks the value
recursively later (graphql-core's coercion, the JSON encoder) can overflow. json.loads itself
recurses: a RecursionError while parsing is the same 400, and the depth of what it did parse is
measured without recursion.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import HttpError


@dataclass(frozen=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None


def from_query_string(args: Mapping[str, str], max_depth: int) -> GraphQLParams:
    """GET: `variables` and `extensions` arrive as URL-encoded JSON text."""
    return _params(
        {
            "query": args.get("query"),
            "operationName": args.get("operationName"),
            "variables": _json_parameter(args.get("variables"), "variables", max_depth),
            "extensions": _json_parameter(args.get("extensions"), "extensions", max_depth),
        }
    )


def from_json_body(content_type: str | None, body: bytes, max_depth: int) -> GraphQLParams:
    media, _, charset = (content_type or "").partition(";")
    if media.strip().lower() != "application/json":
        raise HttpError(415, "POST requests must have Content-Type: application/json.")
    if charset and "utf-8" not in charset.lower().replace(" ", ""):
        raise HttpError(415, "The request body must be UTF-8.")
    if not body:
        raise HttpError(400, "The request body is empty; expected a JSON object.")
    data = parse_json(body, "The request body", max_depth)
    if not isinstance(data, dict):
        raise HttpError(400, "The request body must be a JSON object.")
    return _params(data)


def parse_json(text: str | bytes, what: str, max_depth: int) -> Any:
    """Strict JSON (no NaN or Infinity) at most `max_depth` deep, else HttpError(400)."""
    too_deep = HttpError(400, f"{what} is nested more than {max_depth} levels deep.")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise too_deep from None
    except ValueError:  # UnicodeDecodeError included
        raise HttpError(400, f"{what} is not valid JSON.") from None
    if json_depth(value, max_depth) > max_depth:
        raise too_deep
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_depth(value: Any, stop_above: int) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar is 0, `[]` is 1),
    found with a stack, not recursion; counting stops once it passes `stop_above`."""
    deepest, stack = 0, [(value, 0)]
    while stack and deepest <= stop_above:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in value)
    return deepest


def _json_parameter(text: str | None, name: str, max_depth: int) -> Any:
    if text is None or text == "":
        return None
    return parse_json(text, f"The '{name}' parameter", max_depth)


def _params(data: Mapping[str, Any]) -> GraphQLParams:
    query = data.get("query")
    if not isinstance(query, str) or not query:
        raise HttpError(400, "The 'query' parameter must be a non-empty string.")
    variables, operation_name = data.get("variables"), data.get("operationName")
    if variables is not None and not isinstance(variables, dict):
        raise HttpError(400, "The 'variables' parameter must be a JSON object or null.")
    if operation_name is not None and not isinstance(operation_name, str):
        raise HttpError(400, "The 'operationName' parameter must be a string or null.")
    extensions = data.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise HttpError(400, "The 'extensions' parameter must be a JSON object or null.")
    return GraphQLParams(query, variables, operation_name)
