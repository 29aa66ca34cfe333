-- The DMP's model for professionals (issue 16): a professional reads a patient's record only when
-- the patient authorised them, or when their organisation is in the team treating the patient; a
-- patient may block a professional, which no emergency overrides.

CREATE TABLE professional_access (
    patient_system  text        NOT NULL,
    patient_id      text        NOT NULL,
    professional_id text        NOT NULL,   -- RPPS
    state           text        NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (patient_system, patient_id, professional_id),
    CONSTRAINT professional_access_state_known CHECK (state IN ('authorised', 'blocked'))
);

CREATE TABLE care_team (
    patient_system  text        NOT NULL,
    patient_id      text        NOT NULL,
    organisation_id text        NOT NULL,   -- FINESS
    declared_by     text        NOT NULL,
    declared_at     timestamptz NOT NULL DEFAULT now(),
    ends_at         timestamptz NOT NULL,
    PRIMARY KEY (patient_system, patient_id, organisation_id),
    CONSTRAINT care_team_declared_by_known CHECK (declared_by IN ('patient', 'producer'))
);

-- How each professional's read was allowed, and how many patients a professional read lately.
ALTER TABLE access_log ADD COLUMN access_mode text;
CREATE INDEX access_log_accessor ON access_log (accessor_kind, accessor_id, accessed_at);
