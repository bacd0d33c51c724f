//! Duty rosters (R-DUT-1..4): putting someone on a shift.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use crate::staff;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use ecops_domain::approval::ApprovalState;
use ecops_domain::duty::{self as rules, DutyKind, DutyPolicy, Shift};
use ecops_domain::JobRole;
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::audit::{self, NewEntry, Outcome};
use ecops_persistence::repo::duty::{self, ShiftRow};
use ecops_persistence::repo::leave;
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// A shift to roster.
#[derive(Debug, Clone)]
pub struct ShiftInput {
    pub user_id: Uuid,
    pub kind: DutyKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The audit entry of a shift change.
pub fn shift_entry(actor: &Actor, action: &str, s: &ShiftRow) -> NewEntry {
    NewEntry {
        action: action.to_owned(),
        subject_type: Some("duty_shift".to_owned()),
        subject_id: Some(s.id.to_string()),
        outcome: Outcome::Success,
        detail: json!({"user_id": s.user_id, "kind": s.kind.as_str(),
                       "starts_at": s.starts_at, "ends_at": s.ends_at}),
        ..actor.audit.clone()
    }
}

/// Whether `user` may be on `kind` duty during `[from, to)`: an active staff member holding the
/// duty's role (R-DUT-1..3), not on approved leave (R-DUT-4), not already on duty then. Call
/// with the person's calendar locked.
pub fn check_person(
    conn: &mut AnyConnection,
    user: Uuid,
    kind: DutyKind,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    field: &str,
) -> AppResult<()> {
    let person = staff::active(conn, user, field)?;
    if let Some(role) = kind.role_needed() {
        if !person.roles.contains(&role) {
            return Err(AppError::invalid(
                field,
                format!("{} duty needs the {} role", kind.as_str(), role.as_str()),
            ));
        }
    }
    if let Some(l) =
        leave::overlapping(conn, Some(user), &[ApprovalState::Approved], from, to)?.first()
    {
        return Err(AppError::rule(
            "on_leave",
            format!(
                "{} is on approved leave {} – {}",
                person.display_name, l.starts_at, l.ends_at
            ),
        ));
    }
    if let Some(s) = duty::live_between(conn, Some(user), from, to)?.first() {
        return Err(AppError::rule(
            "double_booked",
            format!(
                "{} is already on {} duty {} – {}",
                person.display_name,
                s.kind.as_str(),
                s.starts_at,
                s.ends_at
            ),
        ));
    }
    Ok(())
}

/// Puts someone on duty: the shift lies within its duty's window (R-DUT-1/3, judged in the
/// company time zone `tz`), and the person may take it (see [`check_person`]). Concurrent
/// rosterings of one person are judged one after the other, so a person is never double-booked.
pub fn roster(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: ShiftInput,
    tz: Tz,
    now: DateTime<Utc>,
) -> AppResult<ShiftRow> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ROSTERERS,
    )?;
    let shift = Shift {
        person: input.user_id,
        kind: input.kind,
        start: input.starts_at.with_timezone(&tz).naive_local(),
        end: input.ends_at.with_timezone(&tz).naive_local(),
    };
    DutyPolicy::default()
        .check_shift(&shift)
        .map_err(|m| AppError::invalid("starts_at", m))?;
    let row = ShiftRow {
        id: Uuid::now_v7(),
        user_id: input.user_id,
        kind: input.kind,
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        created_by: actor.id,
        created_at: now,
        cancelled_at: None,
        cancelled_by: None,
    };
    write_tx(conn, |conn| {
        lock_subject(conn, staff::CALENDAR, &row.user_id.to_string())?;
        check_person(
            conn,
            row.user_id,
            row.kind,
            row.starts_at,
            row.ends_at,
            "user_id",
        )?;
        fail::fail_point!("duty::roster::checked");
        duty::insert(conn, &row)?;
        audit::append(conn, &shift_entry(actor, "duty.rostered", &row), now)?;
        Ok(row)
    })
}

/// Cancels a shift (it stays on record as cancelled).
pub fn cancel(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ShiftRow> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ROSTERERS,
    )?;
    write_tx(conn, |conn| {
        let s = duty::find(conn, id)?.ok_or_else(|| AppError::not_found("no such shift"))?;
        if !duty::cancel(conn, id, actor.id, now)? {
            return Err(AppError::conflict(
                "shift_cancelled",
                "the shift was already cancelled",
            ));
        }
        audit::append(conn, &shift_entry(actor, "duty.cancelled", &s), now)?;
        duty::find(conn, id)?.ok_or_else(|| AppError::not_found("no such shift"))
    })
}

/// R-DUT-2: rosters weekend customer service in rotation over `[from_day, to_day)`, carrying on
/// after whoever had the last weekend day, skipping anyone on approved leave or on another duty
/// that day (R-DUT-4). Returns the shifts and the days nobody could take. Rotations are written
/// one at a time (a lock), so two cannot both find the period free.
pub fn rotate(
    conn: &mut AnyConnection,
    actor: &Actor,
    people: &[Uuid],
    (from_day, to_day): (NaiveDate, NaiveDate),
    tz: Tz,
    now: DateTime<Utc>,
) -> AppResult<(Vec<ShiftRow>, Vec<NaiveDate>)> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ROSTERERS,
    )?;
    let from = utc(from_day.and_time(chrono::NaiveTime::MIN), tz);
    let to = utc(to_day.and_time(chrono::NaiveTime::MIN), tz);
    write_tx(conn, |conn| {
        lock_subject(conn, "weekend_rotation", "department")?;
        for (i, s) in people.iter().enumerate() {
            let person = staff::active(conn, *s, &format!("staff.{i}"))?;
            if !person.roles.contains(&JobRole::CustomerService) {
                return Err(AppError::invalid(
                    format!("staff.{i}"),
                    "weekend service needs the customer_service role",
                ));
            }
        }
        let existing = duty::live_between(conn, None, from, to)?;
        if existing.iter().any(|s| s.kind == DutyKind::WeekendService) {
            return Err(AppError::conflict(
                "already_rostered",
                "the period already has weekend shifts: cancel them first",
            ));
        }
        let last = duty::last_weekend_person(conn, from)?;
        let mut busy: Vec<(Uuid, NaiveDateTime, NaiveDateTime)> = Vec::new();
        for s in people {
            for l in leave::overlapping(conn, Some(*s), &[ApprovalState::Approved], from, to)? {
                busy.push((*s, local(l.starts_at, tz), local(l.ends_at, tz)));
            }
        }
        // Someone already on another duty that day is busy too.
        for s in &existing {
            busy.push((s.user_id, local(s.starts_at, tz), local(s.ends_at, tz)));
        }
        let (shifts, uncovered) = rules::weekend_rotation(
            &DutyPolicy::default(),
            people,
            last,
            from_day,
            to_day,
            &busy,
        );
        let rows: Vec<ShiftRow> = shifts
            .iter()
            .map(|s| ShiftRow {
                id: Uuid::now_v7(),
                user_id: s.person,
                kind: s.kind,
                starts_at: utc(s.start, tz),
                ends_at: utc(s.end, tz),
                created_by: actor.id,
                created_at: now,
                cancelled_at: None,
                cancelled_by: None,
            })
            .collect();
        for r in &rows {
            duty::insert(conn, r)?;
            audit::append(conn, &shift_entry(actor, "duty.rostered", r), now)?;
        }
        Ok((rows, uncovered))
    })
}

fn local(t: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

fn utc(t: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    tz.from_local_datetime(&t)
        .earliest()
        .map_or_else(|| t.and_utc(), |x| x.with_timezone(&Utc))
}
