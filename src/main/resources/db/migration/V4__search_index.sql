-- The full-text index the workers fill: French stemming with accents ignored ("echographie"
-- finds "Échographie"), title weighted above key metadata, above the body text.
-- unaccent is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION coffre_fr (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION coffre_fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;

CREATE TABLE document_index (
    document_id         uuid        PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE,
    detected_kind       text        NOT NULL,
    detected_media_type text,
    type_mismatch       boolean     NOT NULL DEFAULT false, -- the declared type disagrees with the content
    -- What the content itself says, beside what the producer declared (kept on document).
    content_patient_id     text,
    content_patient_system text,
    content_code           text,
    content_code_system    text,
    content_title          text,
    effective_time_value   text,        -- as written in the document
    effective_time         timestamptz,
    author_id              text,
    excerpt             text,       -- the start of the extracted text, for snippets
    text_truncated      boolean     NOT NULL DEFAULT false,
    search              tsvector    NOT NULL,
    indexed_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_index_search ON document_index USING gin (search);

-- Filters of the patient API: type, class, dates and producer within one patient's documents.
CREATE INDEX document_patient_type ON document (patient_system, patient_id, type_code);
CREATE INDEX document_patient_creation ON document (patient_system, patient_id, creation_time DESC);
