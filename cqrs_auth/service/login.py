"""Logging in, and the lockout: the PerformLoginCommand and LockAccountCommand handlers.

A login first reserves its attempt in the database (`uow.login_failures.reserve`, committed
before any hash): an email that is locked, or that has used up LOGIN_MAX_FAILURES attempts in
its window, is refused with TooManyAttempts and runs no hash, however many requests race. An
admitted attempt verifies the password (against a dummy hash for an unknown email, so both cost
the same) and then settles: a failure stores UserLoginFailedEvent with the attempt's number, and
the lockout saga turns the one that reaches the limit into LockAccountCommand; a success starts
the count again but never lifts a lock, so a login admitted before a lock cannot undo it. A
success whose account is gone by then, or whose lockout row is (the account was deleted, or its
password reset, meanwhile), is refused as a wrong password, and stores nothing: the statement
that starts the count again asks for both.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..adapters.clock import utcnow
from ..adapters.login_failures import Reservation
from ..auth.passwords import PasswordHasher
from ..auth.tokens import TokenService
from ..domain import rules
from ..domain.commands import LockAccountCommand, PerformLoginCommand
from ..domain.errors import InvalidCredentials, ServerBusy, TooManyAttempts, ValidationError
from ..domain.events import AccountLockedEvent, UserLoggedInEvent, UserLoginFailedEvent
from ..domain.model import LoginResult, User, UserView
from ..settings import Settings
from .handlers import UnitOfWorkFactory, require_texts

Clock = Callable[[], datetime]


class LoginAttempts:
    """The lockout's side of checking a password: reserve the attempt, verify, settle a failure.
    Logging in uses it, and so does changePassword for the current password, so a wrong one
    there counts toward the same lockout as a wrong login."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        settings: Settings,
        clock: Clock = utcnow,
        reader: UnitOfWorkFactory | None = None,
    ) -> None:
        """`reader`: units of work that only read (default: `uow`)."""
        self.uow, self.hasher, self.settings = uow, hasher, settings
        self.clock, self.reader = clock, reader or uow

    def check(self, email: str, password: str) -> tuple[User, str | None]:
        """The account of `email` if `password` is its own, and a new hash of it when the stored
        one is due for an upgrade. Refused (the failure counted): InvalidCredentials; locked:
        TooManyAttempts; hash lane full: ServerBusy, with nothing counted."""
        if self.hasher.full():
            raise self._refusal(email)
        reservation = self._reserve(email)
        user = reservation.user
        try:
            ok, new_hash = self.hasher.verify_and_update(
                password, user.password_hash if user else None
            )
        except ServerBusy:
            self._release(email, reservation)
            raise
        if not (ok and user):
            self._settle_failure(email, reservation.attempt)
            raise InvalidCredentials()
        return user, new_hash

    def _reserve(self, email: str) -> Reservation:
        now = self.clock()
        with self.uow() as uow:
            reservation = uow.login_failures.reserve(email, **self._rule(now))
            uow.commit()
        if not reservation.admitted:
            raise TooManyAttempts(self._retry_after(reservation, now))
        return reservation

    def _refusal(self, email: str) -> TooManyAttempts | ServerBusy:
        """With the hash lane full, answer as the lockout would, without counting an attempt
        (which the lane would refuse and give back): a storm of logins then costs one read
        each, not two write transactions."""
        now = self.clock()
        with self.reader() as uow:
            refused = uow.login_failures.peek(email, **self._rule(now))
        return TooManyAttempts(self._retry_after(refused, now)) if refused else ServerBusy()

    def _rule(self, now: datetime) -> dict[str, Any]:
        """The lockout's rule at `now`, as `reserve` and `peek` take it."""
        window = timedelta(seconds=self.settings.LOGIN_FAILURE_WINDOW_SECONDS)
        cutoff, limit = now - window, self.settings.LOGIN_MAX_FAILURES
        return {"now": now, "window_cutoff": cutoff, "max_attempts": limit}

    def _retry_after(self, reservation: Reservation, now: datetime) -> int:
        """Seconds until the lock ends; before the saga has written it, a whole lock period."""
        if reservation.locked_until and reservation.locked_until > now:
            return max(1, math.ceil((reservation.locked_until - now).total_seconds()))
        return self.settings.LOGIN_LOCK_SECONDS

    def _release(self, email: str, reservation: Reservation) -> None:
        with self.uow() as uow:
            uow.login_failures.release(email, reservation)
            uow.commit()

    def _settle_failure(self, email: str, attempt: int) -> None:
        with self.uow() as uow:
            uow.add_event(
                UserLoginFailedEvent(email=email, failures=attempt, occurred_at=self.clock())
            )
            uow.commit()


class PerformLoginHandler:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        tokens: TokenService,
        settings: Settings,
        clock: Clock = utcnow,
        reader: UnitOfWorkFactory | None = None,
    ) -> None:
        """`reader`: units of work that only read (default: `uow`)."""
        self.uow, self.tokens = uow, tokens
        self.attempts = LoginAttempts(uow, hasher, settings, clock, reader)

    def execute(self, command: PerformLoginCommand) -> LoginResult:
        require_texts(email=command.email, password=command.password)
        email = rules.parse_email(command.email).normalised
        password = rules.normalise_password(command.password)
        if len(password) > rules.PASSWORD_MAX_LENGTH:
            raise ValidationError("password", "A password has at most 128 characters.")
        user, new_hash = self.attempts.check(email, password)
        self._settle_success(email, user, new_hash)
        token = self.tokens.issue(user.user_id, user.session_version)
        return LoginResult(UserView.of(user), token, self.tokens.expires_in)

    def _settle_success(self, email: str, user: User, new_hash: str | None) -> None:
        with self.uow() as uow:
            if new_hash:
                uow.users.update_password_hash(user.user_id, new_hash)
            if not uow.login_failures.reset_attempts(email, user.user_id):
                raise InvalidCredentials()  # the account was deleted (or reset) meanwhile
            uow.add_event(UserLoggedInEvent(user_id=user.user_id, email=user.email))
            uow.commit()


class LockAccountHandler:
    """Lock the email for LOGIN_LOCK_SECONDS from the failure that reached the limit. Once per
    lock: a re-dispatched (or late) event changes nothing and stores no second event."""

    def __init__(self, uow: UnitOfWorkFactory, settings: Settings) -> None:
        self.uow, self.settings = uow, settings

    def execute(self, command: LockAccountCommand) -> bool:
        until = command.failed_at + timedelta(seconds=self.settings.LOGIN_LOCK_SECONDS)
        with self.uow() as uow:
            if not uow.login_failures.lock(command.email, until, command.failed_at):
                return False
            uow.add_event(
                AccountLockedEvent(
                    email=command.email, failures=command.failures, locked_until=until.isoformat()
                )
            )
            uow.commit()
        return True
