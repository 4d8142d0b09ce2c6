"""The signup form's live feedback: each password rule, and whether it holds, as you type.

It runs the kit's own rules (cqrs_auth.domain.rules), plus zxcvbn's strength estimate and
advice, and never repeats the password. Each rule's mark says it in a word and a colour as well
as an emoji, so it reads the same in a browser without an emoji font.
"""

from __future__ import annotations

import html

from zxcvbn import zxcvbn

from ..domain import rules

STRENGTH = ["very weak", "weak", "so-so", "strong", "very strong"]
HOLDS = ("✅", "ok", "#1a7f37")
FAILS = ("❌", "not yet", "#cf222e")


def password_checks(
    password: str, confirmation: str, *, username: str, email: str, min_length: int
) -> list[tuple[str, bool]]:
    """Each signup rule about the password, and whether it holds (cqrs_auth.domain.rules)."""
    password = rules.normalise_password(password)
    return [
        (f"at least {min_length} characters", len(password) >= min_length),
        (
            f"at most {rules.PASSWORD_MAX_LENGTH} characters",
            len(password) <= rules.PASSWORD_MAX_LENGTH,
        ),
        (
            "not a common password",
            bool(password) and password.casefold() not in rules.COMMON_PASSWORDS,
        ),
        (
            "not too similar to the username or email",
            bool(password) and not rules.too_similar(password, username, email),
        ),
        (
            "both passwords match",
            bool(password) and rules.normalise_password(confirmation) == password,
        ),
    ]


def _item(rule: str, ok: bool) -> str:
    """`✅ ok: at least 15 characters` in green, or `❌ not yet: …` in red."""
    mark, word, colour = HOLDS if ok else FAILS
    return f"<li style='color:{colour}'>{mark} <b>{word}</b>: {html.escape(rule)}</li>"


def feedback_html(
    password: str, confirmation: str, *, username: str, email: str, min_length: int
) -> str:
    checks = password_checks(
        password, confirmation, username=username, email=email, min_length=min_length
    )
    items = "".join(_item(rule, ok) for rule, ok in checks)
    advice = ""
    if password:
        result = zxcvbn(password[: rules.PASSWORD_MAX_LENGTH], user_inputs=[username, email])
        hints = [result["feedback"]["warning"], *result["feedback"]["suggestions"]]
        strength = STRENGTH[result["score"]]
        advice = f"<div>zxcvbn strength: <b>{strength}</b>"
        advice += "".join(f"<br>💡 hint: {html.escape(hint)}" for hint in hints if hint) + "</div>"
    return f"<ul style='list-style:none;padding-left:0;margin:0'>{items}</ul>{advice}"
