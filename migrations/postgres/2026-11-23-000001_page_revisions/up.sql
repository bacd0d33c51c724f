-- Page revision plans (R-APR-6): a plan document per revision of a shop page, carried out only
-- after its approval chain; its execution is the publication R-APR-5 times.
CREATE TABLE page_revisions (
    id TEXT PRIMARY KEY NOT NULL,
    page TEXT NOT NULL,
    title TEXT NOT NULL,
    cadence TEXT NOT NULL CHECK (cadence IN ('biweekly', 'monthly')),
    areas TEXT NOT NULL,
    plan TEXT NOT NULL,
    planned_for DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn', 'executed')),
    approval_request_id TEXT NOT NULL REFERENCES approval_requests (id),
    proposer_id TEXT NOT NULL REFERENCES users (id),
    executed_at TIMESTAMP,
    executed_by TEXT REFERENCES users (id),
    execution_note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((status = 'executed') = (executed_at IS NOT NULL))
);
CREATE INDEX page_revisions_page_status ON page_revisions (page, status);
CREATE INDEX page_revisions_created ON page_revisions (created_at, id);
