-- V12's counters were rows updated in place, one per status and backend slot, and each stayed
-- locked until its transaction committed: two transactions changing statuses in opposite orders on
-- a shared slot (an upload replacing a document, a worker concluding another) could deadlock, and
-- PostgreSQL would abort one. Now every change is a new row, which never waits on another
-- transaction; the gauge adds the totals and the changes not folded in yet, and folds them in
-- (DocumentRepository.countByStatus), so both stay small.

-- Writers wait until this commits, so the totals below miss no change and count none twice.
LOCK TABLE document IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE document_count_total (
    status    text   PRIMARY KEY,
    documents bigint NOT NULL
);
INSERT INTO document_count_total SELECT status, sum(documents) FROM document_count GROUP BY status;

CREATE TABLE document_count_change (
    status text    NOT NULL,
    delta  integer NOT NULL
);

CREATE OR REPLACE FUNCTION document_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO document_count_change VALUES (OLD.status, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO document_count_change VALUES (NEW.status, 1);
    END IF;
    RETURN NULL;
END
$$;

DROP TABLE document_count;
