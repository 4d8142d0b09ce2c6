"""Events: facts in the past tense. Their type names are their class names.

Every event has an `event_id` (consumers use it to stay idempotent under at-least-once
delivery) and an `occurred_at` time. Payloads are stored as JSON with camelCase keys, the
names the tutorial and the GraphQL schema use.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

ERASED = "(erased)"  # what an erased event holds instead of an email or a username: no address


def _new_id() -> str:
    return str(uuid.uuid4())


def _now() -> datetime:
    return datetime.now(UTC)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True, kw_only=True)
class Event:
    event_id: str = field(default_factory=_new_id)
    occurred_at: datetime = field(default_factory=_now)

    registry: ClassVar[dict[str, type[Event]]] = {}
    personal: ClassVar[tuple[str, ...]] = ()  # the fields that name a person (issue 21)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Only the kit's own event classes are known by name, to restore stored events and to
        subscribe the read model. A class defined elsewhere (a learner's, in a notebook) is
        not: re-defining it with other fields cannot change how the kit reads its log."""
        super().__init_subclass__(**kwargs)
        if cls.__module__.partition(".")[0] == __name__.partition(".")[0]:
            Event.registry[cls.__name__] = cls

    @property
    def type(self) -> str:
        return type(self).__name__

    @property
    def aggregate_id(self) -> str:
        """The thing the event is about: a user's id, or an email for login events."""
        raise NotImplementedError

    @property
    def needs_dispatch(self) -> bool:
        """Whether a handler or a saga may have work to do for the event. One that cannot is
        stored as dispatched already, so the relay never claims it; the read model still reads
        it from the log, in order, with the others."""
        return True

    def erased(self) -> Event:
        """This event with its personal fields replaced by ERASED (forgetting a person, issue
        21): the same id, time, type and other fields, so counts, positions and the consumers'
        idempotence hold, and a consumer can tell it from the marker."""
        erased: dict[str, Any] = dict.fromkeys(self.personal, ERASED)
        return dataclasses.replace(self, **erased)

    @property
    def is_erased(self) -> bool:
        return any(getattr(self, name) == ERASED for name in self.personal)

    def payload(self) -> dict[str, Any]:
        return {
            _camel(f.name): getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("event_id", "occurred_at")
        }

    @classmethod
    def restore(
        cls, type_name: str, event_id: str, occurred_at: datetime, payload: dict[str, Any]
    ) -> Event:
        """Rebuild a stored event (used when re-dispatching after a restart)."""
        event_cls = cls.registry[type_name]
        fields = {_snake(key): value for key, value in payload.items()}
        return event_cls(event_id=event_id, occurred_at=occurred_at, **fields)


@dataclass(frozen=True, kw_only=True)
class UserCreatedEvent(Event):
    personal = ("username", "email")
    user_id: str
    username: str
    email: str

    @property
    def aggregate_id(self) -> str:
        return self.user_id


@dataclass(frozen=True, kw_only=True)
class WelcomeEmailSentEvent(Event):
    personal = ("email",)
    user_id: str
    email: str
    mail_id: str

    @property
    def aggregate_id(self) -> str:
        return self.user_id


@dataclass(frozen=True, kw_only=True)
class UserLoggedInEvent(Event):
    personal = ("email",)
    user_id: str
    email: str

    @property
    def aggregate_id(self) -> str:
        return self.user_id


@dataclass(frozen=True, kw_only=True)
class UserLoginFailedEvent(Event):
    """A failed login for an email, whether or not an account has it (the log reveals nothing)."""

    personal = ("email",)
    email: str
    failures: int

    @property
    def aggregate_id(self) -> str:
        return self.email


@dataclass(frozen=True, kw_only=True)
class AccountLockedEvent(Event):
    personal = ("email",)
    email: str
    failures: int
    locked_until: str  # ISO 8601, UTC

    @property
    def aggregate_id(self) -> str:
        return self.email


# Beyond the tutorial: password reset. No event ever holds a reset token or its hash: the
# token is only in the reset mail.


@dataclass(frozen=True, kw_only=True)
class PasswordResetRequestedEvent(Event):
    """A reset was asked for an email, under the rate limit. Stored for every email, with or
    without an account, so that a request does the same work either way (no oracle); but the
    email itself is kept only when an account has it (issue 18): `email` is the account's
    normalised email, or "" for an email nobody has. `email_key` (an HMAC of the email asked
    about, auth/reset_tokens.py) keys the event either way. (Events stored before issue 18 have
    the email asked about and no key.)"""

    personal = ("email", "email_key")
    email: str
    email_key: str = ""

    @property
    def aggregate_id(self) -> str:
        return self.email_key or self.email

    @property
    def needs_dispatch(self) -> bool:
        """Only with an account: a flood of requests for emails nobody has gives the relay no
        work to do, so it cannot delay anybody's mail."""
        return bool(self.email)


@dataclass(frozen=True, kw_only=True)
class PasswordResetEmailSentEvent(Event):
    """The reset mail, with its link, is in the mail outbox; the link works until `expires_at`."""

    personal = ("email",)
    user_id: str
    email: str
    mail_id: str
    expires_at: str  # ISO 8601, UTC

    @property
    def aggregate_id(self) -> str:
        return self.user_id


@dataclass(frozen=True, kw_only=True)
class PasswordChangedEvent(Event):
    """A user set a new password: with a reset token, or logged in with changePassword (issue
    18 reuses this event: the fact and its consequences are the same). Every session of the
    account ended with it."""

    personal = ("email",)
    user_id: str
    email: str

    @property
    def aggregate_id(self) -> str:
        return self.user_id


@dataclass(frozen=True, kw_only=True)
class PasswordChangedEmailSentEvent(Event):
    """The mail telling the user that the password changed is in the mail outbox."""

    personal = ("email",)
    user_id: str
    email: str
    mail_id: str

    @property
    def aggregate_id(self) -> str:
        return self.user_id


# Beyond the tutorial: sessions you can end (issue 18). No event holds a token or its id.


@dataclass(frozen=True, kw_only=True)
class UserLoggedOutEvent(Event):
    """A session ended by a logout with its token; the account's other sessions stay open."""

    user_id: str

    @property
    def aggregate_id(self) -> str:
        return self.user_id


# Beyond the tutorial: forgetting a person (issue 21).


@dataclass(frozen=True, kw_only=True)
class AccountDeletedEvent(Event):
    """An account was deleted at its owner's request: its row is gone, its sessions ended, and
    every event about it or its email erased (their personal fields are ERASED) in the same
    transaction. The event names the account by its id only."""

    user_id: str

    @property
    def aggregate_id(self) -> str:
        return self.user_id
