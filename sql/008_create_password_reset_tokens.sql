-- Beyond the tutorial: password reset tokens, at most one per user (a new request replaces it).
--   tokenHash: SHA-256 of the token. The token itself (32 random bytes) is only ever in the
--   reset mail (mail_outbox stands in for the mail server: a real sender would empty a mail's
--   body once sent). A fast hash is enough for a secret of 256 random bits (nobody can try
--   them all), and lets resetPassword find the row by it.
--   usedAt: set by the one reset that wins; a used or expired token is refused.
CREATE TABLE password_reset_tokens (
  userId    BINARY(16)  NOT NULL,
  tokenHash BINARY(32)  NOT NULL,
  createdAt DATETIME(6) NOT NULL,
  expiresAt DATETIME(6) NOT NULL,
  usedAt    DATETIME(6) NULL,
  CONSTRAINT pk_password_reset_tokens PRIMARY KEY (userId),
  CONSTRAINT uq_password_reset_tokens_hash UNIQUE (tokenHash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
