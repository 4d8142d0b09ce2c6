-- The tutorial's users table, corrected.
--   userId   BINARY(16): the UUID's 16 raw bytes (the tutorial wrote 16 ASCII characters of its text).
--   password now holds an argon2id hash, never the password itself.
--   usernameNormalised / emailNormalised: lower-cased forms with a binary collation, so the
--   unique indexes behave the same on MySQL 8, MariaDB and SQLite.
CREATE TABLE users (
  userId             BINARY(16)   NOT NULL,
  username           VARCHAR(100) NOT NULL,
  email              VARCHAR(254) NOT NULL,
  password           VARCHAR(255) NOT NULL,
  usernameNormalised VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  emailNormalised    VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  createdAt          DATETIME(6)  NOT NULL,
  CONSTRAINT pk_users PRIMARY KEY (userId),
  CONSTRAINT uq_users_username UNIQUE (usernameNormalised),
  CONSTRAINT uq_users_email UNIQUE (emailNormalised)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
