//! Attendance (R-ATT-5, R-ATT-7): punches from people and clocking devices, corrections and
//! telephone notices by the department manager. Punches are append-only.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use crate::staff;
use chrono::{DateTime, Utc};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::attendance::{self as punches, Notice, Punch};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::users;
use ecops_persistence::{AnyConnection, StoreError};
use serde_json::json;

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
            actor,
            (p.user_id, day),
            ("correction", p.id, &reason),
            p.created_at,
            |conn| record(conn, actor, &p),
        )?;
        Ok(p)
    })
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
