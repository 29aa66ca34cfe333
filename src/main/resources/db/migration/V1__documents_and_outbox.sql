-- Documents and the outbox that announces them, committed in the same transaction so that an
-- event can never exist without its row, nor a stored row without its event.

CREATE TABLE document (
    id                 uuid        PRIMARY KEY,
    producer_id        text        NOT NULL,   -- from the producer's token, never from the request
    unique_id          text        NOT NULL,   -- the producer's id (for a CDA, ClinicalDocument/id)
    patient_id         text        NOT NULL,
    patient_system     text        NOT NULL,   -- INS OID
    type_code          text        NOT NULL,
    type_code_system   text,
    type_display       text,
    class_code         text,
    title              text,
    creation_time      timestamptz,
    service_start_time timestamptz,
    service_stop_time  timestamptz,
    confidentiality    text,
    media_type         text        NOT NULL,
    author             jsonb,
    sha256             char(64)    NOT NULL,
    size_bytes         bigint      NOT NULL,
    object_key         text        NOT NULL,
    submission_id      uuid        NOT NULL,
    replaces           uuid        REFERENCES document (id),
    status             text        NOT NULL,
    status_reason      text,
    received_at        timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT document_status_known
        CHECK (status IN ('STORED', 'INDEXED', 'QUARANTINED', 'FAILED', 'SUPERSEDED', 'DELETED'))
);

-- One live document per producer and unique id; superseded versions keep their unique id.
CREATE UNIQUE INDEX document_producer_unique_id_live
    ON document (producer_id, unique_id) WHERE status <> 'SUPERSEDED';
CREATE INDEX document_patient ON document (patient_system, patient_id, received_at DESC);
CREATE INDEX document_submission ON document (submission_id);

CREATE TABLE submission (
    id           uuid        PRIMARY KEY,
    producer_id  text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);

-- Relayed to Kafka in id order, then marked; a relay that dies before marking sends again, and
-- consumers are idempotent on the document id.
CREATE TABLE outbox (
    id            bigserial   PRIMARY KEY,
    topic         text        NOT NULL,
    record_key    text        NOT NULL,
    payload       jsonb       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
