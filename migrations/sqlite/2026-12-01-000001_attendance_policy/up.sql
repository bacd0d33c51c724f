-- Attendance policy as data (issue: attendance completion): versions effective from a day, the
-- working-day calendar, employment dates, month closings with their frozen figures, and the
-- adjustments a change to a closed month produces in the next open one.

-- A version judges the days from `effective_from` until the next version. The first one is
-- written at start-up from the configuration; later ones only take effect in the future.
CREATE TABLE attendance_policies (
    id TEXT PRIMARY KEY NOT NULL,
    effective_from DATE NOT NULL UNIQUE,
    timezone TEXT NOT NULL,
    policy TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

-- Days that differ from the policy's weekdays: a public holiday on a weekday, a make-up working
-- day on a weekend. One entry per day.
CREATE TABLE attendance_calendar (
    day DATE PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

-- When a person's days are judged: from the start date (入职) to the end date, both inclusive.
-- Without a row, from the day the account was created to the day it was deactivated.
CREATE TABLE employments (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    started_on DATE NOT NULL,
    ended_on DATE,
    updated_by TEXT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);

-- A closed month: its figures as they were when closed (JSON), never recomputed.
CREATE TABLE attendance_closings (
    month TEXT PRIMARY KEY NOT NULL,
    closed_by TEXT NOT NULL REFERENCES users (id),
    closed_at TIMESTAMP NOT NULL,
    missing_punches_confirmed INTEGER NOT NULL,
    figures TEXT NOT NULL
);

-- A correction or a leave approved after a month closed: the difference it makes, shown in the
-- first open month after it.
CREATE TABLE attendance_adjustments (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    concerns_day DATE NOT NULL,
    concerns_month TEXT NOT NULL,
    applied_month TEXT NOT NULL,
    deduction_fen BIGINT NOT NULL,
    loses_bonus INTEGER NOT NULL,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attendance_adjustments_applied ON attendance_adjustments (applied_month, user_id);

