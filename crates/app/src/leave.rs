//! Leave requests (R-ATT-8): asked in advance with a named handover, approved by the department
//! manager through the approvals engine.

use crate::approvals::{self, Actor};
use crate::effects::LeaveApproval;
use crate::error::{AppError, AppResult};
use crate::staff;
use chrono::{DateTime, Utc};
use ecops_domain::approval::{ApprovalKind, ApprovalState};
use ecops_domain::leave::{check_request, AfterTheFact};
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::leave::{self, Leave};
use ecops_persistence::AnyConnection;
use uuid::Uuid;

/// What a person asks for.
#[derive(Debug, Clone)]
pub struct LeaveInput {
    /// `personal`, `sick`, `annual` or `other`.
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: String,
    pub handover_to: Uuid,
    pub handover_note: String,
}

/// The actor asks for leave for themself (R-ATT-8): in advance (or, for the kinds the policy
/// allows, within its days after the leave began), at most 31 days, handed over to
/// an active colleague, not overlapping their pending or approved leave. Files the request for
/// the department manager (R-APR-2). Concurrent requests of one person are judged one after the
/// other (the person's calendar lock), so two overlapping ones can never both be filed.
pub fn request(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: LeaveInput,
    now: DateTime<Utc>,
) -> AppResult<(Leave, ApprovalRequest)> {
    // The policy in force on the leave's first day says which kinds may be filed after the
    // fact, and how late.
    let first_day = crate::workdays::company_date(conn, input.starts_at)?;
    let versions = crate::attendance_month::versions(conn)?;
    let version = versions.on(first_day);
    let after_the_fact = if version.policy.after_the_fact_kinds.contains(&input.kind) {
        Some(AfterTheFact {
            days: version.policy.after_the_fact_days,
            today: crate::workdays::company_date(conn, now)?,
            first_day,
        })
    } else {
        None
    };
    check_request(
        now,
        (input.starts_at, input.ends_at),
        actor.id,
        input.handover_to,
        after_the_fact,
    )
    .map_err(|r| AppError::invalid(r.field(), r.message()))?;
    write_tx(conn, |conn| {
        lock_subject(conn, staff::CALENDAR, &actor.id.to_string())?;
        staff::active(conn, input.handover_to, "handover_to")?;
        let overlapping = leave::overlapping(
            conn,
            Some(actor.id),
            &[ApprovalState::Pending, ApprovalState::Approved],
            input.starts_at,
            input.ends_at,
        )?;
        if let Some(o) = overlapping.first() {
            return Err(AppError::rule(
                "leave_overlap",
                format!(
                    "this overlaps your {} leave {} – {}",
                    o.status.as_str(),
                    o.starts_at,
                    o.ends_at
                ),
            ));
        }
        // Tests widen the window between the check and the write here to prove the lock.
        fail::fail_point!("leave::request::checked");
        let id = Uuid::now_v7();
        let payload = serde_json::to_value(LeaveApproval { leave_id: id })
            .map_err(|e| AppError::Store(e.into()))?;
        let request = approvals::submit(
            conn,
            ApprovalKind::Leave,
            ("leave_request", id.to_string()),
            actor,
            payload,
            input.reason.trim(),
            None,
            now,
        )?;
        let l = Leave {
            id,
            user_id: actor.id,
            kind: input.kind,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            reason: input.reason.trim().to_owned(),
            handover_to: input.handover_to,
            handover_note: input.handover_note.trim().to_owned(),
            status: ApprovalState::Pending,
            approval_request_id: request.id,
            created_at: now,
            updated_at: now,
        };
        leave::insert(conn, &l)?;
        Ok((l, request))
    })
}
