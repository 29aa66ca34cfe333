-- Two indexes of document repeated others, and every insert wrote them, as did every status change
-- (status is in partial indexes' predicates, so no update of it is HOT): document_stored_since (V11)
-- is document_awaiting_indexing (V2) again, same column and predicate; document_patient (V1) is the
-- start of document_patient_received (V6), which serves every query it served.
DROP INDEX document_stored_since;
DROP INDEX document_patient;
