//! R-ORD-8: every day at 18:00 (company time) the day's orders are written with their events to
//! a JSON-lines file and a CSV file in the data folder, recorded with checksums, so any order can
//! be proved later. Export `D` covers orders created in `[D-1 18:00, D 18:00)`: consecutive
//! exports cover every order exactly once. With several nodes a lease lets one node write it;
//! a day missed while the server was down is exported at the next start.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use ecops_persistence::repo::exports as exports_repo;
pub use ecops_persistence::repo::exports::{find, list, Export};
use ecops_persistence::repo::from_db;
use ecops_persistence::repo::jobs;
use ecops_persistence::repo::orders::{self, core_json, event_json};
use ecops_persistence::{AnyConnection, StoreError, StoreResult};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// When and where exports run.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub timezone: Tz,
    pub hour: u32,
    pub dir: PathBuf,
    pub node: String,
    /// How many past days a late start catches up.
    pub catch_up_days: i64,
}

/// The instant of `hour:00` on `date` in the company time zone.
fn at_hour(s: &Schedule, date: NaiveDate) -> StoreResult<DateTime<Utc>> {
    date.and_hms_opt(s.hour, 0, 0)
        .and_then(|t| s.timezone.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            StoreError::Corrupt(format!(
                "{date} {}:00 does not exist in {}",
                s.hour, s.timezone
            ))
        })
}

/// The period export `date` covers.
pub fn period(s: &Schedule, date: NaiveDate) -> StoreResult<(DateTime<Utc>, DateTime<Utc>)> {
    let prev = date
        .pred_opt()
        .ok_or_else(|| StoreError::Corrupt("date out of range".into()))?;
    Ok((at_hour(s, prev)?, at_hour(s, date)?))
}

/// The export's two files, rendered from the database.
fn render(
    conn: &mut AnyConnection,
    s: &Schedule,
    date: NaiveDate,
) -> StoreResult<(String, String, i32, i32)> {
    let (from, to) = period(s, date)?;
    let rows = orders::created_between(conn, from, to)?;
    let ids: Vec<String> = rows.iter().map(|o| o.id.clone()).collect();
    let mut lines = orders::lines_of(conn, &ids)?;
    let mut events = orders::events_of(conn, &ids)?;
    let mut jsonl = String::new();
    let mut csv = csv::Writer::from_writer(Vec::new());
    let header = [
        "order_id",
        "channel",
        "channel_order_no",
        "created_at",
        "customer_name",
        "customer_phone",
        "line_no",
        "sku",
        "quantity",
        "unit_price_fen",
        "line_total_fen",
        "order_total_fen",
        "payment_status",
        "core_hash",
        "last_event",
        "last_hash",
    ];
    csv.write_record(header)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut event_count = 0;
    for o in &rows {
        let ls = lines.remove(&o.id).unwrap_or_default();
        // Events up to the export's cut-off: what was known at 18:00.
        let es: Vec<_> = events
            .remove(&o.id)
            .unwrap_or_default()
            .into_iter()
            .filter(|e| from_db(e.at) < to)
            .collect();
        event_count += es.len();
        let record = serde_json::json!({
            "order": core_json(o, &ls),
            "core_hash": o.core_hash,
            "events": es.iter().map(|e| serde_json::json!({"event": event_json(e), "prev_hash": e.prev_hash, "hash": e.hash})).collect::<Vec<_>>(),
        });
        jsonl.push_str(&record.to_string());
        jsonl.push('\n');
        let (last_kind, last_hash) = es
            .last()
            .map(|e| (e.kind.clone(), e.hash.clone()))
            .unwrap_or_default();
        for l in &ls {
            csv.write_record([
                o.id.clone(),
                o.channel.clone(),
                o.channel_order_no.clone(),
                from_db(o.created_at).to_rfc3339(),
                o.customer_name.clone(),
                o.customer_phone.clone(),
                l.line_no.to_string(),
                l.sku.clone(),
                l.quantity.to_string(),
                l.unit_price_fen.to_string(),
                l.line_total_fen.to_string(),
                o.total_fen.to_string(),
                o.payment_status.clone(),
                o.core_hash.clone(),
                last_kind.clone(),
                last_hash.clone(),
            ])
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        }
    }
    let csv = String::from_utf8(
        csv.into_inner()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
    )
    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok((
        jsonl,
        csv,
        i32::try_from(rows.len()).unwrap_or(i32::MAX),
        i32::try_from(event_count).unwrap_or(i32::MAX),
    ))
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Corrupt(format!("export file: {e}"))
}

/// Writes a file so that a crash leaves either the old file or the whole new one.
fn write_atomic(path: &Path, contents: &[u8]) -> StoreResult<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(contents).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// Exports `date` now (if not yet exported) and records it.
pub fn export_day(
    conn: &mut AnyConnection,
    s: &Schedule,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<Export> {
    if let Some(done) = find(conn, date)? {
        return Ok(done);
    }
    let (jsonl, csv, order_count, event_count) = render(conn, s, date)?;
    std::fs::create_dir_all(&s.dir).map_err(io)?;
    let jsonl_path = s.dir.join(format!("orders-{date}.jsonl"));
    let csv_path = s.dir.join(format!("orders-{date}.csv"));
    write_atomic(&jsonl_path, jsonl.as_bytes())?;
    write_atomic(&csv_path, csv.as_bytes())?;
    let e = Export {
        date,
        jsonl_path: jsonl_path.to_string_lossy().into_owned(),
        csv_path: csv_path.to_string_lossy().into_owned(),
        jsonl_sha256: sha256(jsonl.as_bytes()),
        csv_sha256: sha256(csv.as_bytes()),
        order_count,
        event_count,
        created_at: now,
    };
    exports_repo::record(conn, &e, &s.node)
}

/// The days whose export is due at `now` and not yet recorded, oldest first.
pub fn due_days(
    conn: &mut AnyConnection,
    s: &Schedule,
    now: DateTime<Utc>,
) -> StoreResult<Vec<NaiveDate>> {
    let today = now.with_timezone(&s.timezone).date_naive();
    // The history starts with the database: a day whose period ended before it existed has nothing
    // to prove and is never exported.
    let began = ecops_persistence::repo::installation::get(conn)?.map(|i| i.created_at);
    let mut due = Vec::new();
    for back in (0..=s.catch_up_days).rev() {
        let day = today - Duration::days(back);
        let end = at_hour(s, day)?;
        if began.is_some_and(|b| end <= b) {
            continue;
        }
        if end <= now && find(conn, day)?.is_none() {
            due.push(day);
        }
    }
    Ok(due)
}

/// Runs every due export under the lease; returns what was exported.
pub fn run_due(
    conn: &mut AnyConnection,
    s: &Schedule,
    now: DateTime<Utc>,
) -> StoreResult<Vec<NaiveDate>> {
    let due = due_days(conn, s, now)?;
    if due.is_empty()
        || !jobs::acquire(
            conn,
            "order_export",
            &s.node,
            now,
            now + Duration::minutes(10),
        )?
    {
        return Ok(Vec::new());
    }
    let mut done = Vec::new();
    let mut result = Ok(());
    for day in due {
        match export_day(conn, s, day, now) {
            Ok(_) => done.push(day),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    jobs::release(conn, "order_export", &s.node)?;
    result.map(|()| done)
}

/// Checks a recorded export: its files against their checksums, and their content against the
/// database as it is now (an order altered since would show).
pub fn verify(conn: &mut AnyConnection, s: &Schedule, date: NaiveDate) -> StoreResult<Vec<String>> {
    let e = find(conn, date)?.ok_or(StoreError::NotFound)?;
    let mut problems = Vec::new();
    for (path, sum, what) in [
        (&e.jsonl_path, &e.jsonl_sha256, "JSON-lines"),
        (&e.csv_path, &e.csv_sha256, "CSV"),
    ] {
        match std::fs::read(path) {
            Ok(bytes) if sha256(&bytes) == *sum => {}
            Ok(_) => problems.push(format!(
                "the {what} file does not match its recorded checksum"
            )),
            Err(err) => problems.push(format!("the {what} file cannot be read: {err}")),
        }
    }
    let (jsonl, csv, _, _) = render(conn, s, date)?;
    if sha256(jsonl.as_bytes()) != e.jsonl_sha256 || sha256(csv.as_bytes()) != e.csv_sha256 {
        problems.push("the orders in the database no longer match what was exported".to_owned());
    }
    Ok(problems)
}

fn download_entry(
    actor: &crate::approvals::Actor,
    date: &str,
    outcome: ecops_persistence::repo::audit::Outcome,
    detail: serde_json::Value,
) -> ecops_persistence::repo::audit::NewEntry {
    actor.audit_entry(
        "order_export.download",
        Some(("order_export", date.to_owned())),
        outcome,
        detail,
    )
}

/// R-SEC-5: the export of `date` for download in `format`, the download audited with the file's
/// checksum. Not found: no export for that day.
pub fn open_for_download(
    conn: &mut AnyConnection,
    actor: &crate::approvals::Actor,
    date: NaiveDate,
    format: &str,
    now: DateTime<Utc>,
) -> crate::AppResult<Export> {
    let e =
        find(conn, date)?.ok_or_else(|| crate::AppError::not_found("no export for that day"))?;
    let sha = if format == "jsonl" {
        &e.jsonl_sha256
    } else {
        &e.csv_sha256
    };
    let entry = download_entry(
        actor,
        &date.to_string(),
        ecops_persistence::repo::audit::Outcome::Success,
        serde_json::json!({"format": format, "sha256": sha, "orders": e.order_count}),
    );
    ecops_persistence::repo::audit::append(conn, &entry, now)?;
    Ok(e)
}

/// R-SEC-5: a refused attempt to take an export out is on record too.
pub fn record_refused_download(
    conn: &mut AnyConnection,
    actor: &crate::approvals::Actor,
    date: &str,
    format: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let entry = download_entry(
        actor,
        date,
        ecops_persistence::repo::audit::Outcome::Refused,
        serde_json::json!({"format": format}),
    );
    ecops_persistence::repo::audit::append(conn, &entry, now)?;
    Ok(())
}

/// R-SEC-5: a streaming export started (`dataset`, period, format) or refused, on record.
pub fn record_stream(
    conn: &mut AnyConnection,
    actor: &crate::approvals::Actor,
    dataset: &str,
    outcome: ecops_persistence::repo::audit::Outcome,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> crate::AppResult<()> {
    ecops_persistence::repo::audit::append(
        conn,
        &actor.audit_entry(
            "export.stream",
            Some(("export", dataset.to_owned())),
            outcome,
            detail,
        ),
        now,
    )?;
    Ok(())
}
