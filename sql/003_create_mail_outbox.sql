-- Mail the kit "sends": written here instead of to an SMTP server, so the course can show it.
-- causationId is the id of the event that caused the mail: unique, so a re-dispatched event
-- never sends the same mail twice.
CREATE TABLE mail_outbox (
  id          CHAR(36)     NOT NULL,
  causationId CHAR(36)     NOT NULL,
  recipient   VARCHAR(254) NOT NULL,
  subject     VARCHAR(200) NOT NULL,
  body        TEXT         NOT NULL,
  createdAt   DATETIME(6)  NOT NULL,
  CONSTRAINT pk_mail_outbox PRIMARY KEY (id),
  CONSTRAINT uq_mail_outbox_causation UNIQUE (causationId)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
