-- An object is recorded here before its bytes are written and forgotten in the transaction that
-- commits its document. What is left here after a grace period was stored without a committed
-- row (a crash, a refused upload): the sweeper deletes the object, then the record.
CREATE TABLE pending_object (
    object_key  text        PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_object_age ON pending_object (created_at);

-- The indexing backlog is counted often: keep it cheap.
CREATE INDEX document_awaiting_indexing ON document (received_at) WHERE status = 'STORED';
