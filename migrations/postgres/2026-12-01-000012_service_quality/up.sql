-- Service quality (R-QA-1..3): customer-service contacts, the versioned service checklist, and
-- reviews against it. Contacts and reviews are appended, never edited (a review's one change is
-- the reviewed person's response).
CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    staff_id TEXT NOT NULL REFERENCES users (id),
    order_id TEXT REFERENCES orders (id),
    customer_id TEXT REFERENCES customers (id),
    channel TEXT NOT NULL CHECK (channel IN ('online_chat', 'phone', 'platform_messenger')),
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP NOT NULL,
    summary TEXT NOT NULL,
    transcript TEXT,
    outcome TEXT NOT NULL,
    feedback TEXT,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX contacts_staff ON contacts (staff_id, started_at);
CREATE INDEX contacts_started ON contacts (started_at);

CREATE TABLE qa_checklists (
    version BIGINT PRIMARY KEY NOT NULL,
    -- JSON array of {key, label_zh, label_en, phone_only}.
    items TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE qa_reviews (
    id TEXT PRIMARY KEY NOT NULL,
    contact_id TEXT NOT NULL UNIQUE REFERENCES contacts (id),
    staff_id TEXT NOT NULL REFERENCES users (id),
    reviewer_id TEXT NOT NULL REFERENCES users (id),
    checklist_version BIGINT NOT NULL REFERENCES qa_checklists (version),
    -- JSON array of {item, mark, comment}.
    marks TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    comment TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    response TEXT,
    responded_at TIMESTAMP,
    CHECK (reviewer_id <> staff_id)
);
CREATE INDEX qa_reviews_staff ON qa_reviews (staff_id, submitted_at);
