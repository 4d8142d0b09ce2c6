-- The event log and transactional outbox: events are written in the same transaction as the
-- change that raised them, and dispatched after commit. dispatchedAt stays NULL until every
-- handler and saga of the event succeeded, so a restart dispatches what is left.
CREATE TABLE events (
  position     BIGINT       NOT NULL AUTO_INCREMENT,
  id           CHAR(36)     NOT NULL,
  type         VARCHAR(100) NOT NULL,
  aggregateId  VARCHAR(254) NOT NULL,
  payload      JSON         NOT NULL,
  occurredAt   DATETIME(6)  NOT NULL,
  dispatchedAt DATETIME(6)  NULL,
  CONSTRAINT pk_events PRIMARY KEY (position),
  CONSTRAINT uq_events_id UNIQUE (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE INDEX ix_events_undispatched ON events (dispatchedAt, position);
