"""SQLAlchemy Core descriptions of the tables that the SQL files in `sql/` create.

The DDL in `sql/` is the truth (it is what learners read and what migrations run); these
descriptions only let the repositories build queries. A test checks the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("userId", LargeBinary(16), primary_key=True),
    Column("username", String(100), nullable=False),
    Column("email", String(254), nullable=False),
    Column("password", String(255), nullable=False),
    Column("usernameNormalised", String(100), nullable=False, unique=True),
    Column("emailNormalised", String(254), nullable=False, unique=True),
    Column("createdAt", DateTime, nullable=False),
    Column("sessionVersion", Integer, nullable=False, server_default="0"),  # sql/011
)

events = Table(
    "events",
    metadata,
    Column("position", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("type", String(100), nullable=False),
    Column("aggregateId", String(254), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("occurredAt", DateTime, nullable=False),
    Column("dispatchedAt", DateTime, nullable=True),
    Column("claimedBy", String(64), nullable=True),
    Column("claimedUntil", DateTime, nullable=True),
)

mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("causationId", String(36), nullable=False, unique=True),
    Column("recipient", String(254), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("createdAt", DateTime, nullable=False),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("emailNormalised", String(254), primary_key=True),
    Column("attempts", Integer, nullable=False),
    Column("windowStartedAt", DateTime, nullable=False),
    Column("lockedUntil", DateTime, nullable=True),
    Column("attemptToken", String(32), nullable=True),
)

# Beyond the tutorial (sql/007-009): the read model, its checkpoint, and password reset.
user_activity = Table(
    "user_activity",
    metadata,
    Column("userId", LargeBinary(16), primary_key=True),
    Column("emailNormalised", String(254), nullable=True, unique=True),  # NULL: reused (010)
    Column("signedUpAt", DateTime, nullable=False),
    Column("loginCount", Integer, nullable=False),
    Column("lastLoginAt", DateTime, nullable=True),
    Column("failedLoginsSinceLastSuccess", Integer, nullable=False),
    Column("lockedUntil", DateTime, nullable=True),
    Column("passwordResetRequestedAt", DateTime, nullable=True),
    Column("passwordChangedAt", DateTime, nullable=True),
    Column("lastLoggedOutAt", DateTime, nullable=True),  # sql/011
)

projection_checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("projection", String(100), primary_key=True),
    Column("position", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
)

password_reset_tokens = Table(
    "password_reset_tokens",
    metadata,
    Column("userId", LargeBinary(16), primary_key=True),
    Column("tokenHash", LargeBinary(32), nullable=False, unique=True),
    Column("createdAt", DateTime, nullable=False),
    Column("expiresAt", DateTime, nullable=False),
    Column("usedAt", DateTime, nullable=True),
)

password_reset_requests = Table(
    "password_reset_requests",
    metadata,
    Column("emailNormalised", String(254), primary_key=True),
    Column("requests", Integer, nullable=False),
    Column("windowStartedAt", DateTime, nullable=False),
)

# Beyond the tutorial (sql/010): events a consumer could not apply, set aside for an operator.
parked_events = Table(
    "parked_events",
    metadata,
    Column("eventId", String(36), primary_key=True),
    Column("consumer", String(100), primary_key=True),
    Column("eventType", String(100), nullable=False),
    Column("error", String(1000), nullable=False),
    Column("parkedAt", DateTime, nullable=False),
)

# Beyond the tutorial (sql/011): tokens logged out before they expire, by their `jti`.
ended_sessions = Table(
    "ended_sessions",
    metadata,
    Column("sessionId", String(32), primary_key=True),
    Column("userId", LargeBinary(16), nullable=False),
    Column("expiresAt", DateTime, nullable=False),
)

# Recorded by the migration step, like TypeORM's `custom_migration_table` in the tutorial.
migrations = Table(
    "custom_migration_table",
    metadata,
    Column("version", String(20), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("appliedAt", DateTime, nullable=False),
)

# The unique constraints, by name, and the field each protects (see repository.py).
UNIQUE_FIELDS = {"uq_users_username": "username", "uq_users_email": "email"}
