-- Beyond the tutorial: sessions you can end (issue 18).
--   users.sessionVersion: every token carries the version it was issued under (claim `sv`); a
--   password change or reset adds 1, and every token issued before stops working. `me` reads it
--   in the SELECT that reads the user, so checking it costs no statement.
--   ended_sessions: the tokens logged out before they expire, by their id (claim `jti`): a
--   logout ends that token's session only. `me` asks for the token's row in the same SELECT. A
--   row is useless once the token has expired; the janitor deletes it then.
--   user_activity.lastLoggedOutAt: the read model's last UserLoggedOutEvent.
ALTER TABLE users ADD COLUMN sessionVersion INT NOT NULL DEFAULT 0;

CREATE TABLE ended_sessions (
  sessionId VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  userId    BINARY(16)  NOT NULL,
  expiresAt DATETIME(6) NOT NULL,
  CONSTRAINT pk_ended_sessions PRIMARY KEY (sessionId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

ALTER TABLE user_activity ADD COLUMN lastLoggedOutAt DATETIME(6) NULL;
