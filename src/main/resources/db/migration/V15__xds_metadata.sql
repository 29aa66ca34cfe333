-- The rest of the XDS DocumentEntry (issue 16), whichever door a document came in by. All nullable
-- and without defaults, so PostgreSQL adds them without rewriting the table. Codes are kept as
-- {code, system, display} objects, lists and people as JSON arrays and objects.
ALTER TABLE document
    ADD COLUMN class_code_system text,
    ADD COLUMN format_code jsonb,
    ADD COLUMN practice_setting_code jsonb,
    ADD COLUMN facility_type_code jsonb,
    ADD COLUMN event_codes jsonb,
    ADD COLUMN authors jsonb,
    ADD COLUMN language_code text,
    ADD COLUMN legal_authenticator jsonb,
    ADD COLUMN reference_ids jsonb,
    ADD COLUMN set_id text,
    ADD COLUMN version_number integer,
    ADD COLUMN confidentiality_codes jsonb;
