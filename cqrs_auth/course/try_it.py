"""The *Try it* page: the signup and login forms with the trace of the last form submitted beside
them (its sequence diagram and timeline, under a line that says which form and how it ended),
and the live event log under them."""

from __future__ import annotations

import html

import ipywidgets as w

from ..bootstrap import App
from .forms import LoginForm, SignupForm, _Form, _Panel
from .tables import EVENT_COLUMNS, event_rows
from .trace import Trace


class EventLogView(_Panel):
    """The stored event log as a table; `refresh()` re-reads it (the forms call it)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.table = w.HTML()
        self.table.add_class("cqrs-event-log")
        refresh = w.Button(description="Refresh", icon="refresh")
        refresh.on_click(lambda _button: self.refresh())
        super().__init__([w.HTML("<h3>Event log</h3>"), self.table, refresh])
        self.refresh()

    def refresh(self) -> None:
        rows = event_rows(self.app.events())
        self.count = len(rows)
        head = "".join(f"<th style='text-align:left'>{c}</th>" for c in EVENT_COLUMNS)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape(str(row[c]))}</td>" for c in EVENT_COLUMNS)
            + "</tr>"
            for row in rows
        )
        empty = "" if rows else "<tr><td colspan='5'><i>no events yet</i></td></tr>"
        self.table.value = (
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}{empty}</tbody></table>"
        )


class TraceView(_Panel):
    """The trace of the last submit: what ran, who called whom, and where the time went."""

    def __init__(self) -> None:
        self.caption = w.HTML("<i>nothing yet: submit a form</i>")
        self.caption.add_class("cqrs-trace-caption")
        self.output = w.Output()
        self.output.add_class("cqrs-trace")
        self.trace: Trace | None = None
        super().__init__(
            [w.HTML("<h3>The trace of your last click</h3>"), self.caption, self.output]
        )
        self.layout.flex = "1 1 55%"
        self.layout.min_width = "24em"  # narrower than this, it goes under the forms instead

    def show(self, recorded: Trace, form: _Form) -> None:
        """Replace the view's outputs (set directly: capturing with `with output:` can stall a
        kernel that runs the click from code)."""
        self.trace = recorded
        self.caption.value = _caption(form)
        timeline = recorded.timeline()
        bundles = [
            recorded.diagram()._repr_mimebundle_(),
            {"text/html": timeline._repr_html_(), "text/plain": repr(timeline)},
        ]
        self.output.outputs = tuple(
            {"output_type": "display_data", "data": data, "metadata": {}} for data in bundles
        )


def _caption(form: _Form) -> str:
    """`Sign up: ok`, or `Log in: failed, code UNAUTHENTICATED`, in words and in colour."""
    if form.error is None:
        return f"<b>{form.label}</b>: <span style='color:#1a7f37'>✅ ok</span>"
    code = html.escape(str(form.error.extensions.get("code", "")))
    return f"<b>{form.label}</b>: <span style='color:#cf222e'>❌ failed, code {code}</span>"


class TryItPage(_Panel):
    """The forms with the trace of the last click beside them; the event log under them."""

    def __init__(self, app: App) -> None:
        self.event_log = EventLogView(app)
        self.trace_view = TraceView()
        self.signup = SignupForm(app, on_submit=lambda recorded: self._submitted(self.signup))
        self.login = LoginForm(app, on_submit=lambda recorded: self._submitted(self.login))
        forms = w.VBox([self.signup, self.login], layout=w.Layout(flex="0 0 auto"))
        beside = w.HBox([forms, self.trace_view], layout=w.Layout(flex_flow="row wrap"))
        super().__init__([beside, self.event_log])

    def _submitted(self, form: _Form) -> None:
        self.event_log.refresh()
        self.trace_view.show(form.last_trace, form)
