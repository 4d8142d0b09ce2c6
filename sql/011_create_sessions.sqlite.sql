-- SQLite variant of 011_create_sessions.sql.
ALTER TABLE users ADD COLUMN sessionVersion INTEGER NOT NULL DEFAULT 0;

CREATE TABLE ended_sessions (
  sessionId VARCHAR(32) NOT NULL,
  userId    BLOB        NOT NULL,
  expiresAt DATETIME    NOT NULL,
  CONSTRAINT pk_ended_sessions PRIMARY KEY (sessionId)
);

ALTER TABLE user_activity ADD COLUMN lastLoggedOutAt DATETIME NULL;
