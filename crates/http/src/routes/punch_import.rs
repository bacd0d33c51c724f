//! Bulk import of clocking-device files (CSV or NDJSON). The body is spooled to a temporary file
//! and read row by row in batches, each batch in its own transaction, so a year of a department's
//! punches never sits in memory; each row is recorded, reported as recorded before (retrying a
//! file is safe: the device punch id decides), or refused with its reason, and a refused row
//! writes nothing. `?dry_run=true` checks without writing.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{import_is_csv, spool_body, Query};
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use ecops_api_types::{
    FieldError, ImportQuery, Problem, PunchImportOutcome, PunchImportReport, PunchImportRow,
};
use ecops_app::attendance::{ImportedPunch, Importer, PersonRef, PunchTime, RowOutcome};
use ecops_persistence::repo::attendance::Direction;
use serde::Deserialize;
use std::io::{BufRead, BufReader};
use uuid::Uuid;

/// Rows checked and written per transaction.
const BATCH: usize = 500;
/// Rows of the report listed one by one (the counts cover the whole file).
const LISTED: usize = 1000;

/// One row as a device file gives it (the CSV header names these columns; NDJSON the keys).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    device_id: String,
    device_punch_id: String,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    username: Option<String>,
    direction: String,
    at: String,
}

/// Why a row is refused, with the device's ids as far as they could be read.
type Refusal = (Option<String>, Option<String>, Vec<FieldError>);

/// A row's number and its punch, or why it is refused.
type Parsed = (usize, Result<ImportedPunch, Refusal>);

fn row_error(row: usize, field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: format!("rows.{row}.{field}"),
        message: message.into(),
    }
}

/// Checks the form of a row; whether the person exists and may punch that day is the use case's.
fn parse_row(row: usize, raw: RawRow) -> Parsed {
    (row, check_row(row, raw))
}

fn check_row(row: usize, raw: RawRow) -> Result<ImportedPunch, Refusal> {
    let device_id = raw.device_id.trim().to_owned();
    let device_punch_id = raw.device_punch_id.trim().to_owned();
    let mut errors = Vec::new();
    for (field, value, max) in [
        ("device_id", &device_id, 64),
        ("device_punch_id", &device_punch_id, 128),
    ] {
        if value.is_empty() || value.chars().count() > max {
            errors.push(row_error(
                row,
                field,
                format!("must be 1 to {max} characters"),
            ));
        }
    }
    let user_id = raw
        .user_id
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let username = raw
        .username
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let person = match (user_id, username) {
        (Some(id), None) => match Uuid::parse_str(&id) {
            Ok(id) => Some(PersonRef::Id(id)),
            Err(_) => {
                errors.push(row_error(row, "user_id", "is not an account id (UUID)"));
                None
            }
        },
        (None, Some(name)) => Some(PersonRef::Username(name)),
        _ => {
            errors.push(row_error(
                row,
                "user_id",
                "give exactly one of user_id and username",
            ));
            None
        }
    };
    let direction = match raw.direction.trim().to_lowercase().as_str() {
        "in" | "上班" | "签到" | "上班签到" => Some(Direction::In),
        "out" | "下班" | "签退" | "下班签退" => Some(Direction::Out),
        _ => {
            errors.push(row_error(
                row,
                "direction",
                "must be in or out (上班 / 下班)",
            ));
            None
        }
    };
    let at = parse_time(raw.at.trim());
    if at.is_none() {
        errors.push(row_error(
            row,
            "at",
            "must be RFC 3339 (2026-11-03T08:29:12+08:00) or a wall-clock time in the company's zone (2026-11-03 08:29:12)",
        ));
    }
    match (person, direction, at) {
        (Some(person), Some(direction), Some(at)) if errors.is_empty() => Ok(ImportedPunch {
            row,
            device_id,
            device_punch_id,
            person,
            direction,
            at,
        }),
        _ => Err((Some(device_id), Some(device_punch_id), errors)),
    }
}

/// An instant with an offset, or a wall-clock time (seconds optional, `T` or a space); punches
/// count in whole seconds (R-ATT-2).
fn parse_time(text: &str) -> Option<PunchTime> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        let t = t.with_timezone(&Utc);
        return Some(PunchTime::Exact(
            DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t),
        ));
    }
    [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .map(|t| PunchTime::Local(t.with_nanosecond_zero()))
}

trait WholeSecond {
    fn with_nanosecond_zero(self) -> Self;
}

impl WholeSecond for NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

/// The rows of a spooled file, one at a time.
fn rows(file: std::fs::File, csv: bool) -> ApiResult<Box<dyn Iterator<Item = Parsed>>> {
    let reader = BufReader::new(file);
    if csv {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(reader);
        let headers = reader
            .headers()
            .map_err(|e| {
                ApiError::bad_request(
                    "malformed_csv",
                    format!("the CSV header cannot be read: {e}"),
                )
            })?
            .clone();
        for required in ["device_id", "device_punch_id", "direction", "at"] {
            if !headers.iter().any(|h| h == required) {
                return Err(ApiError::bad_field(
                    "malformed_csv",
                    required,
                    "is a required CSV column",
                ));
            }
        }
        if !headers.iter().any(|h| h == "user_id" || h == "username") {
            return Err(ApiError::bad_field(
                "malformed_csv",
                "user_id",
                "a user_id or a username column is required",
            ));
        }
        Ok(Box::new(
            reader
                .into_deserialize::<RawRow>()
                .enumerate()
                .map(|(i, r)| {
                    let row = i + 1;
                    match r {
                        Ok(raw) => parse_row(row, raw),
                        Err(e) => (
                            row,
                            Err((None, None, vec![row_error(row, "", e.to_string())])),
                        ),
                    }
                }),
        ))
    } else {
        Ok(Box::new(
            reader
                .lines()
                .enumerate()
                .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
                .map(|(i, line)| {
                    let row = i + 1;
                    let line = match line {
                        Ok(line) => line,
                        Err(e) => {
                            return (
                                row,
                                Err((None, None, vec![row_error(row, "", e.to_string())])),
                            )
                        }
                    };
                    match crate::extract::parse_json::<RawRow>(line.as_bytes()) {
                        Ok(raw) => parse_row(row, raw),
                        Err(e) => {
                            let p = e.problem();
                            let errors = if p.errors.is_empty() {
                                vec![row_error(row, "", p.detail)]
                            } else {
                                p.errors
                                    .into_iter()
                                    .map(|f| row_error(row, &f.field, f.message))
                                    .collect()
                            };
                            (row, Err((None, None, errors)))
                        }
                    }
                }),
        ))
    }
}

/// The report, filled batch by batch.
struct Report {
    inner: PunchImportReport,
}

impl Report {
    fn list(&mut self, row: PunchImportRow) {
        if self.inner.rows.len() < LISTED {
            self.inner.rows.push(row);
        } else {
            self.inner.rows_truncated = true;
        }
    }

    fn refused(
        &mut self,
        row: usize,
        ids: (Option<String>, Option<String>),
        code: &str,
        errors: Vec<FieldError>,
    ) {
        self.inner.failed += 1;
        self.list(PunchImportRow {
            row,
            device_id: ids.0,
            device_punch_id: ids.1,
            outcome: PunchImportOutcome::Error,
            punch_id: None,
            code: Some(code.to_owned()),
            errors,
        });
    }

    fn record(&mut self, p: &ImportedPunch, outcome: RowOutcome) {
        let ids = (Some(p.device_id.clone()), Some(p.device_punch_id.clone()));
        match outcome {
            RowOutcome::Created(_) => self.inner.created += 1,
            RowOutcome::Valid => self.inner.valid += 1,
            RowOutcome::AlreadyRecorded(id) => {
                self.inner.already_recorded += 1;
                self.list(PunchImportRow {
                    row: p.row,
                    device_id: ids.0,
                    device_punch_id: ids.1,
                    outcome: PunchImportOutcome::AlreadyRecorded,
                    punch_id: Some(id),
                    code: None,
                    errors: Vec::new(),
                });
            }
            RowOutcome::Refused {
                code,
                field,
                message,
            } => {
                let error = row_error(p.row, field, message);
                self.refused(p.row, ids, code, vec![error]);
            }
        }
    }
}

/// Imports a clocking device's file of punches: an API token with `attendance:write` (a device
/// or its middleware), or the department manager. Columns (CSV header or NDJSON keys):
/// `device_id`, `device_punch_id`, `user_id` or `username`, `direction` (`in`/`out`, or
/// 上班/下班), `at` (RFC 3339, or a wall-clock time in the company's time zone). Every row is
/// recorded, reported as recorded before, or refused with its reason; a refused row writes
/// nothing and the others still count.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(content((String = "text/csv"), (String = "application/x-ndjson")), description = "CSV with the columns device_id, device_punch_id, user_id or username, direction, at; or, sent as application/x-ndjson, one such object per line"),
    responses(
        (status = 200, description = "The counts over the file and the rows not recorded now (refused ones with their reasons, and those recorded before)", body = PunchImportReport),
        (status = 400, description = "A CSV without the required columns", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a token with attendance:write nor the department manager", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than import_body_limit_bytes; nothing written", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither text/csv nor application/x-ndjson", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/attendance/punch-imports")]
pub async fn import_punches(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    query: Query<ImportQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let csv = import_is_csv(&req)?;
    // Authorized before the body is read.
    let caller = who.clone();
    let identity = state.identify(who).await?;
    identity.require_scope("attendance:write")?;
    let by = if identity.session_id().is_some() {
        Importer::Manager
    } else {
        Importer::Device
    };
    if by == Importer::Manager {
        identity.require(
            ecops_domain::PermissionLevel::Operator,
            &[ecops_domain::JobRole::DeptManager],
        )?;
    }
    let dry_run = query.into_inner().dry_run;
    let file = spool_body(payload, state.config.import_body_limit).await?;
    let clock = state.clock.clone();
    let report = state
        .run_as(caller, move |conn, who| {
            let actor = crate::support::actor(&who, &meta);
            let mut report = Report {
                inner: PunchImportReport {
                    dry_run,
                    total: 0,
                    created: 0,
                    valid: 0,
                    already_recorded: 0,
                    failed: 0,
                    rows: Vec::new(),
                    rows_truncated: false,
                },
            };
            let mut batch = Vec::with_capacity(BATCH);
            let mut flush = |batch: &mut Vec<ImportedPunch>, report: &mut Report| {
                if batch.is_empty() {
                    return Ok::<(), ApiError>(());
                }
                let outcomes = ecops_app::attendance::import_punches(
                    conn,
                    &actor,
                    by,
                    batch,
                    dry_run,
                    clock.now(),
                )?;
                for (p, o) in batch.iter().zip(outcomes) {
                    report.record(p, o);
                }
                batch.clear();
                Ok(())
            };
            for (row, parsed) in rows(file, csv)? {
                report.inner.total += 1;
                match parsed {
                    Ok(p) => {
                        batch.push(p);
                        if batch.len() == BATCH {
                            flush(&mut batch, &mut report)?;
                        }
                    }
                    Err((device_id, device_punch_id, errors)) => {
                        report.refused(row, (device_id, device_punch_id), "invalid_row", errors);
                    }
                }
            }
            flush(&mut batch, &mut report)?;
            Ok(report.inner)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
