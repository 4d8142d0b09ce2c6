-- SQLite variant of 005_reserve_login_attempts.sql.
ALTER TABLE login_failures RENAME COLUMN failures TO attempts;
ALTER TABLE login_failures ADD COLUMN attemptToken CHAR(32) NULL;
