-- Claims on undispatched events, so that with several server processes an event's handlers run
-- in one process at a time. A process claims an event for a lease (claimedBy, claimedUntil):
-- in the same INSERT that stores it (for dispatch right after commit), or, in the outbox relay,
-- with SELECT ... FOR UPDATE SKIP LOCKED on unclaimed or expired claims. Dispatching clears the
-- claim; a failed dispatch gives it back; a claim whose process died runs out and is taken over.
ALTER TABLE events ADD COLUMN claimedBy VARCHAR(64) NULL;
ALTER TABLE events ADD COLUMN claimedUntil DATETIME(6) NULL;
