-- SQLite variant of 001_create_users.sql (same tables, columns and indexes).
CREATE TABLE users (
  userId             BLOB         NOT NULL,
  username           VARCHAR(100) NOT NULL,
  email              VARCHAR(254) NOT NULL,
  password           VARCHAR(255) NOT NULL,
  usernameNormalised VARCHAR(100) NOT NULL,
  emailNormalised    VARCHAR(254) NOT NULL,
  createdAt          DATETIME     NOT NULL,
  CONSTRAINT pk_users PRIMARY KEY (userId),
  CONSTRAINT uq_users_username UNIQUE (usernameNormalised),
  CONSTRAINT uq_users_email UNIQUE (emailNormalised)
);
