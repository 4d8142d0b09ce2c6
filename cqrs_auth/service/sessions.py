"""Ending sessions (beyond the tutorial, issue 18): the LogoutCommand and ChangePasswordCommand
handlers. (A password reset ends every session too: password_reset.py.)

A token names its session (`jti`) and the account's session version it was issued under (`sv`):

    logout ─► LogoutCommand ─► LogoutHandler
        ─► the session's id in `ended_sessions` ─► UserLoggedOutEvent
    changePassword ─► ChangePasswordCommand ─► ChangePasswordHandler
        ─► current password checked under the login's lockout (LoginAttempts)
        ─► new hash and sessionVersion + 1 ─► PasswordChangedEvent ─► a fresh token

From the commit on, `me` refuses the ended tokens: it reads the session's state in the SELECT
that reads the user (adapters/sessions.py).
"""

from __future__ import annotations

from ..auth.passwords import PasswordHasher
from ..auth.tokens import TokenService
from ..domain import rules
from ..domain.commands import ChangePasswordCommand, LogoutCommand
from ..domain.errors import InvalidCredentials, NotAuthenticated, ValidationError
from ..domain.events import PasswordChangedEvent, UserLoggedOutEvent
from ..domain.model import LoginResult, Session, User, UserView
from ..settings import Settings
from .handlers import UnitOfWorkFactory, require_texts
from .login import LoginAttempts

WRONG_CURRENT_PASSWORD = "The current password is not right."


class LogoutHandler:
    def __init__(self, uow: UnitOfWorkFactory, tokens: TokenService) -> None:
        self.uow, self.tokens = uow, tokens

    def execute(self, command: LogoutCommand) -> bool:
        """End the token's session; NotAuthenticated if it has ended already."""
        session = self.tokens.claims(command.token)
        with self.uow() as uow:
            user = uow.sessions.user(session)
            uow.sessions.end(session)
            uow.add_event(UserLoggedOutEvent(user_id=user.user_id))
            uow.commit()
        return True


class ChangePasswordHandler:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        tokens: TokenService,
        attempts: LoginAttempts,
        settings: Settings,
    ) -> None:
        self.uow, self.hasher, self.tokens = uow, hasher, tokens
        self.attempts, self.settings = attempts, settings

    def execute(self, command: ChangePasswordCommand) -> LoginResult:
        require_texts(
            currentPassword=command.currentPassword,
            password=command.password,
            passwordConfirm=command.passwordConfirm,
        )
        session = self.tokens.claims(command.token)
        with self.attempts.reader() as uow:
            user = uow.sessions.user(session)
        password = self._new_password(command, user)
        self._check_current(user, command.currentPassword)
        self._store(user, self.hasher.hash(password), session)
        token = self.tokens.issue(user.user_id, session.version + 1)
        return LoginResult(UserView.of(user), token, self.tokens.expires_in)

    def _new_password(self, command: ChangePasswordCommand, user: User) -> str:
        """The new password, by the signup rules (checked before any hash runs)."""
        return rules.new_password(
            command.password,
            command.passwordConfirm,
            min_length=self.settings.PASSWORD_MIN_LENGTH,
            username=user.username,
            email=user.email,
        )

    def _check_current(self, user: User, current_password: str) -> None:
        """A wrong current password is a failed login of the account's email: it counts toward
        the same lockout, and a locked account is refused with TooManyAttempts."""
        current = rules.normalise_password(current_password)
        if len(current) > rules.PASSWORD_MAX_LENGTH:
            raise ValidationError("currentPassword", "A password has at most 128 characters.")
        try:
            self.attempts.check(rules.parse_email(user.email).normalised, current)
        except InvalidCredentials:
            raise ValidationError("currentPassword", WRONG_CURRENT_PASSWORD) from None

    def _store(self, user: User, new_hash: str, session: Session) -> None:
        with self.uow() as uow:
            if not uow.users.change_password(user.user_id, new_hash, session.version):
                raise NotAuthenticated()  # another change or a reset ended this session first
            uow.login_failures.reset_attempts(rules.parse_email(user.email).normalised)
            uow.add_event(PasswordChangedEvent(user_id=user.user_id, email=user.email))
            uow.commit()
