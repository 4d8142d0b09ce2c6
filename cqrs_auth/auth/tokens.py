"""JWTs with PyJWT: HS256, claims `sub` (the user's UUID), `iat` and `exp`.

Verification pins the algorithm list, so a token with `alg: none` or another algorithm is
refused, and requires all three claims. A token that verified is remembered (its user and its
expiry, for the last VERIFIED_TOKENS tokens): the same token again costs a dictionary look-up
and a clock reading instead of PyJWT's decoding, and it still fails once it has expired.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import jwt

from ..domain.errors import NotAuthenticated
from ..tracing import traced

ALGORITHM = "HS256"
VERIFIED_TOKENS = 4096


@dataclass(frozen=True)
class TokenService:
    secret: str
    expires_in: int
    _claims: Callable[[str], tuple[str, float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_claims", lru_cache(maxsize=VERIFIED_TOKENS)(self._decode))

    @traced("TokenService.issue")
    def issue(self, user_id: str) -> str:
        now = int(time.time())
        claims = {"sub": user_id, "iat": now, "exp": now + self.expires_in}
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    @traced("TokenService.verify")
    def verify(self, token: str) -> str:
        """Return the user id a valid token names; raise NotAuthenticated otherwise."""
        user_id, expires = self._claims(token)
        if expires <= time.time():  # as PyJWT checks `exp`
            raise NotAuthenticated()
        return user_id

    def _decode(self, token: str) -> tuple[str, float]:
        """The user id and expiry of a token whose signature and claims are valid now."""
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.PyJWTError:
            raise NotAuthenticated() from None
        return str(claims["sub"]), float(claims["exp"])
