-- Resignation and transfer (R-ATT-10): requested in writing at least a month ahead, with a
-- handover checklist to a named successor that the supervisor witnesses item by item; the
-- account is deactivated (resignation) or its roles change (transfer) only after that, on the
-- effective date.
CREATE TABLE departures (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('resignation', 'transfer')),
    effective_on DATE NOT NULL,
    reason TEXT NOT NULL,
    successor_id TEXT NOT NULL REFERENCES users (id),
    new_roles TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('requested', 'handed_over', 'completed', 'withdrawn')),
    created_at TIMESTAMP NOT NULL,
    handed_over_at TIMESTAMP,
    completed_at TIMESTAMP,
    completed_by TEXT REFERENCES users (id),
    CHECK (successor_id <> user_id)
);
-- One open departure per person.
CREATE UNIQUE INDEX departures_open ON departures (user_id) WHERE state IN ('requested', 'handed_over');

CREATE TABLE handover_items (
    departure_id TEXT NOT NULL REFERENCES departures (id),
    seq INTEGER NOT NULL,
    item TEXT NOT NULL,
    confirmed_at TIMESTAMP,
    confirmed_by TEXT REFERENCES users (id),
    note TEXT,
    PRIMARY KEY (departure_id, seq)
);
