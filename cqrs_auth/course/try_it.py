"""The *Try it* page: the signup and login forms, the live event log, and the trace of the last
form submitted (its sequence diagram and timeline)."""

from __future__ import annotations

import html

import ipywidgets as w

from ..bootstrap import App
from .forms import LoginForm, SignupForm, _Panel
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
        self.output = w.Output()
        self.output.add_class("cqrs-trace")
        self.trace: Trace | None = None
        super().__init__([w.HTML("<h3>The trace of your last click</h3>"), self.output])

    def show(self, recorded: Trace) -> None:
        """Replace the view's outputs (set directly: capturing with `with output:` can stall a
        kernel that runs the click from code)."""
        self.trace = recorded
        timeline = recorded.timeline()
        bundles = [
            recorded.diagram()._repr_mimebundle_(),
            {"text/html": timeline._repr_html_(), "text/plain": repr(timeline)},
        ]
        self.output.outputs = tuple(
            {"output_type": "display_data", "data": data, "metadata": {}} for data in bundles
        )


class TryItPage(_Panel):
    """The signup and login forms side by side; the event log and the last trace under them."""

    def __init__(self, app: App) -> None:
        self.event_log = EventLogView(app)
        self.trace_view = TraceView()
        self.signup = SignupForm(app, on_submit=self._submitted)
        self.login = LoginForm(app, on_submit=self._submitted)
        forms = w.HBox([self.signup, self.login])
        super().__init__([forms, self.event_log, self.trace_view])

    def _submitted(self, recorded: Trace) -> None:
        self.event_log.refresh()
        self.trace_view.show(recorded)
