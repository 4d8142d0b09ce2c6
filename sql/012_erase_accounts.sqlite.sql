-- SQLite variant of 012_erase_accounts.sql.
CREATE INDEX ix_events_aggregate ON events (aggregateId);
