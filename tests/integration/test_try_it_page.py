"""The *Try it* page: the trace of the last click stands beside the forms, says in words which form
it came from and how it ended, and draws a refused click as a failure."""

from __future__ import annotations

import ipywidgets as w

from cqrs_auth.course import TryItPage
from cqrs_auth.course.sequence import FAILURE_BAND

from .helpers import PASSWORD, WRONG_PASSWORD, sign_up


def shown(page: TryItPage) -> tuple[str, str]:
    """The trace view's diagram source and timeline HTML, as the notebook displays them."""
    diagram, timeline = (output["data"] for output in page.trace_view.output.outputs)
    return diagram["text/vnd.mermaid"], timeline["text/html"]


def test_the_trace_view_stands_beside_the_forms_and_the_event_log_under_them(make_app):
    page = TryItPage(make_app())
    top, below = page.children
    assert isinstance(top, w.HBox) and below is page.event_log
    forms, trace_view = top.children
    assert trace_view is page.trace_view
    assert forms.children == (page.signup, page.login)
    assert "nothing yet" in page.trace_view.caption.value


def test_a_signup_through_the_form_shows_its_trace_and_says_ok(make_app):
    page = TryItPage(make_app())
    form = page.signup
    form.username.value, form.email.value = "ada", "ada@example.org"
    form.password.value = form.password_confirm.value = PASSWORD
    form.button.click()
    assert page.trace_view.caption.value == (
        "<b>Sign up</b>: <span style='color:#1a7f37'>✅ ok</span>"
    )
    diagram, timeline = shown(page)
    assert "CreateUserHandler: execute" in diagram and "--x" not in diagram
    assert "PasswordHasher: hash" in timeline and "failed" not in timeline


def test_a_refused_login_is_drawn_as_a_failure_with_its_code_in_words_and_red(make_app):
    app = make_app()
    sign_up(app)
    page = TryItPage(app)
    page.login.email.value, page.login.password.value = "ada@example.org", WRONG_PASSWORD
    page.login.button.click()
    caption = page.trace_view.caption.value
    assert caption == (
        "<b>Log in</b>: <span style='color:#cf222e'>❌ failed, code UNAUTHENTICATED</span>"
    )
    diagram, timeline = shown(page)
    lines = [line.strip() for line in diagram.splitlines()]
    band = lines.index(FAILURE_BAND.strip())
    assert lines[band + 1 : band + 3] == [
        "Note over you,PerformLoginHandler: failed: InvalidCredentials, code UNAUTHENTICATED",
        "PerformLoginHandler--x-CommandBus: InvalidCredentials",
    ]
    assert lines[-2:] == ["LocalStrategy--x-you: InvalidCredentials", "end"]
    assert "<b style='color:#cf222e'>✗ failed: InvalidCredentials</b>" in timeline


def test_the_trace_shown_is_the_last_forms_even_when_the_forms_alternate(make_app):
    app = make_app()
    sign_up(app)
    page = TryItPage(app)
    page.login.email.value, page.login.password.value = "ada@example.org", PASSWORD
    page.login.button.click()
    assert page.trace_view.caption.value.startswith("<b>Log in</b>")
    page.signup.button.click()  # empty fields: refused
    assert page.trace_view.caption.value.startswith("<b>Sign up</b>")
    assert "failed, code BAD_USER_INPUT" in page.trace_view.caption.value
    assert page.trace_view.trace is page.signup.last_trace
