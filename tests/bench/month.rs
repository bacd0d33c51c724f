//! The department's attendance month for 200 staff (issue: attendance completion), next to a raw
//! SQL aggregate over the same punches on the same database in the same run.
//!
//! Seeds 200 staff employed from 1 October, a month of device punches for November through the
//! punch import (a few people late, some leaving early, one forgetting to clock out on the 13th),
//! sick leave for ten of them and corrections by the manager; then times `GET
//! /attendance/months/2026-11` (JSON and CSV) and, beside it, a `GROUP BY` of the month's punches
//! per person (count, first and last) through diesel on a pooled connection. SQLite always,
//! PostgreSQL when `ECOPS_TEST_DATABASE_URL` is set. Run it on a release build:
//! `scripts/bench.sh month`.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use diesel::dsl::{count_star, max, min};
use diesel::prelude::*;
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::schema::punches;
use ecops_tests::{spawn_app_with, Backend, TestApp};
use serde_json::json;
use std::fmt::Write as _;
use std::time::Instant;

const STAFF: usize = 200;
const ROUNDS: usize = 20;

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

/// The device file of November: everyone in at 07:50–08:09 and out at 17:25–17:44 on working
/// days, so some are late and some leave early; person 7 forgets to clock out on the 13th.
fn device_file(staff: &[String]) -> (String, usize) {
    let mut csv = String::from("device_id,device_punch_id,username,direction,at\n");
    let mut rows = 0;
    let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
    for day in first.iter_days().take_while(|d| d.month() == 11) {
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        for (i, name) in staff.iter().enumerate() {
            let k = (i + day.day() as usize) % 20;
            let clock = |h: u32, m: usize| {
                let minutes = h as usize * 60 + m;
                format!("{:02}:{:02}", minutes / 60, minutes % 60)
            };
            let _ = writeln!(
                csv,
                "gate-1,{day}-{i}-in,{name},in,{day} {}:00",
                clock(7, 50 + k)
            );
            rows += 1;
            if !(i == 7 && day.day() == 13) {
                let _ = writeln!(
                    csv,
                    "gate-1,{day}-{i}-out,{name},out,{day} {}:00",
                    clock(17, 25 + k)
                );
                rows += 1;
            }
        }
    }
    (csv, rows)
}

async fn run(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| {
        c.max_in_flight_requests = Some(0);
        c.auth.access_ttl_secs = 400 * 86_400;
        c.auth.login_rate_per_minute = 100_000;
    })
    .await
    else {
        println!("\n[{backend:?}] skipped: ECOPS_TEST_DATABASE_URL is not set");
        return;
    };
    app.clock.set(local("2026-10-01 09:00"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let mut staff = Vec::new();
    let mut ids = Vec::new();
    let t = Instant::now();
    for i in 0..STAFF {
        let name = format!("staff{i:03}");
        ids.push(app.seed_user(&name, &[JobRole::CustomerService], op).await);
        staff.push(name);
    }
    let device = app.device_token("gate-1").await;
    app.clock.set(local("2026-12-01 10:00"));
    let (csv, rows) = device_file(&staff);
    let r = app
        .send(
            app.request(
                reqwest::Method::POST,
                "/api/v1/attendance/punch-imports",
                Some(&device),
            )
            .header("content-type", "text/csv")
            .body(csv),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    assert_eq!(
        r.body["created"], rows,
        "{} rows refused, first: {}",
        r.body["failed"], r.body["rows"][0]
    );
    let seeded = t.elapsed();
    let import_secs = seeded.as_secs_f64();
    // Sick leave for ten people on the 16th, and the correction of the forgotten clock-out.
    app.clock.set(local("2026-11-10 09:00"));
    for (i, name) in staff.iter().take(10).enumerate() {
        let token = app.token(name, ecops_tests::USER_PASSWORD).await;
        let l = app
            .post(
                "/api/v1/leave-requests",
                Some(&token),
                &json!({"kind": "sick", "starts_at": local("2026-11-16 00:00"),
                        "ends_at": local("2026-11-17 00:00"), "reason": "flu",
                        "handover_to": ids[(i + 1) % STAFF], "handover_note": "queue"}),
            )
            .await;
        let req = l.body["approval_request"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let d = app.decide(&req, &manager, "approve").await;
        assert!(d.status.is_success(), "{name}: {}", d.text);
    }
    app.clock.set(local("2026-11-14 09:00"));
    let c = app
        .post(
            "/api/v1/attendance/corrections",
            Some(&manager),
            &json!({"user_id": ids[7], "direction": "out", "at": local("2026-11-13 17:40"),
                    "reason": "forgot to clock out; seen leaving by the supervisor"}),
        )
        .await;
    assert!(c.status.is_success(), "{}", c.text);
    app.clock.set(local("2026-12-01 10:00"));

    let mut api_ms = Vec::new();
    let mut csv_ms = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let r = app.get("/api/v1/attendance/months/2026-11", &manager).await;
        api_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        // The staff, the manager and the clocking device's account.
        assert!(r.body.as_array().map_or(0, Vec::len) >= STAFF, "{}", r.text);
        let t = Instant::now();
        let r = app
            .get("/api/v1/attendance/months/2026-11?format=csv", &manager)
            .await;
        csv_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(r.status.is_success());
    }
    let (from, to) = (
        ecops_persistence::repo::to_db(local("2026-11-01 00:00")),
        ecops_persistence::repo::to_db(local("2026-12-01 00:00")),
    );
    let raw_ms = raw(&app, from, to).await;
    println!(
        "\n[{backend:?}] {STAFF} staff, {rows} punches imported in {import_secs:.1} s (with the accounts), {ROUNDS} rounds"
    );
    let line = |what: &str, v: &Vec<f64>| {
        println!(
            "{what:<44} p50 {:>8.2} ms  p99 {:>8.2} ms",
            percentile(v.clone(), 0.5),
            percentile(v.clone(), 0.99)
        );
    };
    line("GET /attendance/months/2026-11 (JSON)", &api_ms);
    line("GET /attendance/months/2026-11?format=csv", &csv_ms);
    line("raw: GROUP BY person over the month's punches", &raw_ms);
    println!(
        "ratio raw ÷ API (p50): {:.2}",
        percentile(raw_ms.clone(), 0.5) / percentile(api_ms.clone(), 0.5)
    );
    drop(app);
}

/// The raw aggregate: per person, the month's punch count, first and last punch.
async fn raw(app: &TestApp, from: NaiveDateTime, to: NaiveDateTime) -> Vec<f64> {
    app.with_db(move |conn| {
        let mut ms = Vec::new();
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let rows: Vec<(String, i64, Option<NaiveDateTime>, Option<NaiveDateTime>)> =
                punches::table
                    .filter(punches::punched_at.ge(from))
                    .filter(punches::punched_at.lt(to))
                    .group_by(punches::user_id)
                    .select((
                        punches::user_id,
                        count_star(),
                        min(punches::punched_at),
                        max(punches::punched_at),
                    ))
                    .load(conn)
                    .unwrap_or_else(|e| panic!("{e}"));
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(rows.len(), STAFF);
        }
        ms
    })
    .await
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
