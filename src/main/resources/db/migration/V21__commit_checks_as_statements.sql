-- The two checks a document's commit makes in its transaction, as statements that fail rather
-- than answers the service reads: the commit's COMMIT can then be sent with its other statements
-- (a failed statement aborts the transaction, and PostgreSQL ends an aborted one at COMMIT with a
-- rollback), one round trip for the whole transaction.

-- Waits for an erasure of the patient under way (the lock ErasureRepository.lockForErasure takes
-- exclusively), then refuses the document if the patient's record is closed: SQLSTATE CF001, the
-- closing's time in microseconds since the epoch as the detail. The check is a statement of its
-- own after the lock, so its snapshot sees an erasure that committed while this one waited.
CREATE FUNCTION admit_document(patient text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    closed_at timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtextextended(patient, 0));
    SELECT max(e.erased_at) INTO closed_at FROM erasure e WHERE e.patient_key = patient AND e.reopened_at IS NULL;
    IF closed_at IS NOT NULL THEN
        RAISE EXCEPTION 'the patient''s record is closed'
            USING ERRCODE = 'CF001', DETAIL = (extract(epoch FROM closed_at) * 1000000)::bigint::text;
    END IF;
END
$$;

-- Ends the pending record of the object a committing document points at; SQLSTATE CF002 when the
-- orphan sweeper took it first (a row must never point at a deleted object).
CREATE FUNCTION forget_pending_object(key text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM pending_object WHERE object_key = key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the pending object was swept' USING ERRCODE = 'CF002';
    END IF;
END
$$;
