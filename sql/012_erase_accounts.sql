-- Beyond the tutorial: forgetting a person (issue 21). Deleting an account rewrites, in place,
-- the events filed under its id, its email or its email's keyed hash (their personal fields
-- become "(erased)"): this index finds them without reading the whole log.
CREATE INDEX ix_events_aggregate ON events (aggregateId);
