DROP TABLE backups;
DROP TABLE vault_changes;
DROP TABLE vault_custodians;
DROP TABLE vault_entries;
DROP INDEX audit_log_seq;
ALTER TABLE audit_log DROP COLUMN hash;
ALTER TABLE audit_log DROP COLUMN prev_hash;
ALTER TABLE audit_log DROP COLUMN seq;
