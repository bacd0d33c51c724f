-- R-REP-2: one monthly summary per person and month (this month's work, unfinished work, next
-- month's plan), filed from the month's last working day and immutable once the next month's
-- closing day has passed.
CREATE TABLE monthly_summaries (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    month TEXT NOT NULL,
    done TEXT NOT NULL,
    unfinished TEXT NOT NULL,
    plan TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    UNIQUE (user_id, month)
);
CREATE INDEX monthly_summaries_month ON monthly_summaries (month);

-- R-REP-1: a manager's note beside a past day's report (filed or not): the report itself stays
-- as its author left it.
CREATE TABLE daily_report_notes (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    day DATE NOT NULL,
    note TEXT NOT NULL,
    written_by TEXT NOT NULL REFERENCES users (id),
    written_at TIMESTAMP NOT NULL
);
CREATE INDEX daily_report_notes_day ON daily_report_notes (day, user_id);
