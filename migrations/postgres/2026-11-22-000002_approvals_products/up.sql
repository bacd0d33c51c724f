-- The approvals engine (decisions, versioned chains, publish-by deadlines) and the product lifecycle.

ALTER TABLE approval_requests ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE approval_requests ADD COLUMN chain_version BIGINT;
ALTER TABLE approval_requests ADD COLUMN publish_by TIMESTAMP;
ALTER TABLE approval_requests ADD COLUMN published_at TIMESTAMP;
CREATE INDEX approval_requests_proposer ON approval_requests (proposer_id, id);

CREATE TABLE approval_decisions (
    id TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL REFERENCES approval_requests (id),
    step_index INTEGER NOT NULL,
    role TEXT NOT NULL,
    decider_id TEXT NOT NULL REFERENCES users (id),
    verdict TEXT NOT NULL CHECK (verdict IN ('approve', 'reject')),
    comment TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    UNIQUE (request_id, step_index, role),
    UNIQUE (request_id, decider_id)
);

CREATE TABLE approval_chains (
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    steps TEXT NOT NULL,
    effective_from TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, version)
);

CREATE TABLE products (
    id TEXT PRIMARY KEY NOT NULL,
    sku TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    list_price_fen BIGINT NOT NULL CHECK (list_price_fen > 0),
    stock BIGINT NOT NULL CHECK (stock >= 0),
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending_listing', 'listed', 'delisted')),
    confidential INTEGER NOT NULL DEFAULT 0,
    last_counted_at TIMESTAMP,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX products_status ON products (status, sku);

CREATE TABLE product_events (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    at TIMESTAMP NOT NULL,
    actor_id TEXT REFERENCES users (id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    reason TEXT,
    approval_request_id TEXT REFERENCES approval_requests (id)
);
CREATE INDEX product_events_product ON product_events (product_id, id);

CREATE TABLE price_history (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    price_fen BIGINT NOT NULL CHECK (price_fen > 0),
    effective_from TIMESTAMP,
    source TEXT NOT NULL,
    proposer_id TEXT REFERENCES users (id),
    approver_id TEXT REFERENCES users (id),
    applied_by TEXT REFERENCES users (id),
    approval_request_id TEXT REFERENCES approval_requests (id),
    competitors TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX price_history_product ON price_history (product_id, effective_from);

CREATE TABLE stock_movements (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    delta BIGINT NOT NULL,
    stock_after BIGINT NOT NULL CHECK (stock_after >= 0),
    reason TEXT NOT NULL,
    reference TEXT,
    note TEXT,
    actor_id TEXT REFERENCES users (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX stock_movements_product ON stock_movements (product_id, id);

CREATE TABLE promotions (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    rule_type TEXT NOT NULL CHECK (rule_type IN ('price', 'percent_off')),
    rule_value BIGINT NOT NULL,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn')),
    approval_request_id TEXT REFERENCES approval_requests (id),
    proposer_id TEXT NOT NULL REFERENCES users (id),
    approver_id TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (end_at > start_at)
);

CREATE TABLE promotion_products (
    promotion_id TEXT NOT NULL REFERENCES promotions (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    PRIMARY KEY (promotion_id, product_id)
);
CREATE INDEX promotion_products_product ON promotion_products (product_id);

CREATE TABLE product_attachments (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'document')),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL,
    copyrighted INTEGER NOT NULL DEFAULT 0,
    added_by TEXT NOT NULL REFERENCES users (id),
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX product_attachments_product ON product_attachments (product_id);

CREATE TABLE stocktakes (
    id TEXT PRIMARY KEY NOT NULL,
    started_by TEXT NOT NULL REFERENCES users (id),
    started_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'posted')),
    posted_at TIMESTAMP,
    posted_by TEXT REFERENCES users (id)
);

CREATE TABLE stocktake_lines (
    stocktake_id TEXT NOT NULL REFERENCES stocktakes (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    counted_qty BIGINT NOT NULL CHECK (counted_qty >= 0),
    system_qty BIGINT NOT NULL,
    counted_by TEXT NOT NULL REFERENCES users (id),
    counted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (stocktake_id, product_id)
);

-- Decisions are final (R-APR-3) and history is kept: the database refuses to rewrite them.
CREATE FUNCTION refuse_rewrite() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER approval_decisions_no_update BEFORE UPDATE ON approval_decisions
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
CREATE TRIGGER approval_decisions_no_delete BEFORE DELETE ON approval_decisions
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
