"""HTTP-level refusals, answered like GraphQL errors: a JSON body
`{"errors": [{"message": ..., "extensions": {"code": ...}}]}`, whatever refused the request
(the endpoint itself, or Starlette's router for another path or method)."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

JSON = "application/json"
CLOSE = {"Connection": "close"}

# The statuses' names as RFC 9110 and clients know them (413's older name, as Apollo's and
# Python's HTTPStatus before 3.13 spell it).
CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    408: "REQUEST_TIMEOUT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    500: "INTERNAL_SERVER_ERROR",
}


class HttpError(Exception):
    """A request refused before GraphQL runs; its code is its status's (CODES)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def code_of(status: int) -> str:
    return CODES.get(status) or HTTPStatus(status).name


def error_body(status: int, message: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code_of(status)}}]}


def error_response(
    status: int,
    message: str,
    media_type: str = JSON,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(status, message), status, headers, media_type)


async def starlette_http_error(_: Request, exc: Exception) -> JSONResponse:
    """Starlette's own refusals (404 for another path, 405 for another method)."""
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, f"{exc.detail}.", headers=exc.headers)


async def internal_error(_: Request, _exc: Exception) -> JSONResponse:
    """An exception no one caught (a bug): uvicorn logs it, the client gets no details."""
    return error_response(500, "Internal server error.", headers=CLOSE)
