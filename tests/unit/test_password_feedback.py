"""The signup form's password checklist says each rule's state in a word and a colour, not by an
emoji alone: in a browser without an emoji font, a rule that holds and one that fails still
look different."""

from __future__ import annotations

import re

from cqrs_auth.course.feedback import feedback_html
from cqrs_auth.domain.rules import PASSWORD_MAX_LENGTH

RULE = re.compile(r"<li style='color:(#[0-9a-f]{6})'>(\S+) <b>([\w ]+)</b>: ([^<]+)</li>")


def checklist(password: str, confirmation: str | None = None) -> dict[str, tuple[str, str]]:
    """Each rule's (word, colour), as the form shows them."""
    page = feedback_html(
        password,
        password if confirmation is None else confirmation,
        username="ada",
        email="ada@example.org",
        min_length=15,
    )
    return {rule: (word, colour) for colour, _mark, word, rule in RULE.findall(page)}


def test_every_rule_holds_in_green_words_for_a_long_uncommon_passphrase():
    rules = checklist("correct horse battery staple")
    assert len(rules) == 5
    assert set(rules.values()) == {("ok", "#1a7f37")}


def test_a_short_password_is_not_yet_long_enough_in_red_words_beside_the_rules_that_hold():
    rules = checklist("Tr0ub4dor&3", "Tr0ub4dor&3 and more")
    assert rules["at least 15 characters"] == ("not yet", "#cf222e")
    assert rules["both passwords match"] == ("not yet", "#cf222e")
    assert rules[f"at most {PASSWORD_MAX_LENGTH} characters"] == ("ok", "#1a7f37")


def test_without_its_emoji_each_rule_still_reads_as_holding_or_not():
    page = feedback_html("short", "short", username="ada", email="ada@example.org", min_length=15)
    text = re.sub(r"<[^>]+>|✅|❌", "", page)
    assert " not yet: at least 15 characters" in text
    assert " ok: at most " in text


def test_zxcvbns_advice_is_marked_as_a_hint_in_words():
    page = feedback_html("password1", "password1", username="a", email="a@b.org", min_length=15)
    assert "💡 hint: " in page
