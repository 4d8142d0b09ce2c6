"""The mails of a password reset, written to the mail outbox by the commands the sagas issue.

The reset token is made here, by the handler that writes the mail: it never travels in an
event or a command. In one transaction the handler stores the token's SHA-256 (replacing any
earlier token of the user), writes the mail holding the token in its link, and stores
PasswordResetEmailSentEvent; the mail body is the only place the token ever is. Each mail is
unique per causing event, so an event dispatched twice sends one mail and makes one token.

The link carries the token in its fragment (`#token=…`): a browser never sends a fragment to a
server, so the token reaches no access log and no Referer header.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ..adapters.clock import utcnow
from ..auth.reset_tokens import hash_reset_token, new_reset_token
from ..domain.commands import SendPasswordChangedEmailCommand, SendPasswordResetEmailCommand
from ..domain.events import PasswordChangedEmailSentEvent, PasswordResetEmailSentEvent
from ..settings import Settings
from .handlers import UnitOfWorkFactory

RESET_SUBJECT = "Reset your password"
RESET_BODY = (
    "Hello {username},\n\nsomeone, hopefully you, asked to reset the password of your account "
    "for {email}. To choose a new password, open this link within {minutes} minutes:\n\n"
    "{link}\n\nIf you did not ask for this, ignore this mail: your password stays as it is.\n"
)
CHANGED_SUBJECT = "Your password was changed"
CHANGED_BODY = (
    "Hello,\n\nthe password of your account for {email} was just changed, and every session "
    "logged in before ended. "
    "If you did not do this, ask for a new reset link at once and choose another password.\n"
)
TOKEN_IN_LINK = re.compile(r"#token=([A-Za-z0-9_-]+)")


def token_from_link(body: str) -> str | None:
    """The token in a reset mail's link (what the page behind the link reads), or None."""
    match = TOKEN_IN_LINK.search(body)
    return match.group(1) if match else None


class SendPasswordResetEmailHandler:
    def __init__(self, uow: UnitOfWorkFactory, settings: Settings) -> None:
        self.uow, self.settings = uow, settings

    def execute(self, command: SendPasswordResetEmailCommand) -> str | None:
        """Return the mail's id; None when the email has no account or the mail was sent."""
        ttl = self.settings.PASSWORD_RESET_TTL_SECONDS
        token, now = new_reset_token(), utcnow()
        with self.uow() as uow:
            user = uow.users.get_by_email(command.email)
            if user is None:
                return None  # nobody to write to; the requester was told nothing either way
            link = f"{self.settings.PASSWORD_RESET_URL}#token={token}"
            fields = {"username": user.username, "email": user.email, "link": link}
            mail_id = uow.mail.put(
                causation_id=command.causation_id,
                recipient=user.email,
                subject=RESET_SUBJECT,
                body=RESET_BODY.format(minutes=ttl // 60, **fields),
            )
            if mail_id is None:
                return None  # this request already has its mail (and its token)
            expires_at = now + timedelta(seconds=ttl)
            uow.reset_tokens.replace(user.user_id, hash_reset_token(token), now, expires_at)
            uow.add_event(
                PasswordResetEmailSentEvent(
                    user_id=user.user_id,
                    email=user.email,
                    mail_id=mail_id,
                    expires_at=expires_at.isoformat(),
                )
            )
            uow.commit()
        return mail_id


class SendPasswordChangedEmailHandler:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow

    def execute(self, command: SendPasswordChangedEmailCommand) -> str | None:
        with self.uow() as uow:
            mail_id = uow.mail.put(
                causation_id=command.causation_id,
                recipient=command.email,
                subject=CHANGED_SUBJECT,
                body=CHANGED_BODY.format(email=command.email),
            )
            if mail_id is None:
                return None  # this change already sent its mail
            uow.add_event(
                PasswordChangedEmailSentEvent(
                    user_id=command.user_id, email=command.email, mail_id=mail_id
                )
            )
            uow.commit()
        return mail_id
