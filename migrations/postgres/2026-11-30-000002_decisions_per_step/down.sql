DROP INDEX approval_decisions_decider;
ALTER TABLE approval_decisions ADD CONSTRAINT approval_decisions_request_id_decider_id_key UNIQUE (request_id, decider_id);
