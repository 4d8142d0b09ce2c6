"""JWTs with PyJWT: HS256, claims `sub` (the user's UUID), `iat`, `exp`, `jti` (the session's
id, which a logout ends) and `sv` (the account's session version it was issued under, which a
password change or reset moves on).

Verification pins the algorithm list, so a token with `alg: none` or another algorithm is
refused, and requires all five claims. A token that verified is remembered (its claims, for the
last VERIFIED_TOKENS tokens): the same token again costs a dictionary look-up and a clock reading
instead of PyJWT's decoding, and it still fails once it has expired.

What is remembered is only that the signature and claims are good, never that the session is
still open: whether a session was ended (logout, password change, reset) is in the database, and
every request that acts for a token asks it (`me` in the SELECT that reads the user, so the check
costs no statement). A remembered token that was logged out is refused like any other.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import jwt

from ..domain.errors import NotAuthenticated
from ..domain.model import Session
from ..tracing import traced

ALGORITHM = "HS256"
VERIFIED_TOKENS = 4096
REQUIRED = ["exp", "iat", "sub", "jti", "sv"]


@dataclass(frozen=True)
class TokenService:
    secret: str
    expires_in: int
    _claims: Callable[[str], Session] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_claims", lru_cache(maxsize=VERIFIED_TOKENS)(self._decode))

    @traced("TokenService.issue")
    def issue(self, user_id: str, session_version: int = 0) -> str:
        """A token for a new session of the user, under the account's `session_version`."""
        now = int(time.time())
        claims = {
            "sub": user_id,
            "iat": now,
            "exp": now + self.expires_in,
            "jti": secrets.token_hex(16),
            "sv": session_version,
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> str:
        """Return the user id a valid token names; raise NotAuthenticated otherwise. (Whether
        its session is still open is the database's to say: see the module's docstring.)"""
        return self.claims(token).user_id

    @traced("TokenService.verify")
    def claims(self, token: str) -> Session:
        """The claims of a valid token; raise NotAuthenticated otherwise."""
        claims = self._claims(token)
        if claims.expires_at <= time.time():  # as PyJWT checks `exp`
            raise NotAuthenticated()
        return claims

    def _decode(self, token: str) -> Session:
        """The claims of a token whose signature and claims are valid now."""
        try:
            claims = jwt.decode(
                token, self.secret, algorithms=[ALGORITHM], options={"require": REQUIRED}
            )
            return Session(
                str(claims["sub"]), str(claims["jti"]), int(claims["sv"]), float(claims["exp"])
            )
        except (jwt.PyJWTError, TypeError, ValueError):
            raise NotAuthenticated() from None
