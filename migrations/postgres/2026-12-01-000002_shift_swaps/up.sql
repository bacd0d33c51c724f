-- Shift swaps: the person on a shift asks a colleague to take it (optionally in exchange for one
-- of the colleague's shifts); the colleague accepts, the department manager approves through the
-- approvals engine, and only then are the shifts cancelled and rostered anew.
CREATE TABLE shift_swaps (
    id TEXT PRIMARY KEY NOT NULL,
    shift_id TEXT NOT NULL REFERENCES duty_shifts (id),
    exchange_shift_id TEXT REFERENCES duty_shifts (id),
    requested_by TEXT NOT NULL REFERENCES users (id),
    colleague_id TEXT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('requested', 'accepted', 'declined', 'approved', 'rejected', 'withdrawn', 'superseded')),
    approval_request_id TEXT REFERENCES approval_requests (id),
    created_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    decided_at TIMESTAMP,
    CHECK (requested_by <> colleague_id)
);
CREATE INDEX shift_swaps_shift ON shift_swaps (shift_id);
CREATE INDEX shift_swaps_people ON shift_swaps (requested_by, colleague_id);
