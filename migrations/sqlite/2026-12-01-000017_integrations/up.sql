-- Webhook subscriptions: where partner systems want the events of the outbox delivered, signed
-- with a secret of their own (sealed with the vault key), and how far the feed has been fanned
-- out to them (`fanned_to`, an `outbox_events.seq`).
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    -- JSON array of event types.
    event_types TEXT NOT NULL,
    filter_channel TEXT,
    filter_category TEXT,
    secret_sealed TEXT NOT NULL,
    -- 'active' or 'paused'.
    state TEXT NOT NULL,
    -- Why it is paused: 'by_admin' or 'failures'.
    paused_reason TEXT,
    consecutive_failures INTEGER NOT NULL,
    -- When the current run of failures began (NULL: the last attempt succeeded).
    failing_since TIMESTAMP,
    fanned_to BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One event to deliver to one subscription. 'pending' until delivered or out of tries
-- ('failed'); a node holds it while it sends (`lease_holder`, `lease_until`): a node that dies
-- mid-delivery leaves the lease to expire and another sends it again, with the same webhook-id.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    event_seq BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    resource_key TEXT NOT NULL,
    state TEXT NOT NULL,
    tries INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_holder TEXT,
    lease_until TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    UNIQUE (subscription_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (subscription_id, state, event_seq);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- Every attempt: when, the answer's status and the first bytes of its body, how long it took.
CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    -- NULL for a test ping.
    delivery_id TEXT,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    status_code INTEGER,
    latency_ms BIGINT NOT NULL,
    response_excerpt TEXT NOT NULL,
    error TEXT,
    node TEXT NOT NULL
);
CREATE INDEX webhook_attempts_subscription ON webhook_attempts (subscription_id, attempted_at);

-- Per-token rate limits: requests a minute (NULL: the configured default).
ALTER TABLE api_tokens ADD COLUMN rate_per_minute INTEGER;
