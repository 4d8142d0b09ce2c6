"""What the kit stored, as tables a learner can read: users, events, mails, a token's claims.

None of them shows a secret: the kit never stores a password, a hash's salt and digest are
masked, a token is shown by its decoded header and claims, or cut short, and a reset mail's link
loses its token.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import jwt
import pandas as pd
from sqlalchemy import select

from ..adapters.event_store import StoredEvent
from ..adapters.tables import users as users_table
from ..bootstrap import App
from ..service.reset_mails import TOKEN_IN_LINK

# Show whole values: a UUID cut short by "..." could not be recognised by the sanitize file
# that nbval compares the outputs with (notebooks/sanitize.cfg).
pd.set_option("display.max_colwidth", None)

EVENT_COLUMNS = ["position", "type", "aggregateId", "payload", "dispatched"]


def mask_hash(password_hash: str) -> str:
    """Keep an argon2 hash's scheme and parameters; hide its salt and digest.

    `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<digest>` -> `$argon2id$v=19$m=19456,t=2,p=1$…$…`
    """
    parts = password_hash.split("$")
    if len(parts) < 3:
        return "…"
    return "$".join(parts[:-2] + ["…", "…"])


def mask_token(authorization: str) -> str:
    """`Bearer eyJhbGciOi…` : enough to recognise a JWT, too little to use it."""
    scheme, _, token = authorization.rpartition(" ")
    return f"{scheme} {token[:10]}…".strip()


def stored_users(app: App) -> pd.DataFrame:
    """The `users` rows as stored: the raw 16-byte userId (shown as hex), the hash masked."""
    with app.engine.connect() as connection:
        rows = connection.execute(select(users_table).order_by(users_table.c.createdAt)).all()
    return pd.DataFrame(
        [
            {
                "userId (16 bytes, hex)": bytes(row.userId).hex(),
                "username": row.username,
                "email": row.email,
                "password (hash, masked)": mask_hash(row.password),
                "usernameNormalised": row.usernameNormalised,
                "emailNormalised": row.emailNormalised,
            }
            for row in rows
        ]
    )


def raw_password_column(app: App, username: str | None = None) -> list[str]:
    """The `password` column's values (of one user, if named): for asserts only, never display."""
    query = select(users_table.c.password)
    if username is not None:
        query = query.where(users_table.c.username == username)
    with app.engine.connect() as connection:
        return list(connection.scalars(query))


def mask_key(key: str) -> str:
    """`792edcb8…`: enough of an email's keyed hash (a reset request's `emailKey`) to match it
    with its aggregateId, too little to test guesses of the email against it."""
    return f"{key[:8]}…" if key else key


def event_rows(events: Sequence[StoredEvent]) -> list[dict[str, Any]]:
    return [_event_row(e) for e in events]


def _event_row(e: StoredEvent) -> dict[str, Any]:
    key = e.payload.get("emailKey")
    keyed = isinstance(key, str) and bool(key)
    payload = e.payload | {"emailKey": mask_key(str(key))} if keyed else e.payload
    return {
        "position": e.position,
        "type": e.type,
        "aggregateId": mask_key(e.aggregate_id)
        if keyed and e.aggregate_id == key
        else e.aggregate_id,
        "payload": json.dumps(payload),
        "dispatched": e.dispatched_at is not None,
    }


def event_table(app: App, after_position: int = 0) -> pd.DataFrame:
    """The stored event log, oldest first, as a table."""
    return pd.DataFrame(event_rows(app.events(after_position)), columns=EVENT_COLUMNS)


def event_types(app: App, after_position: int = 0) -> list[str]:
    return [e.type for e in app.events(after_position)]


def last_position(app: App) -> int:
    events = app.events()
    return events[-1].position if events else 0


def mask_reset_link(body: str) -> str:
    """A mail body with its reset link's token cut off: `…/reset-password#token=…`."""
    return TOKEN_IN_LINK.sub("#token=…", body)


def mail_table(app: App, to: Sequence[str] | None = None) -> pd.DataFrame:
    """The mail outbox (only the mails to `to`, if given), reset links masked."""
    mails = [m for m in app.mails() if to is None or m.recipient in to]
    return pd.DataFrame(
        [{"to": m.recipient, "subject": m.subject, "body": mask_reset_link(m.body)} for m in mails],
        columns=["to", "subject", "body"],
    )


def decode_token(token: str) -> dict[str, Any]:
    """A JWT's header and claims, decoded WITHOUT checking the signature: to look, not to trust."""
    return {
        "header": jwt.get_unverified_header(token),
        "claims": jwt.decode(token, options={"verify_signature": False}),
    }
