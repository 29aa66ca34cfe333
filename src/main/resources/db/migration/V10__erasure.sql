-- What survives a patient's erasure: when, and how many documents went; no identity but the
-- patient's pseudonymous key (the digest that also keys their Kafka records), no content. The
-- latest row without reopened_at closes the record: it accepts no new document until the patient
-- reopens it. Erasure and ingestion for one patient exclude each other through a transaction-level
-- advisory lock on that key (exclusive for the erasure, shared for each document's commit).
CREATE TABLE erasure (
    id                bigserial   PRIMARY KEY,
    patient_key       text        NOT NULL,
    erased_at         timestamptz NOT NULL DEFAULT now(),
    erased_documents  integer     NOT NULL,
    reopened_at       timestamptz
);
CREATE INDEX erasure_closed ON erasure (patient_key) WHERE reopened_at IS NULL;
