-- R-APR-7: one person holding the roles of consecutive steps decides them in one decision,
-- recorded once per step, so a person may now have several rows on one request. Each step and
-- role is still decided once.
ALTER TABLE approval_decisions DROP CONSTRAINT approval_decisions_request_id_decider_id_key;
CREATE INDEX approval_decisions_decider ON approval_decisions (decider_id);
