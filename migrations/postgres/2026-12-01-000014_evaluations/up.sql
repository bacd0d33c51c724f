-- The monthly staff evaluation (R-EVAL-1): the versioned form, one evaluation per person and
-- month, and the months closed (their evaluations immutable).
CREATE TABLE evaluation_forms (
    version BIGINT PRIMARY KEY NOT NULL,
    -- JSON array of {key, label_zh, label_en, weight, source}.
    items TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE evaluations (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES users (id),
    manager_id TEXT NOT NULL REFERENCES users (id),
    -- YYYY-MM
    month TEXT NOT NULL,
    form_version BIGINT NOT NULL,
    -- JSON array of {key, label_zh, label_en, weight, source, figure, score}.
    items TEXT NOT NULL,
    -- JSON: the month's figures the draft was filled with.
    figures TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'acknowledged', 'disputed')),
    submitted_at TIMESTAMP,
    answered_at TIMESTAMP,
    dispute_comment TEXT,
    escalated_to TEXT REFERENCES users (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (person_id, month)
);
CREATE INDEX evaluations_month ON evaluations (month, manager_id);

CREATE TABLE evaluation_closings (
    month TEXT PRIMARY KEY NOT NULL,
    closed_by TEXT NOT NULL REFERENCES users (id),
    closed_at TIMESTAMP NOT NULL
);
