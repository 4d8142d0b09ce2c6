"""Settings from the environment or a `.env` file (pydantic-settings), with defaults and checks.

The tutorial read its TypeORM connection from `.env` through @nestjs/config; this is the same idea.
"""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import Field, HttpUrl, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

DEV_JWT_SECRET = "development-only-secret-do-not-use-in-production"
MIN_SECRET_BYTES = 32
CHEAP_REQUEST_THREADS = 8


def worker_threads(hash_concurrency: int, hash_queue_size: int) -> int:
    """The HTTP server's threads for requests: room for every request the hash lane admits,
    plus threads only requests without a hash can use (a request refused by a full lane gives
    its thread back at once). The database pool keeps a connection for each (bootstrap)."""
    return hash_concurrency + hash_queue_size + CHEAP_REQUEST_THREADS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", case_sensitive=True, hide_input_in_errors=True
    )

    DATABASE_URL: str = "sqlite:///cqrs_auth.db"
    ENVIRONMENT: Literal["development", "production"] = "development"
    DEBUG: bool = False  # put exception details into GraphQL errors; never in production
    SQL_ECHO: bool = False

    JWT_SECRET: str = Field(default="", repr=False)
    JWT_EXPIRES_IN: int = Field(default=3600, gt=0)

    PASSWORD_MIN_LENGTH: int = Field(default=15, ge=8, le=64)
    ARGON2_MEMORY_KIB: int = Field(default=19456, ge=19456)  # OWASP minimum: 19 MiB
    ARGON2_TIME_COST: int = Field(default=2, ge=2)
    HASH_CONCURRENCY: int = Field(default=2, ge=1)  # argon2 takes ARGON2_MEMORY_KIB per call
    HASH_QUEUE_SIZE: int = Field(default=32, ge=0)  # hashes that may wait; beyond: SERVER_BUSY
    # over HTTP, a SERVER_BUSY answer waits (on the event loop, no thread held) as long as the
    # hash lane needs for the requests ahead of it, at least the first and at most the second,
    # so that clients that retry at once cannot spend the hashes' CPU on refusals
    SERVER_BUSY_PAUSE_SECONDS: float = Field(default=1.0, ge=0, le=30)
    SERVER_BUSY_MAX_PAUSE_SECONDS: float = Field(default=10.0, ge=0, le=60)

    LOGIN_MAX_FAILURES: int = Field(default=5, ge=1)
    LOGIN_FAILURE_WINDOW_SECONDS: int = Field(default=900, gt=0)
    LOGIN_LOCK_SECONDS: int = Field(default=900, gt=0)

    # Beyond the tutorial: the read model and password reset (issue #9).
    PROJECTION_GAP_TIMEOUT_SECONDS: int = Field(default=30, gt=0)
    PASSWORD_RESET_URL: HttpUrl = HttpUrl("http://localhost:3000/reset-password")
    PASSWORD_RESET_TTL_SECONDS: int = Field(default=1800, ge=60)
    PASSWORD_RESET_MAX_REQUESTS: int = Field(default=3, ge=1)
    # at most the TTL (issue 18): while the window refuses requests, the newest link still works
    PASSWORD_RESET_WINDOW_SECONDS: int = Field(default=1800, gt=0)

    MIGRATIONS_RUN: bool = True  # the tutorial's TypeORM `migrationsRun: true`
    # `cqrs-auth serve`: uvicorn's line per request (up to ~0.1 ms of CPU each; behind a proxy
    # that logs requests, false saves it)
    ACCESS_LOG: bool = True
    # `cqrs-auth serve`'s HTTP/1.1 parser: httptools (C, faster) or h11 (pure Python)
    HTTP_PARSER: Literal["httptools", "h11"] = "httptools"

    RELAY_INTERVAL_SECONDS: float = Field(default=5.0, gt=0)  # the server's outbox relay
    RELAY_LEASE_SECONDS: float = Field(default=30.0, gt=0)  # how long a claim on an event holds

    # The janitor: deletes expired rows of the lockout and of the reset limit (issue #7).
    JANITOR_INTERVAL_SECONDS: float = Field(default=60.0, gt=0)  # how often the relay sweeps
    JANITOR_BATCH_SIZE: int = Field(default=500, ge=1)  # rows per DELETE (one transaction each)

    GRAPHQL_MAX_DEPTH: int = Field(default=8, ge=2)
    GRAPHQL_MAX_TOKENS: int = Field(default=1000, ge=50)
    MAX_BODY_BYTES: int = Field(default=65536, ge=1024)

    # Smaller doors: root fields per document, JSON nesting, slow clients (see README).
    GRAPHQL_MAX_ROOT_FIELDS: int = Field(default=10, ge=1)
    MAX_JSON_DEPTH: int = Field(default=32, ge=4, le=200)
    HEADER_TIMEOUT_SECONDS: float = Field(default=10, gt=0)
    # a request's head (request line and headers) larger than this is answered 431 (issue #18)
    MAX_HEAD_BYTES: int = Field(default=32768, ge=4096, le=1048576)
    BODY_TIMEOUT_SECONDS: float = Field(default=20, gt=0)

    @model_validator(mode="after")
    def _check_production(self) -> Settings:
        """Production refuses what is only for development: stack traces in answers, and the
        development secret that anyone can read in this file."""
        if self.production and self.DEBUG:
            raise ValueError(
                "DEBUG=true is refused in production (answers would carry stack traces)"
            )
        if self.production and self.JWT_SECRET == DEV_JWT_SECRET:
            raise ValueError("the development JWT_SECRET is refused in production: set your own")
        return self

    @model_validator(mode="after")
    def _check_pauses(self) -> Settings:
        if self.SERVER_BUSY_MAX_PAUSE_SECONDS < self.SERVER_BUSY_PAUSE_SECONDS:
            raise ValueError(
                "SERVER_BUSY_MAX_PAUSE_SECONDS must be at least SERVER_BUSY_PAUSE_SECONDS"
            )
        return self

    @model_validator(mode="after")
    def _check_reset_window(self) -> Settings:
        """A reset link lives at least as long as the window that can refuse a new one: while
        requests for an email are refused, the newest link mailed for it still works, so whoever
        sends the requests a window allows cannot leave the owner without one."""
        if self.PASSWORD_RESET_TTL_SECONDS < self.PASSWORD_RESET_WINDOW_SECONDS:
            raise ValueError(
                "PASSWORD_RESET_TTL_SECONDS must be at least PASSWORD_RESET_WINDOW_SECONDS "
                "(a link must outlive the window that can refuse a new one)"
            )
        return self

    @model_validator(mode="after")
    def _check_secret(self) -> Settings:
        """An empty JWT_SECRET (`JWT_SECRET=` in a .env file) counts as not set."""
        if not self.JWT_SECRET:
            if self.production:
                raise ValueError("JWT_SECRET must be set in production")
            log.warning(
                "JWT_SECRET is not set: using the DEVELOPMENT default secret. "
                "Anyone can forge tokens for this server. Set JWT_SECRET (>= 32 bytes)."
            )
            self.JWT_SECRET = DEV_JWT_SECRET
        elif len(self.JWT_SECRET.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long")
        return self

    @property
    def production(self) -> bool:
        return self.ENVIRONMENT == "production"
