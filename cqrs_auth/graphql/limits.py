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

from collections.abc import Callable
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

ONCE_PER_DOCUMENT = ("login", "signup")


class _FragmentMemo:
    """Computes a value per fragment once; a fragment met again while being computed
    (a cycle) gives `on_cycle`."""

    def __init__(
        self, document: DocumentNode, compute: Callable[[SelectionSetNode], Any], on_cycle: Any
    ) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.compute, self.on_cycle = compute, on_cycle
        self.values: dict[str, Any] = {}

    def __call__(self, spread: FragmentSpreadNode) -> Any:
        name = spread.name.value
        if name not in self.values:
            fragment = self.fragments.get(name)
            if fragment is None:
                return self.on_cycle  # unknown fragment: KnownFragmentNamesRule reports it
            self.values[name] = self.on_cycle
            self.values[name] = self.compute(fragment.selection_set)
        return self.values[name]


class OncePerDocumentRule(ValidationRule):
    def enter_document(self, node: DocumentNode, *_: Any) -> Any:
        for field_name in ONCE_PER_DOCUMENT:
            count = self._count_in_document(node, field_name)
            if count > 1:
                self.report_error(
                    GraphQLError(
                        f"At most one '{field_name}' field is allowed per request; "
                        f"this document has {count}."
                    )
                )
        return self.BREAK

    @staticmethod
    def _count_in_document(document: DocumentNode, field_name: str) -> int:
        def count(selection_set: SelectionSetNode) -> int:
            total = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    total += selection.name.value == field_name
                elif isinstance(selection, InlineFragmentNode):
                    total += count(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    total += in_fragment(selection)
            return total

        in_fragment = _FragmentMemo(document, count, on_cycle=0)
        return sum(
            count(d.selection_set)
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        )


def max_depth_rule(max_depth: int) -> type[ValidationRule]:
    class MaxDepthRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> Any:
            def depth(selection_set: SelectionSetNode | None) -> int:
                if selection_set is None:
                    return 0
                deepest = 0
                for selection in selection_set.selections:
                    if isinstance(selection, FieldNode):
                        if not selection.name.value.startswith("__"):
                            deepest = max(deepest, 1 + depth(selection.selection_set))
                    elif isinstance(selection, InlineFragmentNode):
                        deepest = max(deepest, depth(selection.selection_set))
                    elif isinstance(selection, FragmentSpreadNode):
                        deepest = max(deepest, in_fragment(selection))
                return deepest

            in_fragment = _FragmentMemo(node, depth, on_cycle=0)
            for definition in node.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    found = depth(definition.selection_set)
                    if found > max_depth:
                        self.report_error(
                            GraphQLError(
                                f"The query is {found} levels deep; at most {max_depth} "
                                "are allowed.",
                                definition,
                            )
                        )
            return self.BREAK

    return MaxDepthRule


def limit_rules(max_depth: int) -> list[type[ValidationRule]]:
    return [OncePerDocumentRule, max_depth_rule(max_depth)]
