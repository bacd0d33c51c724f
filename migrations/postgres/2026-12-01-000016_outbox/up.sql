-- The transactional outbox: each change's event, written in the change's own transaction and
-- numbered in commit order (`seq`), with the resource as the API returned it then. Partner
-- systems read it as a feed (`GET /events?after=`); webhooks deliver from it.
CREATE TABLE outbox_events (
    seq BIGINT PRIMARY KEY NOT NULL,
    id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    -- JSON: what happened beyond the resource (e.g. the order event's kind and number).
    context TEXT NOT NULL,
    -- JSON: the resource as the API returned it when the event happened.
    data TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_events_type ON outbox_events (event_type, seq);
CREATE INDEX outbox_events_resource ON outbox_events (resource_type, resource_id, seq);
