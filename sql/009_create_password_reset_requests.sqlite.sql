-- SQLite variant of 009_create_password_reset_requests.sql.
CREATE TABLE password_reset_requests (
  emailNormalised VARCHAR(254) NOT NULL,
  requests        INTEGER      NOT NULL,
  windowStartedAt DATETIME     NOT NULL,
  CONSTRAINT pk_password_reset_requests PRIMARY KEY (emailNormalised)
);
