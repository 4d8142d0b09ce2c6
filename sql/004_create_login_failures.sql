-- Failed logins per email (whether or not an account has it), for the lockout.
-- The count is changed by single UPDATE statements inside the login transaction, never read
-- and written back, so concurrent failures cannot lose an increment.
CREATE TABLE login_failures (
  emailNormalised VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  failures        INT          NOT NULL,
  windowStartedAt DATETIME(6)  NOT NULL,
  lockedUntil     DATETIME(6)  NULL,
  CONSTRAINT pk_login_failures PRIMARY KEY (emailNormalised)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
