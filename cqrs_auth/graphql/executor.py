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
from .errors import format_error, log_error
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


class GraphQLExecutor:
    def __init__(self, app: App) -> None:
        self.app = app
        settings = app.settings
        self.schema = build_schema()
        self.max_tokens = settings.GRAPHQL_MAX_TOKENS
        self.debug = settings.DEBUG
        self.production = settings.production
        extra = [IntrospectionDisabledRule] if settings.production else []
        self.rules = (*specified_rules, *limit_rules(settings.GRAPHQL_MAX_DEPTH), *extra)
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
            return {"errors": self._format(prepared.errors)}
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
            return {"errors": self._format(errors)}  # variables or operation name refused
        response: dict[str, Any] = {"data": result.data}
        if errors:
            response["errors"] = self._format(errors)
        return response

    def _format(self, errors: Any) -> list[dict[str, Any]]:
        return [
            format_error(error, debug=self.debug, hide_suggestions=self.production)
            for error in errors
        ]
