"""Helpers the course notebooks import, so that no code is pasted between chapters.

Every chapter starts with `fresh_app("<chapter>")`: a kit of its own on an empty database
(database.py). The rest: tables of what was stored (tables.py), errors and logs (running.py),
the server in the background (serving.py), traces of a request (trace.py, shown by sequence.py
and timeline.py), the kit's own source (source.py), the exercises' checks (exercises.py and
*_check*.py), and the *Try it* page's widgets (forms.py, try_it.py).

No output of these helpers shows a secret: the kit never stores a password, hashes are masked,
tokens are decoded or cut short, and spans carry names only.
"""

from .bus_check import check_command_bus
from .checks import (
    check_dispatched_column,
    check_email_conflict,
    check_events_sql,
    check_form_signup,
    check_me_username,
    check_user_id_from_token,
)
from .database import (
    fresh_app,
    kit_table_names,
    read_sql,
    row_counts,
    table_columns,
    use_random_jwt_secret,
)
from .event_checks import check_accept_terms, check_idempotent_counter
from .exercises import NotYet, after_your_answer, check_answer
from .feedback import password_checks
from .running import captured_logs, error_summary, expect_error
from .saga_check import check_welcome_saga
from .serving import post_graphql, serving
from .source import show_source
from .tables import (
    decode_token,
    event_rows,
    event_table,
    event_types,
    last_position,
    mail_table,
    mask_hash,
    mask_token,
    raw_password_column,
    stored_users,
)
from .trace import Trace, trace
from .try_it import TryItPage

__all__ = [
    "NotYet",
    "Trace",
    "TryItPage",
    "after_your_answer",
    "captured_logs",
    "check_accept_terms",
    "check_answer",
    "check_command_bus",
    "check_dispatched_column",
    "check_email_conflict",
    "check_events_sql",
    "check_form_signup",
    "check_idempotent_counter",
    "check_me_username",
    "check_user_id_from_token",
    "check_welcome_saga",
    "decode_token",
    "error_summary",
    "event_rows",
    "event_table",
    "event_types",
    "expect_error",
    "fresh_app",
    "kit_table_names",
    "last_position",
    "mail_table",
    "mask_hash",
    "mask_token",
    "password_checks",
    "post_graphql",
    "raw_password_column",
    "read_sql",
    "row_counts",
    "serving",
    "show_source",
    "stored_users",
    "table_columns",
    "trace",
    "use_random_jwt_secret",
]
