//! Duty rosters (R-DUT-1..4): putting someone on a shift.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use crate::staff;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ecops_domain::approval::ApprovalState;
use ecops_domain::duty::{DutyKind, DutyPolicy, Shift};
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
