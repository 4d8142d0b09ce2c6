-- The lockout reserves each login attempt in this row BEFORE the password is hashed, in one
-- upsert that counts it only while the email is not locked and has room in its window:
--   failures -> attempts: the attempts admitted in the current window (a success sets it to 0);
--   attemptToken: the random token of the last admitted attempt, read back by the SELECT that
--   follows the upsert to tell whether that request was the one admitted.
-- The lock (lockedUntil) is written only by LockAccountCommand and lifted only when it ends.
ALTER TABLE login_failures RENAME COLUMN failures TO attempts;
ALTER TABLE login_failures ADD COLUMN attemptToken CHAR(32) NULL;
