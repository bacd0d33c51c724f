-- R-REP-5: every Monday (and on the 1st) each person confirms the past week's (month's) figures
-- as the system assembled them and sends them to their superior. What was sent is kept as sent.
CREATE TABLE statements (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    period_kind TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    figures TEXT NOT NULL,
    comment TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, period_kind, period_start)
);
CREATE INDEX statements_period ON statements (period_kind, period_start);
