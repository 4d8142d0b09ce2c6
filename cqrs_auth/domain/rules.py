"""Input rules for signup and login. Each failure is a ValidationError naming its field.

Sources: NIST SP 800-63B rev. 4 (at least 15 characters for a single-factor password, no
composition rules, check against common passwords); OWASP ASVS 5.0 V6.2 (allow at least 64,
count code points, no truncation, say why a password was refused).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from email_validator import EmailNotValidError, validate_email
from zxcvbn.matching import RANKED_DICTIONARIES

from .errors import ValidationError

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{3,100}")
PASSWORD_MAX_LENGTH = 128
EMAIL_MAX_LENGTH = 254  # RFC 5321's limit, and the VARCHAR(254) of every email column
MAX_SIMILARITY = 0.7  # as Django's UserAttributeSimilarityValidator

# zxcvbn ships a ranked list of the 30,000 most common passwords (from leaked-password corpora).
COMMON_PASSWORDS = RANKED_DICTIONARIES["passwords"]


def require_text(value: object, field: str) -> str:
    """The value, if it is a string that UTF-8 can encode; a ValidationError naming `field` if not.

    A JSON string may carry a lone UTF-16 surrogate ("\\ud800"), which Python keeps in a str but
    no encoder, hasher or database accepts. Every handler calls this first, on every string it
    gets, so such input is refused before any lookup or hash, the same way for every email.
    """
    if not isinstance(value, str):
        raise ValidationError(field, f"The {field} must be a string.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            field, f"The {field} is not valid text: it holds a lone UTF-16 surrogate."
        ) from None
    return value


@dataclass(frozen=True)
class Email:
    """An email address in its two forms.

    `address`: as the user wrote it, after email-validator's normalisation (local part in
    Unicode NFC, RFC 6532 3.1; domain in its Unicode form, lower-cased).
    `normalised`: the key every unique index and lookup uses: the local part lower-cased with
    `str.lower()` (never `casefold()`: "ß" and "ss" stay two mailboxes) and brought back to NFC,
    "@", and the domain's IDNA ASCII (punycode) form, so "bücher.example" and
    "xn--bcher-kva.example" are the same domain.
    """

    address: str
    normalised: str


class ParsedEmail(str):
    """An address `parse_email` has already parsed, as the GraphQL scalar hands it on: the
    string is the address, and `parse_email` gives back its `email` instead of parsing again.
    Only `ParsedEmail.of` makes one; any other string is parsed in full."""

    email: Email

    @classmethod
    def of(cls, email: Email) -> ParsedEmail:
        parsed = cls(email.address)
        parsed.email = email
        return parsed


def parse_email(raw: object, field: str = "email") -> Email:
    if type(raw) is ParsedEmail:
        return raw.email
    text = require_text(raw, field)
    try:
        parsed = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(field, f"Invalid email address: {exc}") from None
    local = unicodedata.normalize("NFC", parsed.local_part.lower())
    return bounded(Email(parsed.normalized, f"{local}@{parsed.ascii_domain.lower()}"), field)


def bounded(email: Email, field: str = "email") -> Email:
    """Both forms must fit the email columns (VARCHAR(254): characters on MySQL/MariaDB), so
    that every backend accepts or refuses the same addresses."""
    if max(len(email.address), len(email.normalised)) > EMAIL_MAX_LENGTH:
        raise ValidationError(field, f"An email address has at most {EMAIL_MAX_LENGTH} characters.")
    return email


def normalise_username(raw: str) -> str:
    username = raw.strip()
    if not USERNAME_PATTERN.fullmatch(username):
        raise ValidationError(
            "username",
            "A username has 3 to 100 characters: letters, digits, '.', '_' or '-'.",
        )
    return username


def normalise_password(raw: str) -> str:
    """NFKC, so the same password typed on another keyboard hashes the same."""
    return unicodedata.normalize("NFKC", raw)


def check_password(password: str, *, min_length: int, username: str, email: str) -> None:
    """Check an already normalised password; the message says which rule failed."""
    if len(password) < min_length:
        raise ValidationError("password", f"A password needs at least {min_length} characters.")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationError(
            "password", f"A password has at most {PASSWORD_MAX_LENGTH} characters."
        )
    if password.casefold() in COMMON_PASSWORDS:
        raise ValidationError("password", "This password is on a list of common passwords.")
    if too_similar(password, username, email):
        raise ValidationError("password", "The password is too similar to the username or email.")


def check_confirmation(password: str, confirmation: str) -> None:
    if normalise_password(confirmation) != password:
        raise ValidationError("passwordConfirm", "The two passwords do not match.")


def new_password(raw: str, confirmation: str, *, min_length: int, username: str, email: str) -> str:
    """The normalised password that a signup, a reset or a change will hash, by every rule
    (checked before any hash runs)."""
    password = normalise_password(raw)
    check_password(password, min_length=min_length, username=username, email=email)
    check_confirmation(password, confirmation)
    return password


def too_similar(password: str, username: str, email: str) -> bool:
    """Whether the password contains, or closely resembles, the username or the email."""
    lowered = password.casefold()
    for value in (username, email, email.split("@")[0]):
        value = value.casefold()
        if len(value) >= 4 and value in lowered:
            return True
        for part in dict.fromkeys((value, *re.split(r"\W+", value))):  # in order, once each
            if len(part) < 3:
                continue
            matcher = SequenceMatcher(a=lowered, b=part)
            if matcher.quick_ratio() >= MAX_SIMILARITY and matcher.ratio() >= MAX_SIMILARITY:
                return True
    return False
