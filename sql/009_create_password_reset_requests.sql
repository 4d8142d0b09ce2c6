-- Beyond the tutorial: password reset requests per email, for the rate limit. Counted for every
-- email asked about, with or without an account, so the limit reveals nothing. Like
-- login_failures, the count changes by one upsert statement, never read and written back.
CREATE TABLE password_reset_requests (
  emailNormalised VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  requests        INT          NOT NULL,
  windowStartedAt DATETIME(6)  NOT NULL,
  CONSTRAINT pk_password_reset_requests PRIMARY KEY (emailNormalised)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
