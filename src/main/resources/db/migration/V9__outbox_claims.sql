-- The relay claims a batch for a while (claimed_until) in a short statement of its own, sends it,
-- and deletes what Kafka acknowledged: no transaction stays open while it waits for Kafka. A claim
-- left by a relay that died expires and the batch is sent again (consumers are idempotent).
-- published_at was never written (rows are deleted once sent); a relay of the previous version
-- still filtering on it fails its passes during a rolling update, and the new relays do the work.
ALTER TABLE outbox ADD COLUMN claimed_until timestamptz;
DROP INDEX outbox_unpublished;
ALTER TABLE outbox DROP COLUMN published_at;
