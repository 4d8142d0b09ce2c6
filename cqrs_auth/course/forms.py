"""The *Try it* chapter's signup and login forms (ipywidgets).

The forms send the same commands as every other entry point (`CreateUserCommand`,
`LocalStrategy.validate`), so the rules and errors are the kit's own. Each can be driven from
code (set the fields' values, then `form.button.click()`), which is how nbval checks them. Each
submit is traced (`trace()`): the trace goes to `on_submit` and stays in `last_trace`.

Nothing here ever shows a password or a hash: the password rules' feedback says which rules
hold, not what was typed; the password fields are emptied after every submit (so the saved
widget state holds none); and every widget's text form is its class name only.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from ..bootstrap import App
from ..domain.commands import CreateUserCommand
from ..domain.errors import KitError
from ..domain.model import LoginResult, UserView
from .feedback import feedback_html
from .trace import Trace, trace

OnSubmit = Callable[[Trace], None]


class _Panel(w.VBox):
    """A VBox whose text form (what GitHub and nbval see) is its class name, never its values."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _field(widget_type: type[w.Text], label: str, css: str) -> w.Text:
    field = widget_type(description=label, style={"description_width": "10em"})
    field.add_class(css)
    return field


def _ok(message: str) -> str:
    return f"<span style='color:#1a7f37'>✅ {html.escape(message)}</span>"


def _failed(error: KitError) -> str:
    message, extensions = html.escape(error.message), html.escape(str(error.extensions))
    return f"<span style='color:#cf222e'>❌ {message} <code>{extensions}</code></span>"


class _Form(_Panel):
    """A form's shared parts: its button, its result line, and a KitError shown, not raised."""

    on_submit: OnSubmit | None

    def _controls(self, label: str, css_prefix: str) -> None:
        self.label = label
        self.button = w.Button(description=label, button_style="primary")
        self.button.add_class(f"cqrs-{css_prefix}-button")
        self.result = w.HTML()
        self.result.add_class(f"cqrs-{css_prefix}-result")
        self.error: KitError | None = None
        self.button.on_click(lambda _button: self.submit())

    def submit(self) -> None:
        raise NotImplementedError

    def _report(self, action: Callable[[], str]) -> None:
        """Run `action`; show its success message, or the KitError it raised."""
        self.error = None
        with trace() as recorded:
            try:
                self.result.value = _ok(action())
            except KitError as error:
                self.error = error
                self.result.value = _failed(error)
        self.last_trace = recorded
        if self.on_submit:
            self.on_submit(recorded)


class SignupForm(_Form):
    def __init__(self, app: App, on_submit: OnSubmit | None = None) -> None:
        self.app, self.on_submit = app, on_submit
        self.username = _field(w.Text, "username", "cqrs-signup-username")
        self.email = _field(w.Text, "email", "cqrs-signup-email")
        self.password = _field(w.Password, "password", "cqrs-signup-password")
        self.password_confirm = _field(w.Password, "passwordConfirm", "cqrs-signup-confirm")
        self.feedback = w.HTML(self._feedback())
        self.feedback.add_class("cqrs-signup-feedback")
        self._controls("Sign up", "signup")
        self.user: UserView | None = None
        for field in (self.username, self.email, self.password, self.password_confirm):
            field.observe(lambda _change: self._refresh_feedback(), names="value")
        super().__init__(
            [
                w.HTML("<h3>Sign up</h3>"),
                self.username,
                self.email,
                self.password,
                self.password_confirm,
                self.feedback,
                self.button,
                self.result,
            ]
        )

    def _feedback(self) -> str:
        return feedback_html(
            self.password.value,
            self.password_confirm.value,
            username=self.username.value,
            email=self.email.value,
            min_length=self.app.settings.PASSWORD_MIN_LENGTH,
        )

    def _refresh_feedback(self) -> None:
        self.feedback.value = self._feedback()

    def submit(self) -> None:
        command = CreateUserCommand(
            self.username.value, self.email.value, self.password.value, self.password_confirm.value
        )
        self.password.value = self.password_confirm.value = ""
        self.user = None

        def sign_up() -> str:
            self.user = self.app.command_bus.execute(command)
            return f"Signed up {self.user.username} <{self.user.email}>"

        self._report(sign_up)


class LoginForm(_Form):
    def __init__(self, app: App, on_submit: OnSubmit | None = None) -> None:
        self.app, self.on_submit = app, on_submit
        self.email = _field(w.Text, "email", "cqrs-login-email")
        self.password = _field(w.Password, "password", "cqrs-login-password")
        self._controls("Log in", "login")
        self.login: LoginResult | None = None
        super().__init__(
            [w.HTML("<h3>Log in</h3>"), self.email, self.password, self.button, self.result]
        )

    def submit(self) -> None:
        email, password = self.email.value, self.password.value
        self.password.value = ""
        self.login = None

        def log_in() -> str:
            login = self.login = self.app.local_strategy.validate(email, password)
            return f"Logged in as {login.user.username}: a JWT valid for {login.expires_in} s"

        self._report(log_in)
