"""The mail outbox: welcome mails land here instead of on an SMTP server."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from .clock import from_db, to_db, utcnow
from .tables import mail_outbox

PUT = insert(mail_outbox)


@dataclass(frozen=True)
class Mail:
    id: str
    causation_id: str
    recipient: str
    subject: str
    body: str
    created_at: datetime


class MailOutbox:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def put(self, *, causation_id: str, recipient: str, subject: str, body: str) -> str | None:
        """Queue a mail; return its id, or None if this cause already queued one (idempotent).

        The unique `causationId` refuses the second mail; no savepoint around it: a refused
        INSERT leaves the transaction as it was, and the caller stores nothing more."""
        mail_id = str(uuid.uuid4())
        values = {
            "id": mail_id,
            "causationId": causation_id,
            "recipient": recipient,
            "subject": subject,
            "body": body,
            "createdAt": to_db(utcnow()),
        }
        try:
            self.connection.execute(PUT, values)
        except IntegrityError:
            return None
        return mail_id

    def all(self) -> list[Mail]:
        rows = self.connection.execute(select(mail_outbox).order_by(mail_outbox.c.createdAt))
        return [
            Mail(r.id, r.causationId, r.recipient, r.subject, r.body, from_db(r.createdAt))
            for r in rows
        ]
