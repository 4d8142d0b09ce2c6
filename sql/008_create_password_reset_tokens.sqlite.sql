-- SQLite variant of 008_create_password_reset_tokens.sql.
CREATE TABLE password_reset_tokens (
  userId    BLOB     NOT NULL,
  tokenHash BLOB     NOT NULL,
  createdAt DATETIME NOT NULL,
  expiresAt DATETIME NOT NULL,
  usedAt    DATETIME NULL,
  CONSTRAINT pk_password_reset_tokens PRIMARY KEY (userId),
  CONSTRAINT uq_password_reset_tokens_hash UNIQUE (tokenHash)
);
