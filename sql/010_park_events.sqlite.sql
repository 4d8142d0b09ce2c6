-- SQLite variant of 010_park_events.sql. SQLite cannot change a column's NULL, so user_activity
-- is built again with the same columns and keys, its rows copied over.
CREATE TABLE parked_events (
  eventId   VARCHAR(36)   NOT NULL,
  consumer  VARCHAR(100)  NOT NULL,
  eventType VARCHAR(100)  NOT NULL,
  error     VARCHAR(1000) NOT NULL,
  parkedAt  DATETIME      NOT NULL,
  CONSTRAINT pk_parked_events PRIMARY KEY (eventId, consumer)
);

CREATE TABLE user_activity_keyed_by_account (
  userId                       BLOB         NOT NULL,
  emailNormalised              VARCHAR(254) NULL,
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
INSERT INTO user_activity_keyed_by_account SELECT * FROM user_activity;
DROP TABLE user_activity;
ALTER TABLE user_activity_keyed_by_account RENAME TO user_activity;
