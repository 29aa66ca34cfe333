-- Each producer's token bucket, shared by every instance: an instance leases a few tokens at a
-- time, so that N instances still give a producer its one quota, not N of them.
CREATE TABLE producer_quota (
    producer_id text             PRIMARY KEY,
    tokens      double precision NOT NULL,
    granted     integer          NOT NULL,
    refilled_at timestamptz      NOT NULL
);
CREATE INDEX producer_quota_refilled ON producer_quota (refilled_at);
