//! Delegated access (R-ACC-1): a person lends job roles to a colleague for a stated task and
//! period, through an approval request to the department manager; while it runs the colleague acts
//! with them on the lender's behalf (see [`crate::Actor::require`]); it ends by itself or when
//! revoked. Nobody ever needs another person's password.

use crate::approvals::{self as engine, Actor};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::{ApprovalKind, ApprovalState};
use ecops_domain::lending::{self as rules, LendingAsked, LendingPolicy, Lent, Standing, Stored};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::delegations::{self, Delegation};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// The subject type of a lending in approval requests and the audit log.
pub const SUBJECT: &str = "delegation";

/// Who sees every lending, not only their own.
const OVERSEERS: &[JobRole] = &[
    JobRole::DeptManager,
    JobRole::GeneralManager,
    JobRole::ItAdmin,
];

/// The approval request's payload: what the department manager is asked to allow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DelegationApproval {
    pub delegation_id: Uuid,
    /// The lender: the proposer, or a vacant post's departed holder.
    #[serde(default)]
    pub delegator_id: Option<Uuid>,
    pub delegate_id: Uuid,
    /// The delegate's display name, for the decider.
    #[serde(default)]
    pub delegate_name: String,
    pub roles: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub task: String,
    /// For a vacant post: the departed holder whose roles are lent.
    #[serde(default)]
    pub vacant_post_of: Option<String>,
}

/// A lending asked for.
#[derive(Debug, Clone)]
pub struct DelegationInput {
    pub delegate_id: Uuid,
    /// Cover a vacant post: the departed (deactivated) colleague whose roles are lent; asked for
    /// by their manager in the org chart or by the department's managers. `None`: the actor lends
    /// roles of their own.
    pub vacant_post_of: Option<Uuid>,
    pub task: String,
    pub roles: Vec<JobRole>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

fn refused(r: rules::LendingRefused) -> AppError {
    use rules::LendingRefused::*;
    let field = match r {
        ToSelf => "delegate_id",
        NoRoles | NotHeld(_) | NotLendable(_) => "roles",
        Period => "ends_at",
        TooLong { .. } => "ends_at",
    };
    AppError::invalid(field, r.to_string())
}

/// Roles a vacant post never lends through a cover: the general manager's decisions belong to the
/// company, not to the department's approval of a cover.
const NOT_COVERED: [JobRole; 1] = [JobRole::GeneralManager];

/// The post a vacancy cover lends from: the account of someone whose resignation was completed
/// (not a service account, not an account closed for another reason), and the actor its manager
/// in the org chart or one of the department's managers (R-ACC-1, 临时代理).
fn vacant_post(
    conn: &mut AnyConnection,
    actor: &Actor,
    holder: Uuid,
) -> AppResult<ecops_persistence::repo::users::User> {
    let user = users::find(conn, holder)?
        .ok_or_else(|| AppError::invalid("vacant_post_of", "no account with this id"))?;
    if user.is_active() {
        return Err(AppError::invalid(
            "vacant_post_of",
            "the post is not vacant: its holder's account is active (they lend their own roles)",
        ));
    }
    use ecops_persistence::repo::departures::{self, DepartureKind, DepartureState};
    let resigned = departures::list(conn, Some(holder))?
        .iter()
        .any(|d| d.kind == DepartureKind::Resignation && d.state == DepartureState::Completed);
    if user.is_special || !resigned {
        return Err(AppError::invalid(
            "vacant_post_of",
            "a vacant post is that of a colleague whose resignation was completed",
        ));
    }
    let superior = users::manager_of(conn, holder)? == Some(actor.id);
    let manager = [JobRole::DeptManager, JobRole::GeneralManager]
        .iter()
        .any(|r| actor.roles.contains(r));
    if !superior && !manager {
        return Err(AppError::forbidden(
            "not_the_manager",
            "a vacant post is covered at the request of its holder's manager or the department's managers",
        ));
    }
    Ok(user)
}

/// R-ACC-1: asks the department manager to let `input.delegate_id` act with some of the actor's
/// roles (their own: lent roles are not lent on), or, for a vacant post, with some of its
/// departed holder's roles.
pub fn request(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: DelegationInput,
    policy: &LendingPolicy,
    now: DateTime<Utc>,
) -> AppResult<(Delegation, ApprovalRequest)> {
    actor.require(PermissionLevel::Operator, &[])?;
    let task = input.task.trim().to_owned();
    if task.chars().count() < 4 {
        return Err(AppError::invalid(
            "task",
            "say what the colleague is to do (at least 4 characters)",
        ));
    }
    let mut roles = input.roles.clone();
    roles.sort();
    roles.dedup();
    let post = match input.vacant_post_of {
        Some(holder) => Some(vacant_post(conn, actor, holder)?),
        None => None,
    };
    let (delegator, delegator_roles) = match &post {
        Some(u) => (u.id, u.roles.clone()),
        None => (actor.id, actor.roles.clone()),
    };
    if let Some(u) = &post {
        if let Some(r) = roles.iter().find(|r| NOT_COVERED.contains(r)) {
            return Err(AppError::invalid(
                "roles",
                format!(
                    "a vacant post's {} role is not covered this way",
                    r.as_str()
                ),
            ));
        }
        // The superior covers, or a colleague at the same level (the same manager).
        let above = users::manager_of(conn, u.id)?;
        let same_level = above.is_some() && users::manager_of(conn, input.delegate_id)? == above;
        if Some(input.delegate_id) != above && !same_level {
            return Err(AppError::invalid(
                "delegate_id",
                "a vacant post is covered by its holder's manager or a colleague at the same level",
            ));
        }
    }
    rules::check(
        &LendingAsked {
            delegator,
            delegator_roles: &delegator_roles,
            delegate: input.delegate_id,
            roles: &roles,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
        },
        policy,
        now,
    )
    .map_err(refused)?;
    write_tx(conn, |conn| {
        let delegate = users::find(conn, input.delegate_id)?
            .filter(|u| u.is_active())
            .ok_or_else(|| AppError::invalid("delegate_id", "no active colleague with this id"))?;
        let id = Uuid::now_v7();
        let payload = DelegationApproval {
            delegation_id: id,
            delegator_id: Some(delegator),
            delegate_id: delegate.id,
            delegate_name: delegate.display_name.clone(),
            roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            task: task.clone(),
            vacant_post_of: post.as_ref().map(|u| u.display_name.clone()),
        };
        let req = engine::submit(
            conn,
            ApprovalKind::Delegation,
            (SUBJECT, id.to_string()),
            actor,
            serde_json::to_value(&payload)?,
            &task,
            None,
            now,
        )?;
        let d = Delegation {
            id,
            delegator_id: delegator,
            delegate_id: delegate.id,
            requested_by: actor.id,
            task: task.clone(),
            roles: roles.clone(),
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            state: Stored::Pending,
            approval_request_id: req.id,
            created_at: now,
            decided_at: None,
            revoked_at: None,
            revoked_by: None,
            revoke_reason: None,
        };
        delegations::insert(conn, &d)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "delegation.request",
                Some((SUBJECT, id.to_string())),
                Outcome::Success,
                json!({"delegate": delegate.id, "delegate_username": delegate.username,
                       "vacant_post_of": post.as_ref().map(|u| u.id),
                       "roles": payload.roles, "starts_at": input.starts_at,
                       "ends_at": input.ends_at, "task": task,
                       "approval_request": req.id}),
            ),
            now,
        )?;
        Ok((d, req))
    })
}

fn approval_of(req: &ApprovalRequest) -> AppResult<DelegationApproval> {
    serde_json::from_value(req.payload.clone())
        .map_err(|e| AppError::Internal(format!("request {} payload: {e}", req.id)))
}

/// The delegate a lending's approval request names.
pub fn delegate_of(req: &ApprovalRequest) -> AppResult<Uuid> {
    Ok(approval_of(req)?.delegate_id)
}

/// The lender a lending's approval request names (a vacant post's departed holder for a cover).
pub fn delegator_of(req: &ApprovalRequest) -> AppResult<Uuid> {
    Ok(approval_of(req)?.delegator_id.unwrap_or(req.proposer_id))
}

/// The approval's effect: the lending holds from its start (unless its period is already over or
/// the delegate's account was closed meanwhile).
pub fn on_approved(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    approver: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let id = Uuid::parse_str(&req.subject_id).map_err(|e| AppError::Internal(e.to_string()))?;
    let d =
        delegations::find(conn, id)?.ok_or_else(|| AppError::not_found("no such delegation"))?;
    if d.ends_at <= now {
        return Err(AppError::rule(
            "subject_changed",
            "the delegation's period is over: it can only be rejected",
        ));
    }
    if !users::find(conn, d.delegate_id)?.is_some_and(|u| u.is_active()) {
        return Err(AppError::rule(
            "subject_changed",
            "the delegate's account is no longer active",
        ));
    }
    if !delegations::decide(conn, id, Stored::Pending, Stored::Approved, now)? {
        return Err(AppError::rule(
            "subject_changed",
            "the delegation is no longer pending",
        ));
    }
    audit::append(
        conn,
        &audit::NewEntry {
            actor_id: Some(approver),
            actor_username: None,
            action: "delegation.granted".to_owned(),
            subject_type: Some(SUBJECT.to_owned()),
            subject_id: Some(id.to_string()),
            client_addr: None,
            outcome: Outcome::Success,
            detail: json!({"delegator": d.delegator_id, "delegate": d.delegate_id,
                           "roles": d.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                           "starts_at": d.starts_at, "ends_at": d.ends_at,
                           "approval_request": req.id}),
            request_id: None,
            on_behalf_of: None,
        },
        now,
    )?;
    Ok(())
}

/// A rejected or withdrawn request leaves the lending rejected or withdrawn.
pub fn on_closed(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    state: ApprovalState,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let id = Uuid::parse_str(&req.subject_id).map_err(|e| AppError::Internal(e.to_string()))?;
    let to = if state == ApprovalState::Withdrawn {
        Stored::Withdrawn
    } else {
        Stored::Rejected
    };
    delegations::decide(conn, id, Stored::Pending, to, now)?;
    Ok(())
}

/// Ends a running or scheduled lending before its time: the lender, the delegate or the
/// department's managers may.
pub fn revoke(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<Delegation> {
    actor.require(PermissionLevel::Viewer, &[])?;
    let reason = reason.trim();
    if reason.chars().count() < 4 {
        return Err(AppError::invalid(
            "reason",
            "say why the delegation ends early (at least 4 characters)",
        ));
    }
    write_tx(conn, |conn| {
        let d = visible(conn, actor, id)?;
        let party = d.is_party(actor.id);
        if !party && !OVERSEERS.iter().any(|r| actor.roles.contains(r)) {
            return Err(AppError::forbidden(
                "missing_role",
                "only the lender, the delegate or a manager may revoke a delegation",
            ));
        }
        if d.state == Stored::Pending {
            return Err(AppError::conflict(
                "not_active",
                "the delegation is still waiting for approval: withdraw its request instead",
            ));
        }
        if !delegations::revoke(conn, id, actor.id, reason, now)? {
            return Err(AppError::conflict(
                "not_active",
                format!(
                    "the delegation is {}, it cannot be revoked",
                    standing(&d, now).as_str()
                ),
            ));
        }
        audit::append(
            conn,
            &actor.audit_entry(
                "delegation.revoke",
                Some((SUBJECT, id.to_string())),
                Outcome::Success,
                json!({"reason": reason, "delegator": d.delegator_id, "delegate": d.delegate_id}),
            ),
            now,
        )?;
        delegations::find(conn, id)?.ok_or_else(|| AppError::not_found("no such delegation"))
    })
}

/// Where a lending stands at `now`.
pub fn standing(d: &Delegation, now: DateTime<Utc>) -> Standing {
    rules::standing(d.state, d.starts_at, d.ends_at, now)
}

/// Whether the actor sees every lending (managers and IT), not only their own.
pub fn sees_all(level_roles: &[JobRole]) -> bool {
    OVERSEERS.iter().any(|r| level_roles.contains(r))
}

/// One lending, if the actor is a party to it or oversees them.
pub fn visible(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> AppResult<Delegation> {
    delegations::find(conn, id)?
        .filter(|d| d.is_party(actor.id) || sees_all(&actor.roles))
        .ok_or_else(|| AppError::not_found("no such delegation"))
}

/// The roles lent to `delegate` at `now`: those of the approved lendings whose period runs that
/// the lender (an active account) still holds.
pub fn lent_to(
    conn: &mut AnyConnection,
    delegate: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<Lent>> {
    let active = delegations::active_for(conn, delegate, now)?;
    let mut out = Vec::with_capacity(active.len());
    for d in active {
        // A lender whose account closed lends no more; a vacant post's holder has left by
        // definition, and its cover holds for its period.
        let Some(lender) =
            users::find(conn, d.delegator_id)?.filter(|u| u.is_active() || d.covers_vacancy())
        else {
            continue;
        };
        out.extend(Lent::of(
            d.id,
            d.delegator_id,
            &d.roles,
            &lender.roles,
            lender.permission_level,
        ));
    }
    Ok(out)
}

/// Actions whose own records name only the actor (an order and its events) also get an audit
/// entry when they were taken with lent roles, so that the log names the lender too (R-ACC-1).
/// Call it inside the action's transaction, after its authorization.
pub fn record_on_behalf(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    subject: (&str, String),
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if actor.acting_for().is_some() {
        audit::append(
            conn,
            &actor.audit_entry(action, Some(subject), Outcome::Success, detail),
            now,
        )?;
    }
    Ok(())
}
