//! Order throughput and latency through the API next to a raw diesel loop running the same
//! statements on the same database in the same run (issue: orders benchmark).
//!
//! For SQLite always and PostgreSQL when `ECOPS_TEST_DATABASE_URL` is set, it prints:
//! creation with 1, 8 and 64 concurrent clients; `GET /orders/{id}`; the queue listing with
//! `BENCH_QUEUE_ORDERS` (default 100 000) orders in the database; and SQL statements per request
//! for several page sizes (constant means no N+1). Run it on a release build: `scripts/bench.sh`.

use diesel::connection::{set_default_instrumentation, Instrumentation, InstrumentationEvent};
use ecops_app::orders::{self as flow, CustomerRef, NewLine, NewOrder};
use ecops_persistence::repo::orders::{self, OrderFilter, OrderSort};
use ecops_persistence::{Database, DbConfig};
use ecops_tests::{spawn_app_with, Backend, TestApp};
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

static STATEMENTS: AtomicU64 = AtomicU64::new(0);
static FAILED: AtomicU64 = AtomicU64::new(0);

fn check(ok: bool) {
    if !ok {
        FAILED.fetch_add(1, Ordering::Relaxed);
    }
}

fn counting() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(|event: InstrumentationEvent<'_>| {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            STATEMENTS.fetch_add(1, Ordering::Relaxed);
        }
    }))
}

/// Throughput and latency percentiles of one run.
struct Figures {
    per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn figures(mut latencies: Vec<Duration>, elapsed: Duration) -> Figures {
    latencies.sort_unstable();
    let pick = |q: f64| {
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Figures {
        per_sec: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: pick(0.5),
        p99_ms: pick(0.99),
    }
}

fn row(what: &str, clients: usize, api: &Figures, raw: &Figures) {
    println!(
        "{what:<26} {clients:>3} | {:>9.0} /s {:>8.2} {:>8.2} ms | {:>9.0} /s {:>8.2} {:>8.2} ms | {:>5.2}",
        api.per_sec, api.p50_ms, api.p99_ms, raw.per_sec, raw.p50_ms, raw.p99_ms, api.per_sec / raw.per_sec
    );
}

/// Runs `total` calls of `call` over `clients` concurrent tasks; returns the figures.
async fn drive<F, Fut>(clients: usize, total: usize, call: F) -> Figures
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let call = Arc::new(call);
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (call, next) = (call.clone(), next.clone());
            tokio::spawn(async move {
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    if i >= total {
                        break;
                    }
                    let t = Instant::now();
                    call(i).await;
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::with_capacity(total);
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    figures(all, start.elapsed())
}

/// The same on plain threads, each with its own pooled connection (the raw diesel loop).
fn drive_raw(
    db: &Database,
    clients: usize,
    total: usize,
    call: impl Fn(&mut ecops_persistence::AnyConnection, usize) + Send + Sync + Copy + 'static,
) -> Figures {
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let (db, next) = (db.clone(), next.clone());
            spawn_named("raw", move || {
                let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    if i >= total {
                        break;
                    }
                    let t = Instant::now();
                    call(&mut conn, i);
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::with_capacity(total);
    for h in handles {
        all.extend(h.join().unwrap_or_default());
    }
    figures(all, start.elapsed())
}

/// What an open-loop run saw: accepted calls (latency from their scheduled start, so time
/// spent queued counts), refusals (503) and anything else.
struct OpenLoop {
    accepted: Figures,
    refused: usize,
    other: usize,
}

/// Open loop: starts a call every `1 / rate` seconds for `secs` seconds whatever the answers
/// are, so a server that falls behind shows it in the latencies instead of slowing the load
/// generator down. `call` answers an HTTP-like status (201 accepted, 503 refused).
async fn open_loop<F, Fut>(rate: f64, secs: f64, call: F) -> OpenLoop
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = u16> + Send + 'static,
{
    let call = Arc::new(call);
    let n = (rate * secs).round().max(1.0) as usize;
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let due = start + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        let call = call.clone();
        tasks.push(tokio::spawn(async move {
            let status = call(i).await;
            (status, due.elapsed())
        }));
    }
    let (mut ok, mut refused, mut other) = (Vec::with_capacity(n), 0, 0);
    for t in tasks {
        match t.await {
            Ok((201, took)) => ok.push(took),
            Ok((503, _)) => refused += 1,
            _ => other += 1,
        }
    }
    OpenLoop {
        accepted: figures(ok, start.elapsed()),
        refused,
        other,
    }
}

fn open_row(what: &str, rate: f64, api: &OpenLoop, raw: &OpenLoop) {
    println!(
        "{what:<22} {rate:>7.0}/s | {:>9.0} /s {:>8.2} {:>8.2} ms (refused {:>5}, other {}) | {:>9.0} /s {:>8.2} {:>8.2} ms",
        api.accepted.per_sec, api.accepted.p50_ms, api.accepted.p99_ms, api.refused, api.other,
        raw.accepted.per_sec, raw.accepted.p50_ms, raw.accepted.p99_ms
    );
}

/// A named plain thread (the raw loops), so the server's threads can be told apart.
fn spawn_named<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(f)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The server's threads: those of this process not named by the benchmark (its runtime's
/// threads are `bench`, the raw loops' `raw`).
fn server_threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| {
        d.filter_map(Result::ok)
            .filter(|t| {
                std::fs::read_to_string(t.path().join("comm"))
                    .is_ok_and(|n| !n.starts_with("bench") && !n.starts_with("raw"))
            })
            .count()
    })
}

/// CPU time (nanoseconds, user and system) the server's threads have used so far, from the
/// scheduler's per-thread accounting.
fn server_cpu_ns() -> u64 {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| {
        d.filter_map(Result::ok)
            .filter(|t| {
                std::fs::read_to_string(t.path().join("comm"))
                    .is_ok_and(|n| !n.starts_with("bench") && !n.starts_with("raw"))
            })
            .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
            .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
            .sum()
    })
}

/// The customer-service person the raw loop acts as.
fn taker(id: Uuid) -> ecops_app::Actor {
    ecops_app::Actor::new(
        id,
        vec![ecops_domain::JobRole::CustomerService],
        ecops_domain::PermissionLevel::Operator,
        ecops_persistence::repo::audit::NewEntry {
            actor_id: Some(id),
            actor_username: None,
            action: String::new(),
            subject_type: None,
            subject_id: None,
            client_addr: None,
            outcome: ecops_persistence::repo::audit::Outcome::Success,
            detail: serde_json::Value::Null,
            request_id: None,
            on_behalf_of: None,
        },
    )
}

fn new_order(tag: &str, i: usize, customer: Uuid) -> NewOrder {
    order_of("BENCH-1", tag, i, customer)
}

fn order_of(sku: &str, tag: &str, i: usize, customer: Uuid) -> NewOrder {
    NewOrder {
        channel: "bench".into(),
        channel_order_no: format!("{tag}-{i}"),
        customer: CustomerRef::Existing(customer),
        shipping_address: "Bench street 1".into(),
        payment_method: "alipay".into(),
        payment_status: "paid".into(),
        discount_limit_bp: ecops_domain::order::ANY_DISCOUNT_BP,
        lines: vec![NewLine {
            sku: sku.into(),
            quantity: 1,
            unit_price_fen: None,
        }],
    }
}

/// The closed-loop cells, on a node without an in-flight limit (what the server itself does);
/// answers the creation throughput with 8 clients.
async fn run(backend: Backend, queue_orders: usize) -> f64 {
    let Some(app) = spawn_app_with(backend, |c| {
        c.workers = None;
        c.max_in_flight_requests = Some(0);
        c.db.max_connections = 16;
        c.auth.login_rate_per_minute = 100_000;
        c.auth.access_ttl_secs = 86_400;
    })
    .await
    else {
        println!("\n[{backend:?}] skipped: ECOPS_TEST_DATABASE_URL is not set");
        return 0.0;
    };
    let url = app_url(&app).await;
    let raw_db = Database::connect(&DbConfig {
        max_connections: 64,
        ..DbConfig::new(url)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let cast = app.cast().await;
    app.listed(&cast, "BENCH-1", 1000, 10_000_000).await;
    let first = app
        .order(&cast, &app.order_body("bench-first", "BENCH-1", 1))
        .await;
    let customer =
        Uuid::parse_str(first.body["customer_id"].as_str().unwrap_or_default()).unwrap_or_default();
    let cs = cast.cs.0;
    // The raw loop runs what the request runs, the caller's session check included.
    let session = session_of(&cast.cs.1);
    let token = Arc::new(cast.cs.1.clone());
    let client = app.client.clone();
    let base = Arc::new(app.address.clone());
    println!(
        "\n[{backend:?}] same database, same run; ratio = API / raw (the raw loop runs the request's own statements: session check, then the operation)"
    );
    println!(
        "{:<26} {:>3} | {:>31} | {:>31} | ratio",
        "", "N", "API  (throughput  p50  p99)", "raw diesel loop"
    );

    let mut max_create = 0.0;
    // `BENCH_READS_ONLY=1` measures the reads alone (for a profiler), each cell
    // `BENCH_READ_SCALE` times as long.
    let reads_only = std::env::var_os("BENCH_READS_ONLY").is_some();
    let read_scale: usize = std::env::var("BENCH_READ_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let write_cells: &[usize] = if reads_only { &[] } else { &[1, 8, 64] };
    for &clients in write_cells {
        let total = 150 * clients.min(8) + 300;
        let (c, t, b) = (client.clone(), token.clone(), base.clone());
        let tag = format!("api{clients}");
        let api = drive(clients, total, move |i| {
            let (c, t, b, tag) = (c.clone(), t.clone(), b.clone(), tag.clone());
            async move {
                let body = json!({"channel": "bench", "channel_order_no": format!("{tag}-{i}"), "customer_id": customer,
                    "shipping_address": "Bench street 1", "payment_method": "alipay", "payment_status": "paid",
                    "lines": [{"sku": "BENCH-1", "quantity": 1}]});
                let r = c.post(format!("{b}/api/v1/orders")).bearer_auth(t.as_str()).json(&body).send().await;
                check(r.is_ok_and(|r| r.status().as_u16() == 201));
            }
        })
        .await;
        let raw = tokio::task::spawn_blocking({
            let db = raw_db.clone();
            move || {
                drive_raw(&db, clients, total, move |conn, i| {
                    let tag = format!("raw{clients}");
                    authenticate(conn, session, cs);
                    flow::create(
                        conn,
                        &taker(cs),
                        &new_order(&tag, i, customer),
                        chrono::Duration::minutes(10),
                        chrono::Utc::now(),
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
                })
            }
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        row("POST /orders", clients, &api, &raw);
        if clients == 8 {
            max_create = api.per_sec;
        }
    }

    // Fill the database to `queue_orders` orders through the raw path.
    let existing = app
        .with_db(|c| {
            orders::search(
                c,
                &OrderFilter::default(),
                OrderSort::Newest,
                None,
                1_000_000,
            )
            .map(|v| v.len())
            .unwrap_or(0)
        })
        .await;
    let missing = queue_orders.saturating_sub(existing);
    let t = Instant::now();
    tokio::task::spawn_blocking({
        let db = raw_db.clone();
        move || {
            drive_raw(&db, 8, missing, move |conn, i| {
                // A writer that waited past SQLite's busy timeout tries again: the seed must be
                // complete.
                for attempt in 0.. {
                    let made = flow::create(
                        conn,
                        &taker(cs),
                        &new_order("seed", i, customer),
                        chrono::Duration::minutes(10),
                        chrono::Utc::now(),
                    );
                    match made {
                        Ok(_) => break,
                        Err(e) if attempt < 20 => eprintln!("seed retry: {e}"),
                        Err(e) => panic!("{e}"),
                    }
                }
            })
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let in_db = app
        .with_db(|c| {
            orders::search(
                c,
                &OrderFilter::default(),
                OrderSort::Newest,
                None,
                10_000_000,
            )
            .map(|v| v.len())
            .unwrap_or(0)
        })
        .await;
    println!(
        "(seeded {missing} orders in {:.1} s; {in_db} orders in the database)",
        t.elapsed().as_secs_f64()
    );

    let ids: Arc<Vec<String>> = Arc::new(
        app.with_db(|c| {
            orders::search(c, &OrderFilter::default(), OrderSort::Newest, None, 5000)
                .unwrap_or_default()
                .into_iter()
                .map(|(o, _)| o.id)
                .collect()
        })
        .await,
    );
    let threads_before = server_threads();
    let mut threads_peak = 0;
    for clients in [1usize, 8, 64] {
        let total = (400 * clients.min(8) + 400) * read_scale;
        let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let sampler = (clients == 64).then(|| {
            let sampling = sampling.clone();
            tokio::spawn(async move {
                let mut peak = 0;
                while sampling.load(Ordering::Relaxed) {
                    peak = peak.max(server_threads());
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                peak
            })
        });
        let (c, t, b, ids2) = (client.clone(), token.clone(), base.clone(), ids.clone());
        let cpu_before = server_cpu_ns();
        let api = drive(clients, total, move |i| {
            let (c, t, b, ids) = (c.clone(), t.clone(), b.clone(), ids2.clone());
            async move {
                let id = &ids[i % ids.len()];
                let r = c
                    .get(format!("{b}/api/v1/orders/{id}"))
                    .bearer_auth(t.as_str())
                    .send()
                    .await;
                assert!(r.is_ok_and(|r| r.status().is_success()));
            }
        })
        .await;
        let cpu_ms = (server_cpu_ns() - cpu_before) as f64 / 1e6 / total as f64;
        sampling.store(false, Ordering::Relaxed);
        if let Some(sampler) = sampler {
            threads_peak = sampler.await.unwrap_or(0);
        }
        let ids3 = ids.clone();
        let raw = tokio::task::spawn_blocking({
            let db = raw_db.clone();
            move || {
                let ids = ids3;
                let idsp: &'static Vec<String> = Box::leak(Box::new((*ids).clone()));
                drive_raw(&db, clients, total, move |conn, i| {
                    let id = Uuid::parse_str(&idsp[i % idsp.len()]).unwrap_or_default();
                    authenticate(conn, session, cs);
                    assert!(orders::find(conn, id)
                        .unwrap_or_else(|e| panic!("{e}"))
                        .is_some());
                })
            }
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        row("GET /orders/{id}", clients, &api, &raw);
        println!(
            "{:<30} server CPU per request: {cpu_ms:.3} ms (all its threads, user and system)",
            ""
        );
    }
    println!(
        "server threads: {threads_before} before the reads, at most {threads_peak} during 64 API readers (pool: 16 connections)"
    );

    // What any request costs before it touches the database: loopback HTTP, the middleware
    // stack and the load generator itself. The detail read's ratio at low concurrency is bounded
    // by it.
    for clients in [1usize, 8] {
        let total = 400 * clients + 400;
        let (c, b) = (client.clone(), base.clone());
        let floor = drive(clients, total, move |_| {
            let (c, b) = (c.clone(), b.clone());
            async move {
                let r = c.get(format!("{b}/healthz")).send().await;
                assert!(r.is_ok_and(|r| r.status().is_success()));
            }
        })
        .await;
        println!(
            "{:<26} {clients:>3} | {:>9.0} /s {:>8.2} {:>8.2} ms | (HTTP floor: no auth, no database)",
            "GET /healthz", floor.per_sec, floor.p50_ms, floor.p99_ms
        );
    }

    for clients in [1usize, 8] {
        let total = 100 * clients + 100;
        let (c, t, b) = (client.clone(), token.clone(), base.clone());
        let api = drive(clients, total, move |_| {
            let (c, t, b) = (c.clone(), t.clone(), b.clone());
            async move {
                let r = c
                    .get(format!(
                        "{b}/api/v1/orders?limit=50&sort=contact_due&status=accepted"
                    ))
                    .bearer_auth(t.as_str())
                    .send()
                    .await;
                assert!(r.is_ok_and(|r| r.status().is_success()));
            }
        })
        .await;
        let raw = tokio::task::spawn_blocking({
            let db = raw_db.clone();
            move || {
                drive_raw(&db, clients, total, move |conn, _| {
                    authenticate(conn, session, cs);
                    let f = OrderFilter {
                        status: Some(ecops_domain::order::OrderStatus::Accepted),
                        ..OrderFilter::default()
                    };
                    let rows = orders::search(conn, &f, OrderSort::ContactDue, None, 51)
                        .unwrap_or_else(|e| panic!("{e}"));
                    let ids: Vec<String> = rows.iter().map(|(o, _)| o.id.clone()).collect();
                    orders::lines_of(conn, &ids).unwrap_or_else(|e| panic!("{e}"));
                })
            }
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        row(
            &format!("GET /orders queue ({}k)", queue_orders / 1000),
            clients,
            &api,
            &raw,
        );
    }

    println!("SQL statements per request (all connections of the server, counted by diesel):");
    for (what, path) in [
        ("GET /orders/{id}", format!("/api/v1/orders/{}", ids[0])),
        (
            "GET /orders?limit=10",
            "/api/v1/orders?limit=10&sort=contact_due".to_owned(),
        ),
        (
            "GET /orders?limit=50",
            "/api/v1/orders?limit=50&sort=contact_due".to_owned(),
        ),
        (
            "GET /orders?limit=200",
            "/api/v1/orders?limit=200&sort=contact_due".to_owned(),
        ),
    ] {
        let n = 20;
        let before = STATEMENTS.load(Ordering::Relaxed);
        for _ in 0..n {
            let r = client
                .get(format!("{base}{path}"))
                .bearer_auth(token.as_str())
                .send()
                .await;
            assert!(r.is_ok_and(|r| r.status().is_success()));
        }
        let per = (STATEMENTS.load(Ordering::Relaxed) - before) as f64 / f64::from(n);
        println!("  {what:<24} {per:>5.1}");
    }
    let before = STATEMENTS.load(Ordering::Relaxed);
    let r = client.post(format!("{base}/api/v1/orders")).bearer_auth(token.as_str())
        .json(&json!({"channel": "bench", "channel_order_no": "count-1", "customer_id": customer, "shipping_address": "x", "payment_method": "x", "payment_status": "paid", "lines": [{"sku": "BENCH-1", "quantity": 1}]}))
        .send().await;
    assert!(r.is_ok_and(|r| r.status().as_u16() == 201));
    println!(
        "  {:<24} {:>5}",
        "POST /orders",
        STATEMENTS.load(Ordering::Relaxed) - before
    );
    println!(
        "failed API calls in this run: {}",
        FAILED.swap(0, Ordering::Relaxed)
    );
    drop(app);
    max_create
}

/// The session id inside an access token (its `sid` claim).
fn session_of(token: &str) -> Uuid {
    use base64::Engine;
    let claims = token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .unwrap_or_default();
    Uuid::parse_str(claims["sid"].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("no session in the token: {e}"))
}

/// The statements the server runs to accept a bearer token.
fn authenticate(conn: &mut ecops_persistence::AnyConnection, session: Uuid, user: Uuid) {
    assert!(
        ecops_persistence::repo::users::by_live_session(conn, session, user)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_some()
    );
}

async fn app_url(app: &TestApp) -> String {
    // The server's own database URL is not exposed; reach the same database through the harness.
    app.database_url.clone()
}

/// A node at the default in-flight limit of its backend and pool: first the open loop at half
/// and twice `max_create` next to the raw loop on the same schedule, then `clients` callers
/// creating orders for `secs` seconds, a refused caller waiting the `Retry-After` it was given.
/// Prints what was accepted (its latency), what was refused (how fast), any other answer, and
/// how soon after the load a single order goes through.
async fn overload(backend: Backend, clients: usize, secs: u64, max_create: f64) {
    let mut limit = 0;
    let Some(app) = spawn_app_with(backend, |c| {
        c.workers = None;
        c.db.max_connections = 16;
        c.max_in_flight_requests = None;
        limit = c.in_flight_limit();
        c.auth.login_rate_per_minute = 100_000;
        c.auth.access_ttl_secs = 86_400;
    })
    .await
    else {
        return;
    };
    let cast = app.cast().await;
    app.listed(&cast, "LOAD-1", 1000, 10_000_000).await;
    let token = Arc::new(cast.cs.1.clone());
    let base = Arc::new(app.address.clone());
    let client = app.client.clone();
    let first = app
        .order(&cast, &app.order_body("load-first", "LOAD-1", 1))
        .await;
    let customer =
        Uuid::parse_str(first.body["customer_id"].as_str().unwrap_or_default()).unwrap_or_default();
    let cs = cast.cs.0;
    let session = session_of(&cast.cs.1);
    // The raw loop's pool is the server's.
    let raw_db = Database::connect(&DbConfig {
        max_connections: 16,
        ..DbConfig::new(app_url(&app).await)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    // Open loop at half and twice the closed loop's 8-client throughput.
    for share in [0.5, 2.0] {
        let rate = (max_create * share).max(1.0);
        let (c, t, b) = (client.clone(), token.clone(), base.clone());
        let tag = format!("open{share}");
        let api = open_loop(rate, 10.0, move |i| {
            let (c, t, b) = (c.clone(), t.clone(), b.clone());
            let body = json!({"channel": "bench", "channel_order_no": format!("{tag}-{i}"), "customer_id": customer,
                "shipping_address": "Bench street 1", "payment_method": "alipay", "payment_status": "paid",
                "lines": [{"sku": "LOAD-1", "quantity": 1}]});
            async move {
                let r = c.post(format!("{b}/api/v1/orders")).bearer_auth(t.as_str()).json(&body).send().await;
                r.map_or(0, |r| r.status().as_u16())
            }
        })
        .await;
        let db = raw_db.clone();
        let tag = format!("rawopen{share}");
        let raw = open_loop(rate, 10.0, move |i| {
            let (db, tag) = (db.clone(), tag.clone());
            async move {
                let made = tokio::task::spawn_blocking(move || {
                    let mut conn = db.conn().ok()?;
                    authenticate(&mut conn, session, cs);
                    flow::create(
                        &mut conn,
                        &taker(cs),
                        &order_of("LOAD-1", &tag, i, customer),
                        chrono::Duration::minutes(10),
                        chrono::Utc::now(),
                    )
                    .ok()
                })
                .await;
                if matches!(made, Ok(Some(_))) {
                    201
                } else {
                    0
                }
            }
        })
        .await;
        open_row(
            &format!("POST /orders open {:.0}%", share * 100.0),
            rate,
            &api,
            &raw,
        );
    }

    let start = Instant::now();
    let until = start + Duration::from_secs(secs);
    let serial = Arc::new(AtomicU64::new(0));
    let order = |i: u64| {
        json!({"channel": "load", "channel_order_no": format!("load-{i}"),
            "customer": {"name": "Load", "phone": "13700000000", "address": "Load street 1"},
            "shipping_address": "Load street 1", "payment_method": "alipay", "payment_status": "paid",
            "lines": [{"sku": "LOAD-1", "quantity": 1}]})
    };
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (c, t, b, serial) = (client.clone(), token.clone(), base.clone(), serial.clone());
            tokio::spawn(async move {
                let (mut ok, mut refused, mut other) = (Vec::new(), Vec::new(), 0u64);
                while Instant::now() < until {
                    let body = order(serial.fetch_add(1, Ordering::Relaxed));
                    let sent = Instant::now();
                    let r = c
                        .post(format!("{b}/api/v1/orders"))
                        .bearer_auth(t.as_str())
                        .json(&body)
                        .send()
                        .await;
                    let took = sent.elapsed();
                    match r.map(|r| r.status().as_u16()) {
                        Ok(201) => ok.push(took),
                        Ok(503) => {
                            refused.push(took);
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                        _ => other += 1,
                    }
                }
                (ok, refused, other)
            })
        })
        .collect();
    let (mut ok, mut refused, mut other) = (Vec::new(), Vec::new(), 0u64);
    for t in tasks {
        if let Ok((a, r, o)) = t.await {
            ok.extend(a);
            refused.extend(r);
            other += o;
        }
    }
    let elapsed = start.elapsed();
    // Recovery: the first order accepted once the load is gone.
    let after = Instant::now();
    let mut recovered = None;
    for i in 0..200u64 {
        let r = client
            .post(format!("{base}/api/v1/orders"))
            .bearer_auth(token.as_str())
            .json(&order(u64::MAX - i))
            .send()
            .await;
        if r.is_ok_and(|r| r.status().as_u16() == 201) {
            recovered = Some(after.elapsed());
            break;
        }
    }
    let accepted = figures(ok, elapsed);
    let refusals = figures(refused.clone(), elapsed);
    println!(
        "[{backend:?}] {clients} clients, {secs} s, max_in_flight {limit}: accepted {:.0} /s p50 {:.2} p99 {:.2} ms | refused {} (p99 {:.2} ms) | other answers {other} | recovered in {}",
        accepted.per_sec,
        accepted.p50_ms,
        accepted.p99_ms,
        refused.len(),
        refusals.p99_ms,
        recovered.map_or("never".to_owned(), |d| format!("{:.1} ms", d.as_secs_f64() * 1000.0)),
    );
}

/// The server binary's allocator, so the benchmark measures what runs in production.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("bench")
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    runtime.block_on(bench());
}

async fn bench() {
    if set_default_instrumentation(counting).is_err() {
        eprintln!("statement counting unavailable");
    }
    let queue_orders: usize = std::env::var("BENCH_QUEUE_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    // `BENCH_OVERLOAD_ONLY=1` skips to the overload cells.
    // Without the closed-loop cells the open loop's rates are these (this machine's maxima).
    let (mut max_sqlite, mut max_pg) = (900.0, 600.0);
    if std::env::var_os("BENCH_OVERLOAD_ONLY").is_none() {
        max_sqlite = run(Backend::Sqlite, queue_orders).await;
        max_pg = run(Backend::Postgres, queue_orders).await;
    }
    if std::env::var_os("BENCH_READS_ONLY").is_some() {
        return;
    }
    let secs = std::env::var("BENCH_OVERLOAD_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    println!("\nAt the default in-flight limit: open loop at half and twice the 8-client maximum (API: accepted, refused; raw: the same schedule on a pool of 16), then {secs} s of 256 callers (refused callers wait the Retry-After they get):");
    for (backend, max_create) in [(Backend::Sqlite, max_sqlite), (Backend::Postgres, max_pg)] {
        overload(backend, 256, secs, max_create).await;
    }
}
