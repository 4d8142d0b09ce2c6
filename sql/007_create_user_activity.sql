-- Beyond the tutorial: a read model. user_activity is a projection of the event log: the
-- projector (cqrs_auth/service/projection.py) fills it from the events, in log order, and
-- `cqrs-auth project --rebuild` can empty it and fill it again from the log alone.
--   emailNormalised: the key of the login events (UserLoginFailedEvent, AccountLockedEvent),
--   which are stored for any email; only an email with a row here belongs to a user.
-- projection_checkpoints holds, per projection, the position of the last event it applied: it
-- moves in the same transaction as the rows, so every event is applied exactly once.
CREATE TABLE user_activity (
  userId                       BINARY(16)   NOT NULL,
  emailNormalised              VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  signedUpAt                   DATETIME(6)  NOT NULL,
  loginCount                   INT          NOT NULL,
  lastLoginAt                  DATETIME(6)  NULL,
  failedLoginsSinceLastSuccess INT          NOT NULL,
  lockedUntil                  DATETIME(6)  NULL,
  passwordResetRequestedAt     DATETIME(6)  NULL,
  passwordChangedAt            DATETIME(6)  NULL,
  CONSTRAINT pk_user_activity PRIMARY KEY (userId),
  CONSTRAINT uq_user_activity_email UNIQUE (emailNormalised)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE projection_checkpoints (
  projection VARCHAR(100) NOT NULL,
  position   BIGINT       NOT NULL,
  CONSTRAINT pk_projection_checkpoints PRIMARY KEY (projection)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO projection_checkpoints (projection, position) VALUES ('user_activity', 0);
