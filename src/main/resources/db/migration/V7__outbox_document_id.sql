-- The document an event is about, as a column: erasure removes a patient's unsent events by it
-- rather than by a field inside the JSON payload.
ALTER TABLE outbox ADD COLUMN document_id uuid;
UPDATE outbox SET document_id = (payload ->> 'documentId')::uuid WHERE document_id IS NULL;
CREATE INDEX outbox_document ON outbox (document_id);
