-- SQLite variant of 002_create_events.sql.
CREATE TABLE events (
  position     INTEGER      NOT NULL,
  id           CHAR(36)     NOT NULL,
  type         VARCHAR(100) NOT NULL,
  aggregateId  VARCHAR(254) NOT NULL,
  payload      JSON         NOT NULL,
  occurredAt   DATETIME     NOT NULL,
  dispatchedAt DATETIME     NULL,
  CONSTRAINT pk_events PRIMARY KEY (position AUTOINCREMENT),
  CONSTRAINT uq_events_id UNIQUE (id)
);

CREATE INDEX ix_events_undispatched ON events (dispatchedAt, position);
