-- Customers, orders (immutable core + append-only events + a mutable status projection),
-- daily order exports, job leases, after-sales cases.

CREATE TABLE customers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    address TEXT NOT NULL,
    classification TEXT NOT NULL,
    bad_customer INTEGER NOT NULL DEFAULT 0,
    bad_customer_reason TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX customers_phone ON customers (phone);

CREATE TABLE orders (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL,
    channel_order_no TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    customer_name TEXT NOT NULL,
    customer_phone TEXT NOT NULL,
    shipping_address TEXT NOT NULL,
    total_fen BIGINT NOT NULL CHECK (total_fen >= 0),
    payment_method TEXT NOT NULL,
    payment_status TEXT NOT NULL,
    paid_fen BIGINT NOT NULL CHECK (paid_fen >= 0),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    core_hash TEXT NOT NULL,
    UNIQUE (channel, channel_order_no)
);
CREATE INDEX orders_created ON orders (created_at, id);
CREATE INDEX orders_customer ON orders (customer_id, id);

CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (id),
    line_no INTEGER NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    sku TEXT NOT NULL,
    title TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_fen BIGINT NOT NULL CHECK (unit_price_fen >= 0),
    line_total_fen BIGINT NOT NULL CHECK (line_total_fen >= 0),
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_sku ON order_lines (sku);

CREATE TABLE order_events (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    at TIMESTAMP NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (order_id, seq)
);

-- Where each order stands: a projection of its events kept for queues and search. It is the
-- only order table that is ever updated, and it holds no core data.
CREATE TABLE order_status (
    order_id TEXT PRIMARY KEY NOT NULL REFERENCES orders (id),
    status TEXT NOT NULL,
    contact_due_at TIMESTAMP NOT NULL,
    contacted_at TIMESTAMP,
    last_seq INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX order_status_queue ON order_status (status, contact_due_at);

CREATE TABLE order_exports (
    export_date TEXT PRIMARY KEY NOT NULL,
    jsonl_path TEXT NOT NULL,
    csv_path TEXT NOT NULL,
    jsonl_sha256 TEXT NOT NULL,
    csv_sha256 TEXT NOT NULL,
    order_count INTEGER NOT NULL,
    event_count INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by_node TEXT NOT NULL
);

CREATE TABLE job_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE aftersales_cases (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id),
    description TEXT NOT NULL,
    customer_result TEXT,
    refund_fen BIGINT NOT NULL DEFAULT 0 CHECK (refund_fen >= 0),
    deadline_at TIMESTAMP,
    escalated_at TIMESTAMP,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX aftersales_order ON aftersales_cases (order_id);
CREATE INDEX aftersales_created ON aftersales_cases (created_at);

CREATE TABLE aftersales_lines (
    case_id TEXT NOT NULL REFERENCES aftersales_cases (id),
    line_no INTEGER NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (case_id, line_no)
);

-- R-ORD-2: not even a bug in our own code can rewrite an order.
CREATE TRIGGER orders_no_update BEFORE UPDATE ON orders BEGIN SELECT RAISE(ABORT, 'orders are immutable'); END;
CREATE TRIGGER orders_no_delete BEFORE DELETE ON orders BEGIN SELECT RAISE(ABORT, 'orders are immutable'); END;
CREATE TRIGGER order_lines_no_update BEFORE UPDATE ON order_lines BEGIN SELECT RAISE(ABORT, 'orders are immutable'); END;
CREATE TRIGGER order_lines_no_delete BEFORE DELETE ON order_lines BEGIN SELECT RAISE(ABORT, 'orders are immutable'); END;
CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events BEGIN SELECT RAISE(ABORT, 'order events are append-only'); END;
CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events BEGIN SELECT RAISE(ABORT, 'order events are append-only'); END;
