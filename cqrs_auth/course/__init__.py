"""Helpers the course notebooks import, so that no code is pasted between chapters.

Every chapter starts with `fresh_app("<chapter>")`: a kit of its own on an empty database
(database.py). The rest: tables of what was stored (tables.py), errors and logs (running.py),
the server and the command line (serving.py), the read model (read_model.py), the password
reset's secrets kept out of sight (reset.py), traces of a request (trace.py, shown by
sequence.py and timeline.py), the kit's own source (source.py), the exercises' checks
(exercises.py and *_check*.py, each on a kit of its own: check_kit.py, each recording its
attempts: progress.py), the *Try it* page's widgets (forms.py, try_it.py), and a search of
every row of every table for a person (search.py).

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
from .counter_check import check_idempotent_counter
from .database import (
    fresh_app,
    kit_table_names,
    read_sql,
    row_counts,
    table_columns,
    use_random_jwt_secret,
)
from .erasure_check import check_erase_login_failure
from .event_checks import check_accept_terms
from .exercises import NotYet, after_your_answer, check_answer
from .feedback import password_checks
from .progress import my_progress, recorded
from .projection_check import check_logins_projector
from .read_model import activity_rows, activity_table, dispatch_held_back, projection_position
from .reset import (
    expire_reset_token,
    mailed_reset_token,
    reset_tokens_table,
    statements_sent,
    stored_reset_token,
)
from .reset_handler_check import check_reset_handler
from .reset_mail_check import check_reset_mail
from .running import captured_logs, error_summary, expect_error
from .saga_check import check_welcome_saga
from .search import places_holding, search_everywhere
from .serving import cqrs_auth_command, post_graphql, serving
from .source import show_source
from .tables import (
    decode_token,
    event_rows,
    event_table,
    event_types,
    last_position,
    mail_table,
    mask_hash,
    mask_reset_link,
    mask_token,
    raw_password_column,
    stored_users,
)
from .trace import Trace, trace
from .try_it import TryItPage

# Each exercise's check records its attempts in the learner's progress (progress.py): one line
# per exercise of cqrs_auth/progress.py's EXERCISES, in the same order.
check_events_sql = recorded("01", "events-sql")(check_events_sql)
check_dispatched_column = recorded("01", "dispatched-column")(check_dispatched_column)
check_command_bus = recorded("02", "command-bus")(check_command_bus)
check_accept_terms = recorded("03", "accept-terms")(check_accept_terms)
check_idempotent_counter = recorded("03", "idempotent-counter")(check_idempotent_counter)
check_welcome_saga = recorded("03", "welcome-saga")(check_welcome_saga)
check_user_id_from_token = recorded("04", "user-id-from-token")(check_user_id_from_token)
check_me_username = recorded("05", "me-username")(check_me_username)
check_form_signup = recorded("06", "form-signup")(check_form_signup)
check_email_conflict = recorded("07", "email-conflict")(check_email_conflict)
check_logins_projector = recorded("08", "logins-projector")(check_logins_projector)
check_reset_mail = recorded("09", "reset-mail")(check_reset_mail)
check_reset_handler = recorded("09", "reset-handler")(check_reset_handler)
check_erase_login_failure = recorded("10", "erase-login-failure")(check_erase_login_failure)

__all__ = [
    "NotYet",
    "Trace",
    "TryItPage",
    "activity_rows",
    "activity_table",
    "after_your_answer",
    "captured_logs",
    "check_accept_terms",
    "check_answer",
    "check_command_bus",
    "check_dispatched_column",
    "check_email_conflict",
    "check_erase_login_failure",
    "check_events_sql",
    "check_form_signup",
    "check_idempotent_counter",
    "check_logins_projector",
    "check_me_username",
    "check_reset_handler",
    "check_reset_mail",
    "check_user_id_from_token",
    "check_welcome_saga",
    "cqrs_auth_command",
    "decode_token",
    "dispatch_held_back",
    "error_summary",
    "event_rows",
    "event_table",
    "event_types",
    "expect_error",
    "expire_reset_token",
    "fresh_app",
    "kit_table_names",
    "last_position",
    "mail_table",
    "mailed_reset_token",
    "mask_hash",
    "mask_reset_link",
    "mask_token",
    "my_progress",
    "password_checks",
    "places_holding",
    "post_graphql",
    "projection_position",
    "raw_password_column",
    "read_sql",
    "reset_tokens_table",
    "row_counts",
    "search_everywhere",
    "serving",
    "show_source",
    "statements_sent",
    "stored_reset_token",
    "stored_users",
    "table_columns",
    "trace",
    "use_random_jwt_secret",
]
