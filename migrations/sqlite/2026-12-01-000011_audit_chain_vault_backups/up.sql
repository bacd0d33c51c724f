-- The audit log's hash chain (R-SEC-4), the official-account vault (R-SEC-1) and the record of
-- backups (R-SEC-2).
--
-- Entries written before this migration keep no chain (`seq` NULL); every later entry carries its
-- position, the hash of the entry before it and its own hash. Rows stay append-only: the
-- triggers of the foundation migration refuse UPDATE and DELETE.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);

CREATE TABLE vault_entries (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('shop_backoffice', 'payment', 'domain', 'trademark',
        'mailbox', 'blog', 'source_hosting', 'other')),
    url TEXT,
    login TEXT,
    notes TEXT NOT NULL DEFAULT '',
    -- JSON array of job roles whose holders are custodians.
    custodian_roles TEXT NOT NULL,
    key_id TEXT NOT NULL,
    secret_nonce BLOB NOT NULL,
    secret_cipher BLOB NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    secret_changed_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX vault_entries_name ON vault_entries (name);

-- Named custodians beyond the roles (the supervising leader).
CREATE TABLE vault_custodians (
    entry_id TEXT NOT NULL REFERENCES vault_entries (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (entry_id, user_id)
);

-- A change of an entry's secret or custodians waiting for the general manager (R-APR-2
-- `official_account_change`). The proposed secret is encrypted with the change's id bound.
CREATE TABLE vault_changes (
    id TEXT PRIMARY KEY NOT NULL,
    entry_id TEXT NOT NULL REFERENCES vault_entries (id),
    approval_request_id TEXT NOT NULL REFERENCES approval_requests (id),
    key_id TEXT,
    secret_nonce BLOB,
    secret_cipher BLOB,
    custodian_roles TEXT,
    custodian_users TEXT,
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'rejected', 'withdrawn')),
    proposed_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX vault_changes_entry ON vault_changes (entry_id, created_at);
CREATE UNIQUE INDEX vault_changes_one_pending ON vault_changes (entry_id) WHERE state = 'pending';

CREATE TABLE backups (
    id TEXT PRIMARY KEY NOT NULL,
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    schema_version TEXT NOT NULL,
    -- JSON object: table name → rows.
    row_counts TEXT NOT NULL,
    total_rows BIGINT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('api', 'cli', 'schedule')),
    made_by TEXT REFERENCES users (id),
    node TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP
);
CREATE INDEX backups_finished ON backups (finished_at);
