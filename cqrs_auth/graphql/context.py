"""What every resolver gets as `info.context`: the kit, the caller's bearer token, and the
user a guard has put there for this request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..domain.model import LoginResult

if TYPE_CHECKING:
    from ..bootstrap import App


@dataclass
class Context:
    app: App
    token: str | None = field(default=None, repr=False)
    login: LoginResult | None = None  # set by the login guard, read with current_login()


def bearer_token(value: str | None) -> str | None:
    """The token in `Bearer <jwt>` (an Authorization header's value) or a bare `<jwt>`."""
    if not value:
        return None
    scheme, _, rest = value.strip().partition(" ")
    if rest and scheme.lower() == "bearer":
        return rest.strip() or None
    return value.strip()
