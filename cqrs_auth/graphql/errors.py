"""Turning errors into response entries that each carry `extensions.code`, and logging them
without the request's secrets.

| the error                                           | code                           |
|-----------------------------------------------------|--------------------------------|
| a syntax error, or more tokens than allowed         | `GRAPHQL_PARSE_FAILED`         |
| a validation error (spec rules, depth, root fields) | `GRAPHQL_VALIDATION_FAILED`    |
| more than one `login` or `signup` in a document     | `ONCE_PER_REQUEST` (limits.py) |
| a variable's value that does not fit its type       | `BAD_USER_INPUT`, with `field` |
| no operation, or no operation of that name          | `OPERATION_RESOLUTION_FAILURE` |
| a domain error (KitError) or a scalar's             | its own, with its `field`      |
| anything else: a bug                                | `INTERNAL_SERVER_ERROR`        |

The names are Apollo Server's, which GraphQL clients already know. A request error's message
is graphql-core's, minus the offending value it quotes (that value may be a password) and, in
production, minus "Did you mean ...?" suggestions. A bug's message is generic; its exception
goes to the log (and into the error only when settings.DEBUG is on).
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError

from ..domain.errors import KitError

log = logging.getLogger("cqrs_auth.graphql")

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
INTERNAL_MESSAGE = "Internal server error."

SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# Where graphql-core quotes a value: "String cannot represent a non string value: <value>",
# "..., found: <value>.", and in syntax errors "found String '<value>'.".
QUOTED_VALUE = re.compile(r"(cannot represent [^:]*?value): .*|[,;.]? ?[Ff]ound: .*", re.DOTALL)
QUOTED_TOKEN = re.compile(r"\b(String|BlockString|Name|Int|Float) '.*", re.DOTALL)
VARIABLE = re.compile(r"Variable '\$(\w+)'[^:]*?(?: at (?:\[\d+\]|\.(\w+))*)?(?::|$)")
NAMED_FIELD = re.compile(r"field '(\w+)'")


def request_error_code(error: GraphQLError) -> str:
    """The code of an error that stopped execution before any resolver ran."""
    return BAD_USER_INPUT if error.message.startswith("Variable ") else OPERATION_RESOLUTION_FAILURE


def format_error(
    error: GraphQLError, code: str | None, *, debug: bool, production: bool
) -> dict[str, Any]:
    """A response entry. `code` is a request error's (parse, validation, variables), None for
    an error raised while resolving a field."""
    original = error.original_error
    if code is None and not isinstance(original, KitError):
        return _internal(error, original or error, debug)
    formatted: dict[str, Any] = dict(error.formatted)
    message = error.message if code is None else _request_message(error, production)
    formatted["message"] = message = _encodable(message)
    extensions = {"code": code, **(error.extensions or {})}
    field = _field_of(message) if code == BAD_USER_INPUT else None
    if field and "field" not in extensions:
        extensions["field"] = field
    formatted["extensions"] = extensions
    return formatted


def _request_message(error: GraphQLError, production: bool) -> str:
    quoted = QUOTED_TOKEN if isinstance(error, GraphQLSyntaxError) else QUOTED_VALUE
    message, cuts = quoted.subn(r"\1", error.message)
    if cuts:
        message = message.rstrip(" ,;")
        message += "" if message.endswith((".", "?")) else "."
    return SUGGESTION.sub("", message) if production else message


def _encodable(message: str) -> str:
    """A lone surrogate (from a JSON "\\ud800") cannot be sent as UTF-8: write it as an escape."""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


def _field_of(message: str) -> str | None:
    """The input field a variable error is about: the one it names, else the deepest field
    of its path, else the variable."""
    named = NAMED_FIELD.search(message)
    if named:
        return named.group(1)
    variable = VARIABLE.match(message)
    return (variable.group(2) or variable.group(1)) if variable else None


def _internal(error: GraphQLError, original: BaseException, debug: bool) -> dict[str, Any]:
    formatted: dict[str, Any] = {"message": INTERNAL_MESSAGE}
    if error.locations is not None:
        formatted["locations"] = [location.formatted for location in error.locations]
    if error.path is not None:
        formatted["path"] = error.path
    formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
    if debug:
        formatted["extensions"]["exception"] = {
            "type": type(original).__name__,
            "message": str(original),
            "stacktrace": traceback.format_exception(original),
        }
    return formatted


def log_error(error: GraphQLError) -> None:
    """Log an execution error by path and type; never the document or the variables.

    graphql-core's own messages are not logged: they quote the offending token or value, which
    may be a password (a request error) or a stored value (a field that could not be served).
    """
    original = error.original_error
    path = ".".join(str(part) for part in error.path or ())
    if not path:
        log.debug("GraphQL request error (message not logged)")
    elif isinstance(original, KitError):
        log.info("%s at %s: %s", original.extensions["code"], path, original.message)
    elif original is None or isinstance(original, GraphQLError):
        log.error("GraphQL could not serve %s (message not logged)", path)
    else:
        log.error("unexpected %s at %s", type(original).__name__, path, exc_info=original)
