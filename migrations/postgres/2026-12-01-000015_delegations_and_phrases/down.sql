ALTER TABLE evaluations DROP COLUMN resolved_at;
ALTER TABLE evaluations DROP COLUMN resolved_by;
ALTER TABLE evaluations DROP COLUMN resolution_comment;
ALTER TABLE evaluations DROP COLUMN resolution;
DROP TABLE service_phrases;
DROP INDEX audit_log_delegation;
ALTER TABLE audit_log DROP COLUMN delegation_id;
ALTER TABLE audit_log DROP COLUMN on_behalf_of;
DROP TABLE delegations;
