-- SQLite variant of 003_create_mail_outbox.sql.
CREATE TABLE mail_outbox (
  id          CHAR(36)     NOT NULL,
  causationId CHAR(36)     NOT NULL,
  recipient   VARCHAR(254) NOT NULL,
  subject     VARCHAR(200) NOT NULL,
  body        TEXT         NOT NULL,
  createdAt   DATETIME     NOT NULL,
  CONSTRAINT pk_mail_outbox PRIMARY KEY (id),
  CONSTRAINT uq_mail_outbox_causation UNIQUE (causationId)
);
