-- R-REP-1: one daily work report per person and day (work done, problems, plan for tomorrow),
-- editable by its author during that day (company time) and immutable after.
CREATE TABLE daily_reports (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    day DATE NOT NULL,
    done TEXT NOT NULL,
    problems TEXT NOT NULL,
    plan TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    UNIQUE (user_id, day)
);
CREATE INDEX daily_reports_day ON daily_reports (day);
