-- Duty rosters (R-DUT-1..4): who is on duty when. A shift is cancelled, never rewritten.
CREATE TABLE duty_shifts (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('hotline_manager', 'weekend_service', 'storefront', 'restaurant')),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    cancelled_at TIMESTAMP,
    cancelled_by TEXT REFERENCES users (id),
    CHECK (ends_at > starts_at)
);
CREATE INDEX duty_shifts_time ON duty_shifts (starts_at, ends_at);
CREATE INDEX duty_shifts_user_time ON duty_shifts (user_id, starts_at);
