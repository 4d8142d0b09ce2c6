-- SQLite variant of 007_create_user_activity.sql.
CREATE TABLE user_activity (
  userId                       BLOB         NOT NULL,
  emailNormalised              VARCHAR(254) NOT NULL,
  signedUpAt                   DATETIME     NOT NULL,
  loginCount                   INTEGER      NOT NULL,
  lastLoginAt                  DATETIME     NULL,
  failedLoginsSinceLastSuccess INTEGER      NOT NULL,
  lockedUntil                  DATETIME     NULL,
  passwordResetRequestedAt     DATETIME     NULL,
  passwordChangedAt            DATETIME     NULL,
  CONSTRAINT pk_user_activity PRIMARY KEY (userId),
  CONSTRAINT uq_user_activity_email UNIQUE (emailNormalised)
);

CREATE TABLE projection_checkpoints (
  projection VARCHAR(100) NOT NULL,
  position   INTEGER      NOT NULL,
  CONSTRAINT pk_projection_checkpoints PRIMARY KEY (projection)
);

INSERT INTO projection_checkpoints (projection, position) VALUES ('user_activity', 0);
