-- A document STORED for long has lost its event (a worker stopped between taking the record and
-- indexing it, a bug); it is announced again, at most once per coffre.indexing.stale-after.
ALTER TABLE document ADD COLUMN announced_again_at timestamptz;
CREATE INDEX document_stored_since ON document (received_at) WHERE status = 'STORED';
