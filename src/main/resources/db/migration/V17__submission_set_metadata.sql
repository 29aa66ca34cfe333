-- A submission set's own XDS metadata (issue 16), from an MHD publication's List; and a producer's
-- sets listed newest first.
ALTER TABLE submission
    ADD COLUMN unique_id           text,    -- XDS SubmissionSet.uniqueId
    ADD COLUMN source_id           text,    -- XDS sourceId: the publishing system
    ADD COLUMN content_type_code   jsonb,   -- XDS contentTypeCode: the set's kind of activity
    ADD COLUMN intended_recipients jsonb,   -- XDS intendedRecipient
    ADD COLUMN title               text;
CREATE INDEX submission_producer_received ON submission (producer_id, received_at DESC, id DESC);
