"""JWTs with PyJWT: HS256, claims `sub` (the user's UUID), `iat` and `exp`.

Verification pins the algorithm list, so a token with `alg: none` or another algorithm is
refused, and requires all three claims.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from ..domain.errors import NotAuthenticated
from ..tracing import traced

ALGORITHM = "HS256"


@dataclass(frozen=True)
class TokenService:
    secret: str
    expires_in: int

    @traced("TokenService.issue")
    def issue(self, user_id: str) -> str:
        now = int(time.time())
        claims = {"sub": user_id, "iat": now, "exp": now + self.expires_in}
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    @traced("TokenService.verify")
    def verify(self, token: str) -> str:
        """Return the user id a valid token names; raise NotAuthenticated otherwise."""
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.PyJWTError:
            raise NotAuthenticated() from None
        return str(claims["sub"])
