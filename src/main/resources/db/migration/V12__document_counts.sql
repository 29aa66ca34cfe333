-- coffre_documents{status} reads counters kept as statuses change, rather than counting the whole
-- document table every minute on every instance (issue 17). Each backend adds to a slot of its own,
-- so that concurrent commits do not queue on one row; the gauge sums at most 6 x 64 rows.
CREATE TABLE document_count (
    status    text     NOT NULL,
    slot      smallint NOT NULL,
    documents bigint   NOT NULL,
    PRIMARY KEY (status, slot)
);

CREATE FUNCTION document_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    own_slot smallint := pg_backend_pid() % 64;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO document_count AS c VALUES (OLD.status, own_slot, -1)
            ON CONFLICT (status, slot) DO UPDATE SET documents = c.documents - 1;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO document_count AS c VALUES (NEW.status, own_slot, 1)
            ON CONFLICT (status, slot) DO UPDATE SET documents = c.documents + 1;
    END IF;
    RETURN NULL;
END
$$;

-- The triggers lock out writers until this migration commits, so the count below misses none and
-- counts none twice.
CREATE TRIGGER document_counted AFTER INSERT OR DELETE ON document
    FOR EACH ROW EXECUTE FUNCTION document_count_change();
CREATE TRIGGER document_status_counted AFTER UPDATE OF status ON document
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION document_count_change();

INSERT INTO document_count SELECT status, 0, count(*) FROM document GROUP BY status;
