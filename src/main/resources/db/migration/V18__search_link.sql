-- The searches behind ITI-67's paging links (issue 16). A link names its search by an id, so the
-- patient's INS, which the search holds, stays out of the URLs that clients, proxies and their
-- logs see. Links are followed by whoever searched, for an hour.
CREATE TABLE search_link (
    id         uuid        PRIMARY KEY,
    owner      text        NOT NULL,                -- who searched: only they follow the link
    patient_id text        NOT NULL,                -- the INS searched, for erasure
    query      text        NOT NULL,                -- the applied parameters, as a query string
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_link_created ON search_link (created_at);
CREATE INDEX search_link_patient ON search_link (patient_id);
