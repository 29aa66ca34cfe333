-- The two foreign keys that point at a document had no index on their side: deleting a document
-- (an erasure deletes every document of the patient) made PostgreSQL scan the whole document table
-- for a version replacing it and the whole submission_entry table for an entry naming it, once per
-- document. On a stack holding 46,000 documents, erasing a patient with 18,000 of them did not end
-- in minutes; at the service's volume it would never end.
CREATE INDEX document_replaces ON document (replaces) WHERE replaces IS NOT NULL;
CREATE INDEX submission_entry_document ON submission_entry (document_id) WHERE document_id IS NOT NULL;
