//! Backup and restore of 25,000 and then 100,000 orders (R-SEC-2): time and peak memory, next to
//! the database's own tools in the same run (SQLite: `VACUUM INTO`; PostgreSQL: `pg_dump` and
//! `pg_restore` when installed).
//!
//! Seeds orders with two lines, two events and a status row each straight into the tables, then
//! takes a backup with `ecops_app::backups::take_to` (what `ecops backup` and `POST /backups` run)
//! and restores it into a fresh database of the same backend (`ecops restore`). The peak memory of
//! each step is the process's resident high-water mark, reset before the step
//! (`/proc/self/clear_refs`), minus the resident size before it: it stays flat as the data grows,
//! because rows stream and are never held whole. Run it on a release build:
//! `scripts/bench.sh backup`.

use chrono::{Duration, Utc};
use diesel::RunQueryDsl;
use ecops_persistence::{AnyConnection, Database, DbConfig};
use ecops_tests::{fresh_database_url, spawn_app_with, temp_dir, Backend, TestApp};
use std::fmt::Write as _;
use std::time::Instant;

const STEPS: [usize; 2] = [25_000, 100_000];
const BATCH: usize = 500;

fn rss_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Runs `f`, returning its result, its seconds and how far the resident memory rose above where
/// it stood before (MiB).
fn measured<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = rss_kb("VmRSS:");
    let t = Instant::now();
    let out = f();
    let secs = t.elapsed().as_secs_f64();
    let peak = rss_kb("VmHWM:");
    (out, secs, peak.saturating_sub(before) as f64 / 1024.0)
}

/// Inserts orders `from..to` with their lines, events and status rows, a batch per transaction.
fn seed(
    conn: &mut AnyConnection,
    from: usize,
    to: usize,
    customer: &str,
    taker: &str,
    product: &str,
) {
    let start = Utc::now() - Duration::days(60);
    for batch in (from..to).step_by(BATCH) {
        let mut orders = String::from(
            "INSERT INTO orders (id, channel, channel_order_no, customer_id, customer_name, \
             customer_phone, shipping_address, total_fen, payment_method, payment_status, \
             paid_fen, created_by, created_at, core_hash) VALUES ",
        );
        let mut lines = String::from(
            "INSERT INTO order_lines (order_id, line_no, product_id, sku, title, quantity, \
             unit_price_fen, line_total_fen) VALUES ",
        );
        let mut events = String::from(
            "INSERT INTO order_events (id, order_id, seq, kind, actor_id, at, data, prev_hash, hash) VALUES ",
        );
        let mut status = String::from(
            "INSERT INTO order_status (order_id, status, contact_due_at, contacted_at, last_seq, \
             updated_at) VALUES ",
        );
        for i in batch..(batch + BATCH).min(to) {
            let id = uuid::Uuid::now_v7();
            let at = (start + Duration::seconds(i as i64 * 30)).naive_utc();
            let ts = |t: chrono::NaiveDateTime| format!("'{}'", t.format("%Y-%m-%d %H:%M:%S%.6f"));
            let sep = if i == batch { "" } else { "," };
            let _ = write!(
                orders,
                "{sep}('{id}','taobao','bk-{i}','{customer}','王芳','13800000001','杭州市西湖区文三路 {i} 号',\
                 25600,'alipay','paid',25600,'{taker}',{},'{:064x}')",
                ts(at),
                i
            );
            let _ = write!(
                lines,
                "{sep}('{id}',1,'{product}','TEA-001','龙井 250g',2,12800,25600),\
                 ('{id}',2,'{product}','TEA-001','赠品 茶杯',1,0,0)"
            );
            let _ = write!(
                events,
                "{sep}('{}','{id}',1,'created','{taker}',{},'{{\"lines\":2}}','{:064}','{:064x}'),\
                 ('{}','{id}',2,'customer_contacted','{taker}',{},'{{\"note\":\"电话确认地址\"}}','{:064x}','{:064x}')",
                uuid::Uuid::now_v7(),
                ts(at),
                0,
                i * 2,
                uuid::Uuid::now_v7(),
                ts(at + Duration::minutes(4)),
                i * 2,
                i * 2 + 1
            );
            let _ = write!(
                status,
                "{sep}('{id}','accepted',{},{},2,{})",
                ts(at + Duration::minutes(10)),
                ts(at + Duration::minutes(4)),
                ts(at + Duration::minutes(4))
            );
        }
        ecops_persistence::db::write_tx(conn, |conn| {
            for sql in [&orders, &lines, &events, &status] {
                diesel::sql_query(sql.as_str()).execute(conn)?;
            }
            Ok::<_, ecops_persistence::StoreError>(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// The database's own copy: `VACUUM INTO` on SQLite, `pg_dump -Fc` on PostgreSQL (if installed).
fn raw_backup(app: &TestApp, out: &std::path::Path) -> Option<f64> {
    match app.backend {
        Backend::Sqlite => {
            let db = app.db.clone();
            let target = out.display().to_string();
            let t = Instant::now();
            let mut conn = db.conn().ok()?;
            diesel::sql_query(format!("VACUUM INTO '{target}'"))
                .execute(&mut *conn)
                .ok()?;
            Some(t.elapsed().as_secs_f64())
        }
        Backend::Postgres => {
            let url = app
                .database_url
                .split('?')
                .next()
                .unwrap_or_default()
                .to_owned();
            let t = Instant::now();
            let ok = std::process::Command::new("pg_dump")
                .args(["-Fc", "-f"])
                .arg(out)
                .arg(&url)
                .status()
                .ok()?
                .success();
            ok.then(|| t.elapsed().as_secs_f64())
        }
    }
}

fn raw_restore(backend: Backend, dump: &std::path::Path, dir: &std::path::Path) -> Option<f64> {
    match backend {
        // The copy made by VACUUM INTO is the database: restoring is a file copy.
        Backend::Sqlite => {
            let t = Instant::now();
            std::fs::copy(dump, dir.join("raw-restore.db")).ok()?;
            Some(t.elapsed().as_secs_f64())
        }
        Backend::Postgres => {
            let url = fresh_database_url(Backend::Postgres, dir)?;
            let url = url.split('?').next().unwrap_or_default().to_owned();
            let t = Instant::now();
            let ok = std::process::Command::new("pg_restore")
                .args(["--no-owner", "-d"])
                .arg(&url)
                .arg(dump)
                .status()
                .ok()?
                .success();
            ok.then(|| t.elapsed().as_secs_f64())
        }
    }
}

fn fmt(v: Option<f64>) -> String {
    v.map(|s| format!("{s:.2} s"))
        .unwrap_or_else(|| "n/a (tool not installed)".to_owned())
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
    let cast = app.cast().await;
    let product = app.listed(&cast, "TEA-001", 12_800, 10).await;
    let first = app
        .order(&cast, &app.order_body("seed", "TEA-001", 1))
        .await;
    assert!(first.status.is_success(), "{}", first.text);
    let customer = first.body["customer_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let taker = cast.cs.0.to_string();
    let dir = temp_dir();
    let settings = ecops_app::backups::Settings {
        dir: dir.0.join("backups"),
        keep: 10,
        schedule: None,
        timezone: chrono_tz::Asia::Shanghai,
        node: "bench".into(),
        app_version: "bench".into(),
    };
    println!("\n[{backend:?}] backup and restore (release build, one process)");
    println!(
        "{:>9} | {:>8} {:>10} {:>9} | {:>8} {:>10} | {:>16} {:>16}",
        "orders",
        "backup",
        "peak +MiB",
        "archive",
        "restore",
        "peak +MiB",
        "raw copy",
        "raw restore"
    );
    let mut seeded = 0;
    for (step, target) in STEPS.iter().enumerate() {
        let (from, to) = (seeded, *target);
        let (c, t, p) = (customer.clone(), taker.clone(), product.clone());
        app.with_db(move |conn| seed(conn, from, to, &c, &t, &p))
            .await;
        seeded = *target;
        let db = app.db.clone();
        let s = settings.clone();
        let out = dir.0.join(format!("step{step}.tar.gz"));
        let o = out.clone();
        let (taken, backup_secs, backup_mib) = tokio::task::spawn_blocking(move || {
            measured(|| {
                let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
                ecops_app::backups::take_to(
                    &mut conn,
                    ecops_app::backups::Origin::Cli,
                    &s,
                    Some(&o),
                    Utc::now(),
                    &mut |_| {},
                )
                .unwrap_or_else(|e| panic!("{e}"))
            })
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let step_dir = dir.0.join(format!("r{step}"));
        std::fs::create_dir_all(&step_dir).unwrap_or_default();
        let url = fresh_database_url(backend, &step_dir).unwrap_or_default();
        let o = out.clone();
        let (_, restore_secs, restore_mib) = tokio::task::spawn_blocking(move || {
            let db = Database::connect(&DbConfig {
                max_connections: 1,
                ..DbConfig::new(url)
            })
            .unwrap_or_else(|e| panic!("{e}"));
            measured(|| {
                let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
                ecops_app::backups::restore(&mut conn, &o, false, Utc::now(), &mut |_| {})
                    .unwrap_or_else(|e| panic!("{e}"))
            })
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let raw_file = dir.0.join(format!("raw{step}.dump"));
        let raw_copy = raw_backup(&app, &raw_file);
        let raw_back = raw_copy.and_then(|_| raw_restore(backend, &raw_file, &step_dir));
        println!(
            "{:>9} | {:>6.2} s {:>10.1} {:>6.1} MB | {:>6.2} s {:>10.1} | {:>16} {:>16}",
            target + 1,
            backup_secs,
            backup_mib,
            taken.size_bytes as f64 / 1e6,
            restore_secs,
            restore_mib,
            fmt(raw_copy),
            fmt(raw_back)
        );
    }
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        run(Backend::Sqlite).await;
        run(Backend::Postgres).await;
    });
}
