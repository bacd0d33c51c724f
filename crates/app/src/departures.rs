//! Resignation and transfer (R-ATT-10, seed 001 (三) 8): asked in writing at least a month
//! ahead, with a handover checklist to a named successor; the supervisor (the department manager)
//! witnesses the handover item by item (监交); on the effective date, and only once the handover
//! is confirmed, the account is deactivated (resignation) or its job roles change (transfer).

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use crate::staff;
use chrono::{DateTime, Months, NaiveDate, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::departures::{
    self as store, Departure, DepartureKind, DepartureState, HandoverItem,
};
use ecops_persistence::repo::{sessions, users, workdays};
use ecops_persistence::{AnyConnection, StoreError};
use serde_json::json;
use uuid::Uuid;

/// What a person asks for.
#[derive(Debug, Clone)]
pub struct DepartureInput {
    pub kind: DepartureKind,
    /// The first day in the new situation: not employed any more (resignation), or in the new
    /// job roles (transfer).
    pub effective_on: NaiveDate,
    pub reason: String,
    pub successor_id: Uuid,
    pub items: Vec<String>,
    /// The job roles after a transfer; empty for a resignation.
    pub new_roles: Vec<JobRole>,
}

/// The longest checklist.
pub const MAX_ITEMS: usize = 50;

fn entry(actor: &Actor, action: &str, d: &Departure) -> ecops_persistence::repo::audit::NewEntry {
    actor.audit_entry(
        action,
        Some(("departure", d.id.to_string())),
        Outcome::Success,
        json!({"user_id": d.user_id, "kind": d.kind.as_str(), "effective_on": d.effective_on,
               "successor_id": d.successor_id, "state": d.state.as_str()}),
    )
}

fn load(conn: &mut AnyConnection, id: Uuid) -> AppResult<Departure> {
    store::find(conn, id)?.ok_or_else(|| AppError::not_found("no such resignation or transfer"))
}

/// The actor asks to resign or to be transferred.
pub fn request(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: DepartureInput,
    now: DateTime<Utc>,
) -> AppResult<Departure> {
    if input.successor_id == actor.id {
        return Err(AppError::invalid(
            "successor_id",
            "the work is handed over to someone else",
        ));
    }
    let items: Vec<String> = input
        .items
        .iter()
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty())
        .collect();
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(AppError::invalid(
            "items",
            format!("a handover lists 1 to {MAX_ITEMS} items"),
        ));
    }
    match input.kind {
        DepartureKind::Transfer if input.new_roles.is_empty() => {
            return Err(AppError::invalid(
                "new_roles",
                "a transfer names the new job roles",
            ))
        }
        DepartureKind::Resignation if !input.new_roles.is_empty() => {
            return Err(AppError::invalid(
                "new_roles",
                "a resignation has no new roles",
            ))
        }
        _ => {}
    }
    let today = crate::workdays::company_date(conn, now)?;
    let earliest = today.checked_add_months(Months::new(1)).unwrap_or(today);
    if input.effective_on < earliest {
        return Err(AppError::rule(
            "notice_too_short",
            format!(
                "a {} is asked at least one month ahead: effective on {earliest} at the earliest",
                input.kind.as_str()
            ),
        ));
    }
    write_tx(conn, |conn| {
        staff::active(conn, actor.id, "user_id")?;
        staff::active(conn, input.successor_id, "successor_id")?;
        let d = Departure {
            id: Uuid::now_v7(),
            user_id: actor.id,
            kind: input.kind,
            effective_on: input.effective_on,
            reason: input.reason.trim().to_owned(),
            successor_id: input.successor_id,
            new_roles: input.new_roles.clone(),
            state: DepartureState::Requested,
            created_at: now,
            handed_over_at: None,
            completed_at: None,
            completed_by: None,
            items: items
                .iter()
                .enumerate()
                .map(|(i, item)| HandoverItem {
                    seq: i32::try_from(i + 1).unwrap_or(i32::MAX),
                    item: item.clone(),
                    confirmed_at: None,
                    confirmed_by: None,
                    note: None,
                })
                .collect(),
        };
        store::insert(conn, &d).map_err(|e| match e {
            StoreError::Unique(_) => AppError::conflict(
                "departure_open",
                "you already have an open resignation or transfer",
            ),
            e => e.into(),
        })?;
        audit::append(conn, &entry(actor, "departure.requested", &d), now)?;
        Ok(d)
    })
}

/// The supervisor confirms one item of the handover (neither the person leaving nor the
/// successor witnesses it). When the last item is confirmed the handover is complete.
pub fn confirm_item(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    seq: i32,
    note: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<Departure> {
    actor.require(PermissionLevel::Operator, &[JobRole::DeptManager])?;
    write_tx(conn, |conn| {
        lock_subject(conn, "departure", &id.to_string())?;
        let d = load(conn, id)?;
        if actor.id == d.user_id || actor.id == d.successor_id {
            return Err(AppError::forbidden(
                "not_a_witness",
                "the handover is witnessed by someone other than the two people in it",
            ));
        }
        if d.state != DepartureState::Requested {
            return Err(AppError::conflict(
                "handover_closed",
                format!("the handover is {}", d.state.as_str()),
            ));
        }
        if !d.items.iter().any(|i| i.seq == seq) {
            return Err(AppError::not_found("no such handover item"));
        }
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if !store::confirm_item(conn, id, seq, actor.id, note.as_deref(), now)? {
            return Err(AppError::conflict(
                "item_confirmed",
                "this item is confirmed already",
            ));
        }
        let mut d = load(conn, id)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "departure.item_confirmed",
                Some(("departure", id.to_string())),
                Outcome::Success,
                json!({"seq": seq}),
            ),
            now,
        )?;
        if d.items.iter().all(|i| i.confirmed_at.is_some()) {
            store::set_state(
                conn,
                id,
                DepartureState::Requested,
                DepartureState::HandedOver,
                actor.id,
                now,
            )?;
            d = load(conn, id)?;
            audit::append(conn, &entry(actor, "departure.handed_over", &d), now)?;
        }
        Ok(d)
    })
}

/// The department manager completes a departure on or after its effective date, once the
/// handover is confirmed: a resignation deactivates the account (every session ends) and
/// records the end of employment; a transfer sets the new job roles.
pub fn complete(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Departure> {
    actor.require(PermissionLevel::Operator, &[JobRole::DeptManager])?;
    let today = crate::workdays::company_date(conn, now)?;
    write_tx(conn, |conn| {
        lock_subject(conn, "departure", &id.to_string())?;
        let d = load(conn, id)?;
        match d.state {
            DepartureState::HandedOver => {}
            DepartureState::Requested => return Err(AppError::conflict(
                "handover_pending",
                "the handover is not confirmed yet: every item needs the witness's confirmation",
            )),
            other => {
                return Err(AppError::conflict(
                    "handover_closed",
                    format!("it is {} already", other.as_str()),
                ))
            }
        }
        if today < d.effective_on {
            return Err(AppError::rule(
                "not_yet_effective",
                format!("it takes effect on {}", d.effective_on),
            ));
        }
        fail::fail_point!("departures::complete::checked");
        let person = users::get(conn, d.user_id)?;
        match d.kind {
            DepartureKind::Resignation => {
                users::deactivate(conn, d.user_id, now)?;
                sessions::revoke_all_of_user(conn, d.user_id, "resigned", now)?;
                let employment = crate::workdays::employment_of(conn, &person)?;
                let last_day = d.effective_on.pred_opt().unwrap_or(d.effective_on);
                workdays::set_employment(
                    conn,
                    &workdays::Employment {
                        ended_on: Some(last_day.max(employment.started_on)),
                        ..employment
                    },
                    Some(actor.id),
                    now,
                )?;
            }
            DepartureKind::Transfer => {
                users::set_roles(conn, d.user_id, None, &d.new_roles, actor.id, now)?;
            }
        }
        store::set_state(
            conn,
            id,
            DepartureState::HandedOver,
            DepartureState::Completed,
            actor.id,
            now,
        )?;
        let d = load(conn, id)?;
        audit::append(conn, &entry(actor, "departure.completed", &d), now)?;
        Ok(d)
    })
}

/// The person withdraws their request before it is completed.
pub fn withdraw(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Departure> {
    write_tx(conn, |conn| {
        lock_subject(conn, "departure", &id.to_string())?;
        let d = load(conn, id)?;
        if d.user_id != actor.id {
            return Err(AppError::forbidden(
                "not_your_departure",
                "only the person who asked withdraws it",
            ));
        }
        if !matches!(
            d.state,
            DepartureState::Requested | DepartureState::HandedOver
        ) || !store::set_state(conn, id, d.state, DepartureState::Withdrawn, actor.id, now)?
        {
            return Err(AppError::conflict(
                "handover_closed",
                format!("it is {} already", d.state.as_str()),
            ));
        }
        let d = load(conn, id)?;
        audit::append(conn, &entry(actor, "departure.withdrawn", &d), now)?;
        Ok(d)
    })
}
