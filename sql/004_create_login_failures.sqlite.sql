-- SQLite variant of 004_create_login_failures.sql.
CREATE TABLE login_failures (
  emailNormalised VARCHAR(254) NOT NULL,
  failures        INTEGER      NOT NULL,
  windowStartedAt DATETIME     NOT NULL,
  lockedUntil     DATETIME     NULL,
  CONSTRAINT pk_login_failures PRIMARY KEY (emailNormalised)
);
