-- Attendance punches (R-ATT-7): from the dashboard, clocking devices and corrections; never
-- edited or deleted. A correction is a new punch with its reason and the manager who approved it.
CREATE TABLE punches (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    punched_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('web', 'device', 'correction')),
    device_id TEXT,
    device_punch_id TEXT,
    reason TEXT,
    approved_by TEXT REFERENCES users (id),
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((source = 'device') = (device_id IS NOT NULL AND device_punch_id IS NOT NULL)),
    CHECK ((source = 'correction') = (reason IS NOT NULL AND approved_by IS NOT NULL))
);
-- A device that sends the same punch again (a retry) records it once.
CREATE UNIQUE INDEX punches_device_punch ON punches (device_id, device_punch_id);
CREATE INDEX punches_user_time ON punches (user_id, punched_at);
CREATE TRIGGER punches_no_update BEFORE UPDATE ON punches BEGIN SELECT RAISE(ABORT, 'punches are never edited'); END;
CREATE TRIGGER punches_no_delete BEFORE DELETE ON punches BEGIN SELECT RAISE(ABORT, 'punches are never edited'); END;

-- R-ATT-5: the store manager's record that someone telephoned before the start of a day.
CREATE TABLE lateness_notices (
    user_id TEXT NOT NULL REFERENCES users (id),
    day DATE NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, day)
);
