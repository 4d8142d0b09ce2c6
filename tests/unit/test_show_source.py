"""show_source shows the part of the kit's code that makes a chapter's point, and folds the rest."""

from __future__ import annotations

import inspect

import pytest

from cqrs_auth.bootstrap import register_login
from cqrs_auth.course.source import FOLD_TITLE, show_source
from cqrs_auth.service.buses import EventBus
from cqrs_auth.service.login import PerformLoginHandler


def listing_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "│" in line]


def test_a_whole_object_is_shown_unfolded_with_its_file_lines() -> None:
    source = show_source(EventBus)
    lines, first = inspect.getsourcelines(EventBus)
    assert len(listing_lines(repr(source))) == len(lines)
    assert repr(source).startswith(f"# cqrs_auth/service/buses.py, lines {first}–")
    assert FOLD_TITLE not in repr(source) and "<details>" not in source._repr_html_()


def test_focus_shows_only_the_method_and_folds_the_class() -> None:
    source = show_source(PerformLoginHandler, focus="execute")
    method_lines, method_first = inspect.getsourcelines(PerformLoginHandler.execute)
    shown = listing_lines(repr(source))
    assert len(shown) == len(method_lines) == source.shown_lines
    assert shown[0].startswith(f"{method_first:4} │     def execute(")
    assert "_settle_success(self" not in "\n".join(shown)
    class_lines = len(inspect.getsourcelines(PerformLoginHandler)[0])
    assert f"({class_lines - len(method_lines)} more lines)" in repr(source)
    html = source._repr_html_()
    assert f"<details><summary>{FOLD_TITLE}" in html
    assert "_settle_success" in html.split("<details>", 1)[1]


def test_several_methods_are_shown_with_a_gap_between_them() -> None:
    source = show_source(EventBus, focus=("publish", "_run_saga"))
    text = repr(source)
    assert "     ⋮" in text and "def publish(" in text and "def _run_saga(" in text
    assert "def register(" not in text.split(FOLD_TITLE)[0]


def test_a_region_is_shown_between_its_markers_without_them() -> None:
    source = show_source(register_login, region="login")
    shown = listing_lines(repr(source))
    assert any("register(PerformLoginCommand" in line for line in shown)
    assert not any("region" in line for line in shown)
    assert source.shown_lines < len(source.whole.lines)
    assert FOLD_TITLE in repr(source)


def test_a_missing_region_is_a_clear_error_naming_the_regions_there_are() -> None:
    with pytest.raises(
        ValueError, match=r"no region 'logout' in register_login; its regions: login"
    ):
        show_source(register_login, region="logout")


def test_a_line_range_counts_from_the_objects_first_line() -> None:
    source = show_source(EventBus, lines=(1, 5))
    shown = listing_lines(repr(source))
    assert len(shown) == 5
    assert shown[0].split("│", 1)[1].strip() == "class EventBus:"
    assert shown[0].lstrip().startswith(str(inspect.getsourcelines(EventBus)[1]))


@pytest.mark.parametrize("lines", [(0, 3), (5, 2), (1, 10_000)])
def test_a_line_range_outside_the_object_is_refused(lines: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="is outside EventBus, which has lines 1–"):
        show_source(EventBus, lines=lines)


def test_an_unknown_method_and_two_choices_at_once_are_refused() -> None:
    with pytest.raises(ValueError, match="PerformLoginHandler has no 'login' to focus on"):
        show_source(PerformLoginHandler, focus="login")
    with pytest.raises(ValueError, match="one of focus=, region= or lines="):
        show_source(EventBus, focus="publish", lines=(1, 2))


def test_the_plain_text_is_the_same_every_time() -> None:
    first = repr(show_source(PerformLoginHandler, focus="execute"))
    assert first == repr(show_source(PerformLoginHandler, focus="execute"))
