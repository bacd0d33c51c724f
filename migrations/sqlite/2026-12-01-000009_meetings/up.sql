-- R-REP-5: meeting minutes (会议记录): the date, who attended, what was decided, and action
-- items with an owner and a due day, each on its owner's daily report until it is done.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY NOT NULL,
    held_on DATE NOT NULL,
    title TEXT NOT NULL,
    attendees TEXT NOT NULL,
    decisions TEXT NOT NULL,
    written_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meetings_held_on ON meetings (held_on);

CREATE TABLE action_items (
    id TEXT PRIMARY KEY NOT NULL,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    owner_id TEXT NOT NULL REFERENCES users (id),
    text TEXT NOT NULL,
    due_on DATE NOT NULL,
    done_at TIMESTAMP,
    done_by TEXT REFERENCES users (id)
);
CREATE INDEX action_items_owner ON action_items (owner_id, done_at);
CREATE INDEX action_items_meeting ON action_items (meeting_id);
