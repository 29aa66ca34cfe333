-- A submission set and the outcome of each document sent in it, so that a producer whose
-- connection broke can still learn which documents were kept.

ALTER TABLE submission
    ADD COLUMN state          text NOT NULL DEFAULT 'COMPLETE',
    ADD COLUMN expected_count integer,
    ADD COLUMN completed_at   timestamptz,
    ADD CONSTRAINT submission_state_known CHECK (state IN ('RECEIVING', 'COMPLETE', 'INCOMPLETE'));

-- "created" entries are written in the same transaction as their document, the others after the
-- outcome is known; ordinal is the position in the manifest (parts not in it come after).
CREATE TABLE submission_entry (
    submission_id uuid    NOT NULL REFERENCES submission (id),
    ordinal       integer NOT NULL,
    part          text,
    unique_id     text,
    outcome       text    NOT NULL,
    document_id   uuid    REFERENCES document (id),
    problem       jsonb,
    PRIMARY KEY (submission_id, ordinal),
    CONSTRAINT submission_entry_outcome_known CHECK (outcome IN ('created', 'duplicate', 'rejected'))
);
