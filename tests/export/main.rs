//! Streaming exports in constant memory: 100,000 orders exported as NDJSON and as CSV while the
//! process's resident memory is watched. A test binary of its own, so the memory read is this
//! export's and not that of tests running beside it; SQLite, then PostgreSQL, one after the other.

use ecops_tests::{spawn_app, Backend, TestApp};
use futures_util::StreamExt;
use reqwest::StatusCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

const ORDERS: i64 = 100_000;

/// The process's resident set size, in bytes.
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .unwrap_or(0)
        * 1024
}

/// One order taken through the API, then copied in SQL until there are `ORDERS` (each with its
/// line, its status and its creation event): the export reads them as it reads any order.
async fn seed(app: &TestApp) -> String {
    let cast = app.cast().await;
    app.listed(&cast, "BULK-1", 1_000, 10).await;
    let first = app
        .order(&cast, &app.order_body("BULK-0", "BULK-1", 1))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let id = first.body["id"].as_str().unwrap_or_default().to_owned();
    let hex = match app.backend {
        Backend::Sqlite => "printf('%012x', n)",
        Backend::Postgres => "lpad(to_hex(n), 12, '0')",
    };
    let series = format!(
        "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {})",
        ORDERS - 1
    );
    let new_id = |prefix: &str| format!("'{prefix}-0000-7000-8000-' || {hex}");
    let statements = vec![
        format!(
            "{series} INSERT INTO orders (id, channel, channel_order_no, customer_id, customer_name, customer_phone, \
             shipping_address, total_fen, payment_method, payment_status, paid_fen, created_by, created_at, core_hash) \
             SELECT {}, o.channel, 'BULK-' || n, o.customer_id, o.customer_name, o.customer_phone, o.shipping_address, \
             o.total_fen, o.payment_method, o.payment_status, o.paid_fen, o.created_by, o.created_at, o.core_hash \
             FROM s, orders o WHERE o.id = '{id}'",
            new_id("01a00000")
        ),
        format!(
            "{series} INSERT INTO order_lines (order_id, line_no, product_id, sku, title, quantity, unit_price_fen, line_total_fen) \
             SELECT {}, l.line_no, l.product_id, l.sku, l.title, l.quantity, l.unit_price_fen, l.line_total_fen \
             FROM s, order_lines l WHERE l.order_id = '{id}'",
            new_id("01a00000")
        ),
        format!(
            "{series} INSERT INTO order_status (order_id, status, contact_due_at, contacted_at, last_seq, updated_at) \
             SELECT {}, t.status, t.contact_due_at, t.contacted_at, t.last_seq, t.updated_at \
             FROM s, order_status t WHERE t.order_id = '{id}'",
            new_id("01a00000")
        ),
        format!(
            "{series} INSERT INTO order_events (id, order_id, seq, kind, actor_id, at, data, prev_hash, hash) \
             SELECT {}, {}, e.seq, e.kind, e.actor_id, e.at, e.data, e.prev_hash, e.hash \
             FROM s, order_events e WHERE e.order_id = '{id}'",
            new_id("01a00001"),
            new_id("01a00000")
        ),
    ];
    app.with_db(move |conn| {
        use diesel::RunQueryDsl;
        for sql in &statements {
            diesel::sql_query(sql.as_str())
                .execute(conn)
                .unwrap_or_else(|e| panic!("{e}: {sql}"));
        }
    })
    .await;
    cast.dept.1
}

/// Streams `path`, counting lines and bytes without keeping them; returns (lines, bytes, the
/// largest growth of resident memory over `before` seen meanwhile, the first two lines).
async fn stream(app: &TestApp, path: &str, token: &str) -> (u64, u64, u64, Vec<String>) {
    let before = rss();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss(), Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        })
    };
    let resp = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), StatusCode::OK);
    let mut body = resp.bytes_stream();
    let (mut lines, mut bytes) = (0_u64, 0_u64);
    let mut head = Vec::new();
    let mut partial = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap_or_else(|e| panic!("the export broke off: {e}"));
        bytes += chunk.len() as u64;
        for b in chunk.iter() {
            if *b == b'\n' {
                lines += 1;
                if head.len() < 2 {
                    head.push(String::from_utf8_lossy(&partial).into_owned());
                }
                partial.clear();
            } else if head.len() < 2 {
                partial.push(*b);
            }
        }
    }
    done.store(true, Ordering::Relaxed);
    let _ = watcher.join();
    (
        lines,
        bytes,
        peak.load(Ordering::Relaxed).saturating_sub(before),
        head,
    )
}

async fn a_hundred_thousand_orders_stream_in_constant_memory(app: TestApp) {
    let token = seed(&app).await;
    let started = std::time::Instant::now();
    let (lines, bytes, grew, head) = stream(&app, "/api/v1/exports/orders", &token).await;
    let took = started.elapsed();
    assert_eq!(lines, ORDERS as u64, "one order per line");
    let first: serde_json::Value = serde_json::from_str(&head[0]).unwrap_or_default();
    assert_eq!(first["lines"][0]["sku"], "BULK-1", "{}", head[0]);
    assert_eq!(first["events"][0]["kind"], "accepted", "{}", head[0]);
    eprintln!(
        "{:?}: {ORDERS} orders as NDJSON, {} MB in {:.1} s; resident memory grew by at most {} MB",
        app.backend,
        bytes / 1_000_000,
        took.as_secs_f64(),
        grew / 1_000_000
    );
    // What was written is several times what the process ever held more.
    assert!(bytes > 50_000_000, "{bytes} bytes");
    assert!(
        grew < 48 * 1024 * 1024,
        "resident memory grew by {grew} bytes"
    );
    assert!(
        grew * 4 < bytes,
        "memory grew by {grew} for {bytes} bytes written"
    );

    let (lines, bytes, grew, head) =
        stream(&app, "/api/v1/exports/orders?format=csv", &token).await;
    assert_eq!(
        lines,
        ORDERS as u64 + 1,
        "a header and one row per order line"
    );
    assert!(
        head[0].contains("order_id,channel,channel_order_no"),
        "{}",
        head[0]
    );
    eprintln!(
        "{:?}: as CSV, {} MB; resident memory grew by at most {} MB",
        app.backend,
        bytes / 1_000_000,
        grew / 1_000_000
    );
    assert!(
        grew < 48 * 1024 * 1024,
        "resident memory grew by {grew} bytes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exports_stream_in_constant_memory_on_both_databases() {
    let sqlite = spawn_app(Backend::Sqlite)
        .await
        .unwrap_or_else(|| panic!("sqlite is always available"));
    a_hundred_thousand_orders_stream_in_constant_memory(sqlite).await;
    match spawn_app(Backend::Postgres).await {
        Some(pg) => a_hundred_thousand_orders_stream_in_constant_memory(pg).await,
        None => eprintln!("skipped on PostgreSQL: ECOPS_TEST_DATABASE_URL is not set"),
    }
}
