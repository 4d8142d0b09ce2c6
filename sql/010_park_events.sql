-- Beyond the tutorial: poison events. A consumer of the event log (the user_activity projection,
-- an event handler, a saga, the dispatcher itself) that cannot apply an event parks it here and
-- moves on, instead of retrying it for ever and holding up every event after it. One row per
-- event and consumer; `cqrs-auth parked` lists them (with the event's type and position, from
-- `events`) and `cqrs-auth parked --retry [EVENT_ID]` tries them again (see README).
--   error: the failure in one line (an exception's class and message, never a value it held).
CREATE TABLE parked_events (
  eventId   VARCHAR(36)   NOT NULL,
  consumer  VARCHAR(100)  NOT NULL,
  eventType VARCHAR(100)  NOT NULL,
  error     VARCHAR(1000) NOT NULL,
  parkedAt  DATETIME(6)   NOT NULL,
  CONSTRAINT pk_parked_events PRIMARY KEY (eventId, consumer)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The read model is keyed by the account (userId). An email an operator freed (a DELETE on
-- users) may sign up again: the new account's row takes the email over, and the old row keeps
-- its userId with no email (NULL; a UNIQUE key allows many).
ALTER TABLE user_activity
  MODIFY emailNormalised VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;
