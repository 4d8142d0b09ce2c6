-- SQLite variant of 006_claim_events.sql.
ALTER TABLE events ADD COLUMN claimedBy VARCHAR(64) NULL;
ALTER TABLE events ADD COLUMN claimedUntil DATETIME NULL;
