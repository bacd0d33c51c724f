-- Leave requests (R-ATT-8): asked in advance of the department manager, naming who takes over
-- the work; approved leave excuses the hours it covers and keeps the person off duty rosters.
CREATE TABLE leave_requests (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('personal', 'sick', 'annual', 'other')),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    handover_to TEXT NOT NULL REFERENCES users (id),
    handover_note TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    approval_request_id TEXT NOT NULL REFERENCES approval_requests (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (handover_to <> user_id)
);
CREATE INDEX leave_requests_user_time ON leave_requests (user_id, starts_at);
CREATE INDEX leave_requests_status_time ON leave_requests (status, starts_at);
