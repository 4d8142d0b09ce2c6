"""Password reset tokens: 32 random bytes from `secrets`, stored only as their SHA-256.

Why SHA-256 and not argon2, as for passwords: argon2 is slow on purpose, to make guessing a
low-entropy secret (a password people chose) expensive. A token of 256 random bits cannot be
guessed however fast the hash, so a fast hash loses nothing; and an unsalted one lets the reset
find the token's row by its hash (a salted, slow hash would need the row first, so the token
would have to carry an id, and every bad token would cost an argon2 run).

Finding the row by hash is no timing oracle: the database compares SHA-256 values, and an
attacker who learned how many leading bytes of a hash matched could still not make a token
whose hash starts with those bytes (that would be a preimage attack on SHA-256).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_reset_token() -> str:
    """A fresh token, URL-safe (43 characters of base64url for 32 bytes)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_reset_token(token: str) -> bytes:
    """What is stored and looked up: SHA-256 of the token's UTF-8 text (32 bytes)."""
    return hashlib.sha256(token.encode()).digest()


def email_key(secret: str, email: str) -> str:
    """What the event log keeps of the email a reset was asked for (issue 18): HMAC-SHA256 of the
    normalised email, keyed from the server's secret, in hex. Requests for one email share a key,
    so an operator can see them repeat; without the secret nobody can test a guessed email
    against it (a plain hash of an email is reversed by hashing a list of emails)."""
    key = hashlib.sha256(b"cqrs-auth password reset email key\0" + secret.encode()).digest()
    return hmac.new(key, email.encode(), hashlib.sha256).hexdigest()
