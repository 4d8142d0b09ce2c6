"""Abuse limits as validation rules: they run on the parsed document, before any resolver.

- At most one `login`, `signup`, `changePassword` (and each reset mutation) per document.
  Aliases, fragments and `@skip`/`@include` cannot get around it: every occurrence counts,
  whatever its alias or directives, and fragment spreads are followed (each fragment counted
  once, memoised, so nesting cannot blow up; a cycle counts as nothing more,
  NoFragmentCyclesRule reports it).
  Without this one request could try many passwords and run many slow hashes.
- At most GRAPHQL_MAX_ROOT_FIELDS root fields per document, counted the same way: each is a
  resolver call (a `me` is a database lookup), and 166 aliased `me` fit in 1,000 tokens.
- A maximum selection depth. Introspection fields (`__schema`, `__type`) are not counted: their
  depth is the introspection schema's, and production turns introspection off.
The token limit is the parser's (`parse(max_tokens=...)`), see executor.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    ValidationRule,
)

# resetPassword runs a hash and requestPasswordReset may send a mail: once each, like login;
# changePassword and deleteAccount check a password guess, like login.
ONCE_PER_DOCUMENT = (
    "login", "signup", "requestPasswordReset", "resetPassword", "changePassword", "deleteAccount",
)  # fmt: skip
# Its own code, not GRAPHQL_VALIDATION_FAILED: the document is valid GraphQL, the server's
# policy refuses it, and a client that batched two logins learns it must send them apart.
ONCE_PER_REQUEST = "ONCE_PER_REQUEST"

Fold = Callable[[SelectionSetNode | None], int]


def _folder(
    document: DocumentNode,
    on_field: Callable[[FieldNode, Callable[[], int]], int],
    combine: Callable[[Iterable[int]], int],
) -> Fold:
    """A function folding a selection set into a number: `on_field(field, inner)` for each field
    (`inner()` folds that field's own selections), `combine` over siblings. Inline fragments and
    fragment spreads stand for their selections; each named fragment is folded once (memoised)
    and a fragment met again while being folded (a cycle) counts 0."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    memo: dict[str, int] = {}

    def fold(selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        return combine(value(selection) for selection in selection_set.selections)

    def value(selection: SelectionNode) -> int:
        if isinstance(selection, FieldNode):
            return on_field(selection, lambda: fold(selection.selection_set))
        if isinstance(selection, InlineFragmentNode):
            return fold(selection.selection_set)
        assert isinstance(selection, FragmentSpreadNode)
        name = selection.name.value
        if name not in memo:
            memo[name] = 0
            if name in fragments:  # an unknown one is KnownFragmentNamesRule's to report
                memo[name] = fold(fragments[name].selection_set)
        return memo[name]

    return fold


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def _max(values: Iterable[int]) -> int:
    return max(values, default=0)


def _root_fields(document: DocumentNode, counted: Callable[[FieldNode], bool]) -> int:
    """How many root fields of all operations `counted` accepts, after fragments and aliases."""
    fold = _folder(document, lambda field, _inner: int(counted(field)), sum)
    return sum(fold(operation.selection_set) for operation in _operations(document))


def _named(name: str) -> Callable[[FieldNode], bool]:
    return lambda field: field.name.value == name


class OncePerDocumentRule(ValidationRule):
    def enter_document(self, node: DocumentNode, *_: Any) -> Any:
        for name in ONCE_PER_DOCUMENT:
            total = _root_fields(node, _named(name))
            if total > 1:
                message = (
                    f"At most one '{name}' field is allowed per request; this document has {total}."
                )
                self.report_error(GraphQLError(message, extensions={"code": ONCE_PER_REQUEST}))
        return self.BREAK


def max_root_fields_rule(max_root_fields: int) -> type[ValidationRule]:
    class MaxRootFieldsRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> Any:
            total = _root_fields(node, lambda _field: True)
            if total > max_root_fields:
                message = (
                    f"A request may ask for at most {max_root_fields} root fields; "
                    f"this document has {total}."
                )
                self.report_error(GraphQLError(message))
            return self.BREAK

    return MaxRootFieldsRule


def _field_depth(field: FieldNode, inner: Callable[[], int]) -> int:
    return 0 if field.name.value.startswith("__") else 1 + inner()


def max_depth_rule(max_depth: int) -> type[ValidationRule]:
    class MaxDepthRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> Any:
            depth = _folder(node, _field_depth, _max)
            for operation in _operations(node):
                found = depth(operation.selection_set)
                if found > max_depth:
                    message = f"The query is {found} levels deep; at most {max_depth} are allowed."
                    self.report_error(GraphQLError(message, operation))
            return self.BREAK

    return MaxDepthRule


def limit_rules(max_depth: int, max_root_fields: int) -> list[type[ValidationRule]]:
    return [OncePerDocumentRule, max_root_fields_rule(max_root_fields), max_depth_rule(max_depth)]
