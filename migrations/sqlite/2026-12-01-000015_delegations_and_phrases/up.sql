-- Delegated access (R-ACC-1): job roles lent for a task and a period, approved by the department
-- manager. Active, scheduled and expired are read from the clock; only the decisions and a
-- revocation are stored. A vacant post is covered the same way: the departed holder's roles,
-- asked for by their superior (`requested_by` differs from `delegator_id`).
CREATE TABLE delegations (
    id TEXT PRIMARY KEY NOT NULL,
    delegator_id TEXT NOT NULL REFERENCES users (id),
    delegate_id TEXT NOT NULL REFERENCES users (id),
    requested_by TEXT NOT NULL REFERENCES users (id),
    task TEXT NOT NULL,
    -- JSON array of job-role keys.
    roles TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn', 'revoked')),
    approval_request_id TEXT NOT NULL REFERENCES approval_requests (id),
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    revoked_at TIMESTAMP,
    revoked_by TEXT REFERENCES users (id),
    revoke_reason TEXT,
    CHECK (ends_at > starts_at),
    CHECK (delegate_id <> delegator_id)
);
CREATE INDEX delegations_delegate ON delegations (delegate_id, state, ends_at);
CREATE INDEX delegations_delegator ON delegations (delegator_id, created_at);

-- Every action taken with lent roles names the person it was taken for, and the delegation.
ALTER TABLE audit_log ADD COLUMN on_behalf_of TEXT;
ALTER TABLE audit_log ADD COLUMN delegation_id TEXT;
CREATE INDEX audit_log_delegation ON audit_log (delegation_id);

-- The library of approved service phrases (话术), per situation and language.
CREATE TABLE service_phrases (
    id TEXT PRIMARY KEY NOT NULL,
    situation TEXT NOT NULL CHECK (situation IN ('greeting', 'delay', 'refund', 'complaint', 'closing', 'other')),
    language TEXT NOT NULL CHECK (language IN ('zh', 'en')),
    text TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn', 'retired')),
    proposed_by TEXT NOT NULL REFERENCES users (id),
    approval_request_id TEXT NOT NULL REFERENCES approval_requests (id),
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    retired_at TIMESTAMP,
    retired_by TEXT REFERENCES users (id)
);
CREATE INDEX service_phrases_state ON service_phrases (state, situation);

-- A disputed evaluation is resolved by the manager's manager: upheld, or returned to the manager.
ALTER TABLE evaluations ADD COLUMN resolution TEXT CHECK (resolution IN ('upheld', 'returned'));
ALTER TABLE evaluations ADD COLUMN resolution_comment TEXT;
-- (no REFERENCES here: SQLite cannot drop a column that carries one)
ALTER TABLE evaluations ADD COLUMN resolved_by TEXT;
ALTER TABLE evaluations ADD COLUMN resolved_at TIMESTAMP;
