"""The synchronous executor: a query string, variables and a token in, a plain dict out.

Parsing (with the token limit) and validation (the spec's rules plus the kit's limits, and no
introspection in production) run once per distinct query text: the result is kept in an LRU
cache, since parse + validate cost about as much as a whole login without its hash.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ariadne.validation.introspection_disabled import IntrospectionDisabledRule
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute_sync,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)

from .context import Context, bearer_token
from .errors import (
    PARSE_FAILED,
    VALIDATION_FAILED,
    format_error,
    log_error,
    request_error_code,
)
from .limits import limit_rules
from .schema import build_schema

if TYPE_CHECKING:
    from ..bootstrap import App

log = logging.getLogger("cqrs_auth.graphql")

DOCUMENT_CACHE_SIZE = 256


@dataclass(frozen=True)
class PreparedDocument:
    document: DocumentNode | None
    errors: tuple[GraphQLError, ...] = ()

    @property
    def error_code(self) -> str:
        return PARSE_FAILED if self.document is None else VALIDATION_FAILED


class GraphQLExecutor:
    def __init__(self, app: App) -> None:
        self.app = app
        settings = app.settings
        self.schema = build_schema()
        self.max_tokens = settings.GRAPHQL_MAX_TOKENS
        self.debug = settings.DEBUG
        self.production = settings.production
        extra = [IntrospectionDisabledRule] if settings.production else []
        limits = limit_rules(settings.GRAPHQL_MAX_DEPTH, settings.GRAPHQL_MAX_ROOT_FIELDS)
        self.rules = (*specified_rules, *limits, *extra)
        self.prepare = lru_cache(maxsize=DOCUMENT_CACHE_SIZE)(self._parse_and_validate)

    def _parse_and_validate(self, query: str) -> PreparedDocument:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError as error:
            return PreparedDocument(None, (error,))
        return PreparedDocument(document, tuple(validate(self.schema, document, self.rules)))

    def operation_type(self, query: str, operation_name: str | None) -> OperationType | None:
        """The type of operation a request would run, or None if the document is invalid."""
        prepared = self.prepare(query)
        if prepared.document is None or prepared.errors:
            return None
        operation = get_operation_ast(prepared.document, operation_name)
        return operation.operation if operation else None

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """`{"data": ...}` plus `"errors": [...]` when there are any. A request error (syntax,
        validation, variable coercion) has no `data`, as the GraphQL spec says."""
        prepared = self.prepare(query)
        if prepared.document is None or prepared.errors:
            log.debug("GraphQL document rejected with %d error(s)", len(prepared.errors))
            return {"errors": self._format(prepared.errors, prepared.error_code)}
        result = execute_sync(
            self.schema,
            prepared.document,
            context_value=Context(self.app, bearer_token(token)),
            variable_values=variables,
            operation_name=operation_name,
        )
        return self._response(result)

    def _response(self, result: ExecutionResult) -> dict[str, Any]:
        errors = list(result.errors or ())
        for error in errors:
            log_error(error)
        if result.data is None and errors and all(error.path is None for error in errors):
            # variables or operation name refused: a request error, no data
            return {"errors": [self._format_one(e, request_error_code(e)) for e in errors]}
        response: dict[str, Any] = {"data": result.data}
        if errors:
            response["errors"] = self._format(errors, None)
        return response

    def _format(self, errors: Any, code: str | None) -> list[dict[str, Any]]:
        return [self._format_one(error, code) for error in errors]

    def _format_one(self, error: GraphQLError, code: str | None) -> dict[str, Any]:
        return format_error(error, code, debug=self.debug, production=self.production)
