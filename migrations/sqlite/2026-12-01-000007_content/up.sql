-- R-PUB-1..3: content items (news, notices, banners, product copy) and their revisions. A
-- revision is drafted, goes through its approval chain, is published and may be taken down; a
-- published revision is never edited: the next one is a new row and the earlier stays readable.
CREATE TABLE content_items (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    page_revision_id TEXT REFERENCES page_revisions (id),
    latest_revision INTEGER NOT NULL,
    live_revision INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX content_items_kind ON content_items (kind);

CREATE TABLE content_revisions (
    item_id TEXT NOT NULL REFERENCES content_items (id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    confidential INTEGER NOT NULL,
    status TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    approval_request_id TEXT REFERENCES approval_requests (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (item_id, number)
);
CREATE INDEX content_revisions_status ON content_revisions (status);

-- Who did what to which revision, and when: the item's history.
CREATE TABLE content_events (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL REFERENCES content_items (id),
    revision INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    note TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX content_events_item ON content_events (item_id, at);

-- R-PUB-3: the bytes live in the database (one backup holds everything), once per content
-- (keyed by SHA-256), in chunks so that a range is read without loading the whole file.
CREATE TABLE content_blobs (
    sha256 TEXT PRIMARY KEY NOT NULL,
    size_bytes BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE content_blob_chunks (
    sha256 TEXT NOT NULL REFERENCES content_blobs (sha256),
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (sha256, seq)
);
CREATE TABLE content_attachments (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL REFERENCES content_items (id),
    revision INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES content_blobs (sha256),
    file_name TEXT NOT NULL,
    media TEXT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX content_attachments_item ON content_attachments (item_id, revision);
