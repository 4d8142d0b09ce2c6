"""Turning errors into response entries, and logging them without the request's secrets.

- graphql-core's own errors (syntax, validation, variable coercion) pass as graphql-core gives
  them; in production "Did you mean ...?" suggestions are cut off.
- A domain error (KitError) passes with its message and `extensions` (`code`, `field`, ...).
- Anything else is a bug: the client sees a generic INTERNAL_SERVER_ERROR (with the exception's
  type, message and traceback only when settings.DEBUG is on), and the log gets the traceback.

The log never gets the query source or variables: a login literal carries a password. (ariadne's
default `log_error` logs the GraphQLError, whose text includes the source; it is not used here.)
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

from graphql import GraphQLError

from ..domain.errors import KitError

log = logging.getLogger("cqrs_auth.graphql")

INTERNAL_MESSAGE = "Internal server error."
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def format_error(error: GraphQLError, *, debug: bool, hide_suggestions: bool) -> dict[str, Any]:
    original = error.original_error
    formatted: dict[str, Any] = dict(error.formatted)
    if original is None or isinstance(original, GraphQLError):
        if hide_suggestions:
            formatted["message"] = SUGGESTION.sub("", formatted["message"])
        return formatted
    if isinstance(original, KitError):
        formatted["extensions"] = {**original.extensions, **formatted.get("extensions", {})}
        return formatted
    return _internal(error, original, debug)


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

    Request errors (syntax, validation, variable coercion) are not logged with their message:
    graphql-core quotes the offending token or variable value in it, which may be a password.
    """
    original = error.original_error
    path = ".".join(str(part) for part in error.path or ()) or "(request)"
    if original is None or isinstance(original, GraphQLError):
        log.debug("GraphQL error at %s (message not logged)", path)
    elif isinstance(original, KitError):
        log.info("%s at %s: %s", original.extensions["code"], path, original.message)
    else:
        log.error("unexpected %s at %s", type(original).__name__, path, exc_info=original)
