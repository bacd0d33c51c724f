//! Attendance (R-ATT-5, R-ATT-7): punches from people and clocking devices, corrections and
//! telephone notices by the department manager. Punches are append-only.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use crate::staff;
use chrono::{DateTime, TimeZone, Utc};
use ecops_domain::workdays::Month;
use ecops_persistence::db::{read_tx, write_tx};
use ecops_persistence::repo::attendance::{self as punches, Direction, Notice, Punch, Source};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::users;
use ecops_persistence::repo::workdays::{self, Employment};
use ecops_persistence::{AnyConnection, StoreError};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// The refusal code of a device punch id reported twice.
const DUPLICATE: &str = "duplicate_device_punch";

fn record(conn: &mut AnyConnection, actor: &Actor, punch: &Punch) -> AppResult<()> {
    punches::insert(conn, punch).map_err(|e| match e {
        StoreError::Unique(_) => AppError::conflict(
            DUPLICATE,
            "this device already reported a punch with this id",
        ),
        e => e.into(),
    })?;
    let entry = actor.audit_entry(
        "attendance.punch",
        Some(("user", punch.user_id.to_string())),
        Outcome::Success,
        json!({"punch_id": punch.id, "direction": punch.direction.as_str(),
               "source": punch.source.as_str(), "at": punch.punched_at}),
    );
    audit::append(conn, &entry, punch.created_at)?;
    Ok(())
}

/// The actor clocks in or out (the punch carries the server's time). Service accounts do not.
pub fn punch_own(conn: &mut AnyConnection, actor: &Actor, p: Punch) -> AppResult<Punch> {
    write_tx(conn, |conn| {
        let me = users::get(conn, actor.id)?;
        if me.is_special {
            return Err(AppError::forbidden(
                "not_staff",
                "service accounts do not clock in",
            ));
        }
        record(conn, actor, &p)?;
        Ok(p)
    })
}

/// A clocking device reports a punch for a staff member. A retry of the same device punch id
/// answers the punch recorded first (`false`: not created now), also when retries race: the
/// unique key on (device, device punch id) decides.
pub fn device_punch(
    conn: &mut AnyConnection,
    actor: &Actor,
    p: Punch,
    (device_id, device_punch_id): (&str, &str),
) -> AppResult<(Punch, bool)> {
    let first = write_tx(conn, |conn| {
        staff::active(conn, p.user_id, "user_id")?;
        record(conn, actor, &p)
    });
    match first {
        Ok(()) => Ok((p, true)),
        // A concurrent or earlier retry won: answer with its punch.
        Err(AppError::Conflict {
            code: DUPLICATE, ..
        }) => {
            let existing = punches::find_device_punch(conn, device_id, device_punch_id)?
                .ok_or_else(|| AppError::Internal("a duplicate punch vanished".into()))?;
            if existing.user_id != p.user_id || existing.direction != p.direction {
                return Err(AppError::conflict(
                    "device_punch_reused",
                    "this device punch id was recorded for another person or direction",
                ));
            }
            Ok((existing, false))
        }
        Err(e) => Err(e),
    }
}

/// The department manager corrects a missing or wrong punch with a new one (the original stays);
/// nobody corrects their own attendance.
pub fn correct(conn: &mut AnyConnection, actor: &Actor, p: Punch) -> AppResult<Punch> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[ecops_domain::JobRole::DeptManager],
    )?;
    if p.user_id == actor.id {
        return Err(AppError::forbidden(
            "own_attendance",
            "a correction of one's own attendance needs another manager",
        ));
    }
    let reason = p.source.parts().2.unwrap_or_default().to_owned();
    write_tx(conn, |conn| {
        staff::active(conn, p.user_id, "user_id")?;
        // A correction for a closed month shows as an adjustment in the next open one.
        let day = crate::workdays::company_date(conn, p.punched_at)?;
        crate::attendance_month::with_adjustment(
            conn,
            actor.id,
            (p.user_id, &[day]),
            ("correction", p.id, &reason),
            p.created_at,
            |conn| record(conn, actor, &p),
        )?;
        Ok(p)
    })
}

/// What a person asks to have corrected (补卡): a punch of their own, forgotten or wrong. The
/// payload of a `punch_correction` request; approved, it becomes a correction punch whose
/// approver is the manager who decided.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CorrectionAsked {
    pub user_id: Uuid,
    /// `in` or `out`.
    pub direction: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// R-ATT-7: someone asks the department manager to correct a punch of their own (the time is
/// checked by the caller: not in the future, not too long ago). One pending request per person,
/// day and direction. Service accounts do not clock in, so they ask for nothing.
pub fn request_correction(
    conn: &mut AnyConnection,
    actor: &Actor,
    (direction, at): (Direction, DateTime<Utc>),
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<ecops_persistence::repo::approvals::ApprovalRequest> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "say what happened"));
    }
    write_tx(conn, |conn| {
        let me = users::get(conn, actor.id)?;
        if me.is_special {
            return Err(AppError::forbidden(
                "not_staff",
                "service accounts do not clock in",
            ));
        }
        let day = crate::workdays::company_date(conn, at)?;
        let key = format!("{}:{day}:{}", actor.id, direction.as_str());
        crate::approvals::no_pending(
            conn,
            ecops_domain::approval::ApprovalKind::PunchCorrection,
            ("punch_correction", &key),
            "for this day's punch",
        )?;
        let asked = CorrectionAsked {
            user_id: actor.id,
            direction: direction.as_str().to_owned(),
            at,
            reason: reason.to_owned(),
        };
        crate::approvals::submit(
            conn,
            ecops_domain::approval::ApprovalKind::PunchCorrection,
            ("punch_correction", key),
            actor,
            serde_json::to_value(&asked).map_err(|e| AppError::Internal(e.to_string()))?,
            reason,
            None,
            now,
        )
    })
}

/// The effect of an approved `punch_correction` request: the punch, recorded as a correction
/// approved by `approver`; for a closed month, an adjustment in the next open one.
pub(crate) fn apply_correction(
    conn: &mut AnyConnection,
    asked: &CorrectionAsked,
    (approver, audit_entry): (Uuid, audit::NewEntry),
    now: DateTime<Utc>,
) -> AppResult<Punch> {
    if asked.user_id == approver {
        return Err(AppError::forbidden(
            "own_attendance",
            "a correction of one's own attendance needs another manager",
        ));
    }
    let direction = if asked.direction == "in" {
        Direction::In
    } else {
        Direction::Out
    };
    let p = Punch {
        id: Uuid::now_v7(),
        user_id: asked.user_id,
        direction,
        punched_at: asked.at,
        source: Source::Correction {
            reason: asked.reason.clone(),
            approved_by: approver,
        },
        recorded_by: approver,
        created_at: now,
    };
    staff::active(conn, p.user_id, "user_id")?;
    let day = crate::workdays::company_date(conn, p.punched_at)?;
    crate::attendance_month::with_adjustment(
        conn,
        approver,
        (p.user_id, &[day]),
        ("correction", p.id, &asked.reason),
        now,
        |conn| {
            punches::insert(conn, &p)?;
            audit::append(
                conn,
                &audit::NewEntry {
                    action: "attendance.punch".to_owned(),
                    subject_type: Some("user".to_owned()),
                    subject_id: Some(p.user_id.to_string()),
                    detail: json!({"punch_id": p.id, "direction": p.direction.as_str(),
                                   "source": "correction", "at": p.punched_at}),
                    ..audit_entry
                },
                now,
            )?;
            Ok(())
        },
    )?;
    Ok(p)
}

/// R-ATT-5: the department manager records that someone telephoned before the start of a day;
/// one notice per person and day.
pub fn record_notice(
    conn: &mut AnyConnection,
    actor: &Actor,
    n: Notice,
    now: DateTime<Utc>,
) -> AppResult<Notice> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[ecops_domain::JobRole::DeptManager],
    )?;
    if n.user_id == actor.id {
        return Err(AppError::forbidden(
            "own_attendance",
            "a notice for oneself needs another manager",
        ));
    }
    write_tx(conn, |conn| {
        staff::active(conn, n.user_id, "user_id")?;
        punches::insert_notice(conn, &n).map_err(|e| match e {
            StoreError::Unique(_) => AppError::conflict(
                "notice_exists",
                "a notice is already recorded for that person and day",
            ),
            e => e.into(),
        })?;
        let entry = actor.audit_entry(
            "attendance.notice",
            Some(("user", n.user_id.to_string())),
            Outcome::Success,
            json!({"day": n.day, "note": n.note}),
        );
        audit::append(conn, &entry, now)?;
        Ok(n)
    })
}

/// Whom a row of a punch file names: an account id or a username (device files usually carry
/// the staff number the account was created with).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PersonRef {
    Id(Uuid),
    Username(String),
}

/// One punch read from a clocking device's file.
#[derive(Debug, Clone)]
pub struct ImportedPunch {
    /// The row in the file (1-based, header excluded).
    pub row: usize,
    pub device_id: String,
    pub device_punch_id: String,
    pub person: PersonRef,
    pub direction: Direction,
    pub at: PunchTime,
}

/// When a device says a punch happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PunchTime {
    /// An instant (the file gave an offset).
    Exact(DateTime<Utc>),
    /// A wall-clock time in the company's time zone of that day (what most devices export).
    Local(chrono::NaiveDateTime),
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq)]
pub enum RowOutcome {
    /// Recorded now.
    Created(Uuid),
    /// Would be recorded (dry run).
    Valid,
    /// The device reported this punch before (same person and direction): nothing written.
    AlreadyRecorded(Uuid),
    /// Refused; nothing of the row was written.
    Refused {
        code: &'static str,
        field: &'static str,
        message: String,
    },
}

/// Who sends a punch file: a clocking device's API token, or the department manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Importer {
    Device,
    Manager,
}

fn refused(code: &'static str, field: &'static str, message: impl Into<String>) -> RowOutcome {
    RowOutcome::Refused {
        code,
        field,
        message: message.into(),
    }
}

/// Imports one batch of a device file in one transaction: each row is checked (a known, active
/// person employed that day; not in a closed month; not later than `now`) and recorded, or
/// reported as recorded before, or refused with its reason; a refused row writes nothing and
/// never stops the others. The months the batch touches are locked against a concurrent
/// closing. On a dry run nothing is written. The caller splits a long file into batches, so a
/// year of a department's punches never sits in memory at once.
pub fn import_punches(
    conn: &mut AnyConnection,
    actor: &Actor,
    by: Importer,
    batch: &[ImportedPunch],
    dry_run: bool,
    now: DateTime<Utc>,
) -> AppResult<Vec<RowOutcome>> {
    if by == Importer::Manager {
        actor.require(
            ecops_domain::PermissionLevel::Operator,
            &[ecops_domain::JobRole::DeptManager],
        )?;
    }
    if dry_run {
        return read_tx(conn, |conn| import_batch(conn, actor, batch, now, false));
    }
    let run = |conn: &mut AnyConnection| {
        write_tx(conn, |conn| {
            let outcomes = import_batch(conn, actor, batch, now, true)?;
            let created = outcomes
                .iter()
                .filter(|o| matches!(o, RowOutcome::Created(_)))
                .count();
            if created > 0 {
                let entry = actor.audit_entry(
                    "attendance.punch_import",
                    None,
                    Outcome::Success,
                    json!({"rows": batch.len(), "created": created,
                           "first_row": batch.first().map(|p| p.row),
                           "last_row": batch.last().map(|p| p.row)}),
                );
                audit::append(conn, &entry, now)?;
            }
            Ok(outcomes)
        })
    };
    // A concurrent import of the same file can insert a row between this batch's check and its
    // insert (the unique key refuses it and the transaction is void): the batch runs again and
    // reports those rows as recorded before.
    let mut attempt = 0;
    loop {
        attempt += 1;
        match run(conn) {
            Err(AppError::Conflict {
                code: DUPLICATE, ..
            }) if attempt < 3 => continue,
            other => return other,
        }
    }
}

fn import_batch(
    conn: &mut AnyConnection,
    actor: &Actor,
    batch: &[ImportedPunch],
    now: DateTime<Utc>,
    write: bool,
) -> AppResult<Vec<RowOutcome>> {
    let versions = crate::attendance_month::versions(conn)?;
    let tz_on = |day: chrono::NaiveDate| crate::attendance_month::zone_on(&versions, day);
    // Each row's instant and company date (a wall-clock time that does not exist in the zone,
    // in a daylight-saving gap, has none).
    let when: Vec<Option<(DateTime<Utc>, chrono::NaiveDate)>> = batch
        .iter()
        .map(|p| {
            let at = match p.at {
                PunchTime::Exact(t) => Some(t),
                PunchTime::Local(local) => tz_on(local.date())
                    .from_local_datetime(&local)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc)),
            }?;
            Some((at, at.with_timezone(&tz_on(at.date_naive())).date_naive()))
        })
        .collect();
    // Lock every month the batch touches, in order, before reading whether it is closed.
    let mut months: Vec<Month> = when.iter().flatten().map(|(_, d)| Month::of(*d)).collect();
    months.sort();
    months.dedup();
    let mut closed = HashMap::new();
    for m in months {
        if write {
            crate::attendance_month::lock_month(conn, m)?;
        }
        closed.insert(m, workdays::closing(conn, m)?.is_some());
    }
    let mut people: HashMap<PersonRef, Option<(users::User, Employment)>> = HashMap::new();
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let mut out = Vec::with_capacity(batch.len());
    for (p, when) in batch.iter().zip(when) {
        let person = match people.get(&p.person) {
            Some(known) => known.clone(),
            None => {
                let user = match &p.person {
                    PersonRef::Id(id) => users::find(conn, *id)?,
                    PersonRef::Username(name) => users::find_by_username(conn, name)?,
                };
                let known = match user {
                    Some(u) if !u.is_special => {
                        let e = crate::workdays::employment_of(conn, &u)?;
                        Some((u, e))
                    }
                    _ => None,
                };
                people.insert(p.person.clone(), known.clone());
                known
            }
        };
        let Some((user, employment)) = person else {
            out.push(refused(
                "unknown_user",
                "user",
                "no staff account has this id or username",
            ));
            continue;
        };
        let Some((at, day)) = when else {
            out.push(refused(
                "invalid_time",
                "at",
                "this wall-clock time does not exist in the company's time zone",
            ));
            continue;
        };
        if at > now + chrono::Duration::minutes(5) {
            out.push(refused("punch_in_future", "at", "lies in the future"));
            continue;
        }
        if !ecops_domain::workdays::employed_on(employment.started_on, employment.ended_on, day) {
            out.push(refused(
                "not_employed",
                "at",
                format!("{} was not employed on {day} (a start date is recorded with PUT /users/{{id}}/employment)", user.username),
            ));
            continue;
        }
        if closed.get(&Month::of(day)).copied().unwrap_or(false) {
            out.push(refused(
                "month_closed",
                "at",
                format!(
                    "{} is closed; a missing punch there is a correction by the department manager",
                    Month::of(day).label()
                ),
            ));
            continue;
        }
        if let Some(first) = seen.insert((&p.device_id, &p.device_punch_id), p.row) {
            out.push(refused(
                "duplicate_row",
                "device_punch_id",
                format!("row {first} of this file has the same device punch id"),
            ));
            continue;
        }
        if let Some(existing) = punches::find_device_punch(conn, &p.device_id, &p.device_punch_id)?
        {
            out.push(
                if existing.user_id == user.id && existing.direction == p.direction {
                    RowOutcome::AlreadyRecorded(existing.id)
                } else {
                    refused(
                        "device_punch_reused",
                        "device_punch_id",
                        "this device punch id was recorded for another person or direction",
                    )
                },
            );
            continue;
        }
        if !write {
            out.push(RowOutcome::Valid);
            continue;
        }
        let punch = Punch {
            id: Uuid::now_v7(),
            user_id: user.id,
            direction: p.direction,
            punched_at: at,
            source: Source::Device {
                device_id: p.device_id.clone(),
                device_punch_id: p.device_punch_id.clone(),
            },
            recorded_by: actor.id,
            created_at: now,
        };
        punches::insert(conn, &punch).map_err(|e| match e {
            StoreError::Unique(_) => AppError::conflict(
                DUPLICATE,
                "this device already reported a punch with this id",
            ),
            e => e.into(),
        })?;
        out.push(RowOutcome::Created(punch.id));
    }
    Ok(out)
}
