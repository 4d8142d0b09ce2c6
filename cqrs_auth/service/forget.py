"""Forgetting a person (beyond the tutorial, issue 21): the DeleteAccountCommand's handler.

    deleteAccount ─► DeleteAccountCommand ─► DeleteAccountHandler
        ─► password checked under the login's lockout (LoginAttempts, as changePassword does)
        ─► one transaction: the account's rows deleted, its events erased in place
           (adapters/erasure.py), AccountDeletedEvent ─► the read model drops its row

Every session ends with the account's row: a token names an account that is not there. The
email is free from the commit on; a signup with it is a new account that starts from nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..adapters.erasure import Eraser, default_erasers
from ..auth.reset_tokens import email_key
from ..auth.tokens import TokenService
from ..domain import rules
from ..domain.commands import DeleteAccountCommand
from ..domain.errors import InvalidCredentials, NotAuthenticated, ValidationError
from ..domain.events import AccountDeletedEvent
from ..domain.model import Session, User
from ..settings import Settings
from .handlers import UnitOfWorkFactory, require_texts
from .login import LoginAttempts

WRONG_PASSWORD = "The password is not right."


class DeleteAccountHandler:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        tokens: TokenService,
        attempts: LoginAttempts,
        settings: Settings,
        erasers: Mapping[str, Eraser] | None = None,
    ) -> None:
        """`erasers`: how each event type is erased (default: each type's Event.erased)."""
        self.uow, self.tokens, self.attempts, self.settings = uow, tokens, attempts, settings
        self.erasers = dict(default_erasers() if erasers is None else erasers)

    def execute(self, command: DeleteAccountCommand) -> bool:
        require_texts(password=command.password)
        session = self.tokens.claims(command.token)
        with self.attempts.reader() as uow:
            user = uow.sessions.user(session)
        email = rules.parse_email(user.email).normalised
        self._check_password(email, command.password)
        self._forget(user, email, session)
        return True

    def _check_password(self, email: str, password: str) -> None:
        """A wrong password is a failed login of the account's email (the same lockout)."""
        password = rules.normalise_password(password)
        if len(password) > rules.PASSWORD_MAX_LENGTH:
            raise ValidationError("password", "A password has at most 128 characters.")
        try:
            self.attempts.check(email, password)
        except InvalidCredentials:
            raise ValidationError("password", WRONG_PASSWORD) from None

    def _forget(self, user: User, email: str, session: Session) -> None:
        filed_under = [user.user_id, email, email_key(self.settings.JWT_SECRET, email)]
        with self.uow() as uow:
            if not uow.erasure.delete_account(user, email, session.version):
                raise NotAuthenticated()  # a deletion or a password change came first
            uow.erasure.erase_events(filed_under, self.erasers)
            uow.add_event(AccountDeletedEvent(user_id=user.user_id))
            uow.commit()
