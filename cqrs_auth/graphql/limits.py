"""Abuse limits as validation rules: they run on the parsed document, before any resolver.

- At most one `login` and one `signup` root field per document. Aliases, fragments and
  `@skip`/`@include` cannot get around it: every occurrence counts, whatever its alias or
  directives, and fragment spreads are followed (each fragment counted once, memoised, so
  nesting cannot blow up; a cycle counts as nothing more, NoFragmentCyclesRule reports it).
  Without this one request could try many passwords and run many slow hashes.
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

# resetPassword runs a hash and requestPasswordReset may send a mail: once each, like login.
ONCE_PER_DOCUMENT = ("login", "signup", "requestPasswordReset", "resetPassword")

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


def _counting(name: str) -> Callable[[FieldNode, Callable[[], int]], int]:
    def on_field(field: FieldNode, _inner: Callable[[], int]) -> int:
        return int(field.name.value == name)

    return on_field


class OncePerDocumentRule(ValidationRule):
    def enter_document(self, node: DocumentNode, *_: Any) -> Any:
        for name in ONCE_PER_DOCUMENT:
            count = _folder(node, _counting(name), sum)
            total = sum(count(operation.selection_set) for operation in _operations(node))
            if total > 1:
                self.report_error(
                    GraphQLError(
                        f"At most one '{name}' field is allowed per request; "
                        f"this document has {total}."
                    )
                )
        return self.BREAK


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


def limit_rules(max_depth: int) -> list[type[ValidationRule]]:
    return [OncePerDocumentRule, max_depth_rule(max_depth)]
