-- Who may see a document, and the record of everyone but the patient who did.

ALTER TABLE document
    -- The patient's choice: professionals do not see it (emergency access aside).
    ADD COLUMN hidden_from_professionals boolean NOT NULL DEFAULT false,
    -- The producer's: the patient does not see it until it has been explained in person.
    ADD COLUMN withheld_from_patient     boolean NOT NULL DEFAULT false,
    -- Added by the patient through the patient API.
    ADD COLUMN patient_authored          boolean NOT NULL DEFAULT false;

CREATE TABLE patient_preference (
    patient_system           text    NOT NULL,
    patient_id               text    NOT NULL,
    refuses_emergency_access boolean NOT NULL DEFAULT false,
    PRIMARY KEY (patient_system, patient_id)
);

-- Written before any byte of a document is sent to anyone but its patient. No foreign key: a
-- patient's erasure removes the rows here with the documents.
CREATE TABLE access_log (
    id              bigserial   PRIMARY KEY,
    patient_system  text        NOT NULL,
    patient_id      text        NOT NULL,
    document_id     uuid        NOT NULL,
    accessor_kind   text        NOT NULL,   -- professional, producer
    accessor_id     text        NOT NULL,   -- RPPS or FINESS
    organisation    text,
    role            text        NOT NULL,
    action          text        NOT NULL,   -- metadata, content, delete, release
    emergency       boolean     NOT NULL DEFAULT false,
    reason          text,
    accessed_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT access_log_action_known CHECK (action IN ('metadata', 'content', 'delete', 'withhold', 'release'))
);
CREATE INDEX access_log_patient ON access_log (patient_system, patient_id, accessed_at DESC, id DESC);
CREATE INDEX document_patient_received ON document (patient_system, patient_id, received_at DESC, id DESC);
