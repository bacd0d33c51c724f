//! The department's figures for a month of 100,000 orders (R-REP-4), next to the same aggregate
//! SQL run directly on the same database in the same run.
//!
//! Seeds one real order through the API (for its customer), then 100,000 orders of November
//! with their status rows straight into the tables (a tenth of them contacted late, a twentieth
//! never), spread over four channels and twenty order takers; then times `GET
//! /reports/figures?from=2026-11-01&to=2026-11-30` against the three order aggregates it runs
//! (per day and channel, per channel and status, contact compliance per person) called on a
//! pooled connection. SQLite always, PostgreSQL when `ECOPS_TEST_DATABASE_URL` is set. Run it on
//! a release build: `scripts/bench.sh figures`.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use diesel::RunQueryDsl;
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::repo::figures;
use ecops_tests::{spawn_app_with, Backend, TestApp};
use std::fmt::Write as _;
use std::time::Instant;

const ORDERS: usize = 100_000;
const TAKERS: usize = 20;
const ROUNDS: usize = 20;
const BATCH: usize = 500;
const CHANNELS: [&str; 4] = ["taobao", "jd", "pdd", "douyin"];

fn local(s: &str) -> DateTime<Utc> {
    let naive =
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("{s}: {e}"));
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("{s}"))
}

fn percentile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 - 1.0) * q).round() as usize;
    v.get(i).copied().unwrap_or(0.0)
}

fn ts(t: DateTime<Utc>) -> String {
    format!("'{}'", t.naive_utc().format("%Y-%m-%d %H:%M:%S"))
}

/// Inserts the month's orders and their status rows in batches, in one transaction each.
async fn seed(app: &TestApp, takers: Vec<uuid::Uuid>, customer: String) {
    app.with_db(move |conn| {
        let start = local("2026-11-01 00:00");
        let step_ms = 30 * 86_400_000 / ORDERS as i64;
        for batch in 0..ORDERS / BATCH {
            let mut orders = String::from(
                "INSERT INTO orders (id, channel, channel_order_no, customer_id, customer_name, \
                 customer_phone, shipping_address, total_fen, payment_method, payment_status, \
                 paid_fen, created_by, created_at, core_hash) VALUES ",
            );
            let mut status = String::from(
                "INSERT INTO order_status (order_id, status, contact_due_at, contacted_at, \
                 last_seq, updated_at) VALUES ",
            );
            for k in 0..BATCH {
                let i = batch * BATCH + k;
                let id = uuid::Uuid::now_v7();
                let at = start + Duration::milliseconds(i as i64 * step_ms);
                let due = at + Duration::minutes(10);
                let contacted = match i % 20 {
                    0 => "NULL".to_owned(),
                    1 | 2 => ts(at + Duration::minutes(14)),
                    _ => ts(at + Duration::minutes(4)),
                };
                let sep = if k == 0 { "" } else { "," };
                let _ = write!(
                    orders,
                    "{sep}('{id}','{}','b-{i}','{customer}','王芳','13800000001','杭州',{},'alipay',\
                     'paid',{},'{}',{},'x')",
                    CHANNELS[i % CHANNELS.len()],
                    1000 + (i % 50) * 100,
                    1000 + (i % 50) * 100,
                    takers[i % takers.len()],
                    ts(at)
                );
                let _ = write!(
                    status,
                    "{sep}('{id}','{}',{},{contacted},1,{})",
                    if i.is_multiple_of(7) { "shipped" } else { "accepted" },
                    ts(due),
                    ts(at)
                );
            }
            ecops_persistence::db::write_tx(conn, |conn| {
                diesel::sql_query(&orders).execute(conn)?;
                diesel::sql_query(&status).execute(conn)?;
                Ok::<_, ecops_persistence::StoreError>(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        }
    })
    .await;
}

async fn run(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| {
        c.auth.access_ttl_secs = 60 * 86_400;
    })
    .await
    else {
        println!("\n[{backend:?}] skipped: ECOPS_TEST_DATABASE_URL is not set");
        return;
    };
    app.clock.set(local("2026-10-31 10:00"));
    let cast = app.cast().await;
    app.listed(&cast, "BENCH-1", 1000, 10).await;
    let first = app
        .order(&cast, &app.order_body("seed", "BENCH-1", 1))
        .await;
    assert!(first.status.is_success(), "{}", first.text);
    let customer = first.body["customer_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut takers = Vec::new();
    for i in 0..TAKERS {
        takers.push(
            app.seed_user(
                &format!("cs.{i:02}"),
                &[JobRole::CustomerService],
                PermissionLevel::Operator,
            )
            .await,
        );
    }
    let t = Instant::now();
    seed(&app, takers, customer).await;
    let seed_secs = t.elapsed().as_secs_f64();
    app.clock.set(local("2026-12-01 10:00"));
    let manager = cast.dept.1.clone();
    let path = "/api/v1/reports/figures?from=2026-11-01&to=2026-11-30";
    let mut api_ms = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let r = app.get(path, &manager).await;
        api_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(r.status.is_success(), "{}", r.text);
        let total: i64 = r.body["orders_by_day"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["orders"].as_i64())
            .sum();
        assert_eq!(total, ORDERS as i64);
    }
    let period = (local("2026-11-01 00:00"), local("2026-12-01 00:00"));
    let now = local("2026-12-01 10:00");
    let raw_ms = app
        .with_db(move |conn| {
            let mut ms = Vec::new();
            for _ in 0..ROUNDS {
                let t = Instant::now();
                let days = figures::orders_by_day(conn, period, 8 * 3600).unwrap_or_default();
                let status = figures::orders_by_status(conn, period).unwrap_or_default();
                let contact = figures::contact_compliance(conn, period, now).unwrap_or_default();
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(days.len(), 30 * CHANNELS.len());
                assert!(!status.is_empty() && contact.len() == TAKERS);
            }
            ms
        })
        .await;
    println!(
        "\n[{backend:?}] {ORDERS} orders of November seeded in {seed_secs:.1} s, {ROUNDS} rounds"
    );
    let line = |what: &str, v: &Vec<f64>| {
        println!(
            "{what:<58} p50 {:>8.2} ms  p99 {:>8.2} ms",
            percentile(v.clone(), 0.5),
            percentile(v.clone(), 0.99)
        );
    };
    line("GET /reports/figures (the month, every figure)", &api_ms);
    line(
        "raw: the three order aggregates on a pooled connection",
        &raw_ms,
    );
    println!(
        "ratio raw ÷ API (p50): {:.2}",
        percentile(raw_ms.clone(), 0.5) / percentile(api_ms.clone(), 0.5)
    );
    drop(app);
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("bench")
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    runtime.block_on(async {
        run(Backend::Sqlite).await;
        run(Backend::Postgres).await;
    });
}
