//! Staff accounts (R-ACL-1..4): created as `viewer`, edited, deactivated, given job roles; a
//! permission level changes only through the joint approval (or the first-run window,
//! [`crate::bootstrap`]). Every act is audited.

use crate::approvals::{self as engine, Actor};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::{ApprovalKind, Step};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::approvals::{self, ApprovalRequest};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::sessions;
use ecops_persistence::repo::users::{self, NewUser, ProfileChanges, User};
use ecops_persistence::{AnyConnection, StoreError};
use serde_json::json;
use uuid::Uuid;

fn subject(id: Uuid) -> Option<(&'static str, String)> {
    Some(("user", id.to_string()))
}

/// Files a permission-level request for `target` (R-ACL-4) and audits it. Nothing changes until
/// it is approved; one pending request per user (under the user's lock).
pub fn request_level(
    conn: &mut AnyConnection,
    actor: &Actor,
    target: &User,
    level: PermissionLevel,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<ApprovalRequest> {
    if level == target.permission_level {
        return Err(AppError::invalid(
            "permission_level",
            format!("the user already is `{}`", level.as_str()),
        ));
    }
    let subject_id = target.id.to_string();
    engine::no_pending(
        conn,
        ApprovalKind::PermissionLevel,
        ("user", &subject_id),
        "about this user's permission level",
    )?;
    let (mut chain, chain_version) =
        approvals::chain_in_force(conn, ApprovalKind::PermissionLevel, now)?;
    // R-ACL-4: granting anything to a special (service or external) account also needs the GM.
    if target.is_special && level > target.permission_level {
        chain.steps.push(Step {
            all_of: vec![JobRole::GeneralManager],
        });
    }
    let request = ApprovalRequest::new(
        ApprovalKind::PermissionLevel,
        ("user", subject_id),
        actor.id,
        json!({"from": target.permission_level.as_str(), "to": level.as_str()}),
        reason,
        (chain, chain_version),
        Some(target.version),
        now,
    );
    approvals::insert(conn, &request)?;
    let entry = actor.audit_entry(
        "user.permission_level_requested",
        subject(target.id),
        Outcome::Success,
        json!({"request_id": request.id, "from": target.permission_level.as_str(), "to": level.as_str()}),
    );
    audit::append(conn, &entry, now)?;
    Ok(request)
}

/// Requests a change of `id`'s permission level (R-ACL-4).
pub fn propose_level(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    level: PermissionLevel,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<ApprovalRequest> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[
            ecops_domain::JobRole::ItAdmin,
            ecops_domain::JobRole::DeptManager,
        ],
    )?;
    write_tx(conn, |conn| {
        let target = users::find(conn, id)?.ok_or_else(|| AppError::not_found("no such user"))?;
        request_level(conn, actor, &target, level, reason.trim(), now)
    })
}

/// Creates an account at `viewer`; a higher level asked for at creation is filed as a request.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    new: NewUser,
    level: Option<PermissionLevel>,
    employed_from: Option<chrono::NaiveDate>,
    now: DateTime<Utc>,
) -> AppResult<(User, Option<ApprovalRequest>)> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ACCOUNT_ADMINS,
    )?;
    if new.monthly_wage_fen.is_some() && !ecops_domain::access::may_read_wages(&actor.roles) {
        return Err(AppError::forbidden(
            "wage_restricted",
            "only dept_manager, general_manager and it_admin handle wages",
        ));
    }
    let new = NewUser {
        permission_level: PermissionLevel::Viewer,
        ..new
    };
    write_tx(conn, |conn| {
        users::insert(conn, &new, Some(actor.id), now).map_err(|e| match e {
            StoreError::Unique(_) => AppError::conflict(
                "username_taken",
                format!("the username `{}` is taken", new.username),
            ),
            other => other.into(),
        })?;
        let user = users::get(conn, new.id)?;
        if let Some(started_on) = employed_from {
            if new.is_special {
                return Err(AppError::invalid(
                    "employed_from",
                    "service accounts have no employment",
                ));
            }
            if ecops_persistence::repo::workdays::last_closed(conn)?
                .is_some_and(|m| started_on < m.next().first())
            {
                return Err(AppError::rule(
                    "month_closed",
                    "the start date lies in a closed month",
                ));
            }
            let employment = ecops_persistence::repo::workdays::Employment {
                user_id: user.id,
                started_on,
                ended_on: None,
            };
            ecops_persistence::repo::workdays::set_employment(
                conn,
                &employment,
                Some(actor.id),
                now,
            )?;
        }
        let entry = actor.audit_entry(
            "user.create",
            subject(user.id),
            Outcome::Success,
            json!({"username": user.username, "roles": user.roles, "is_special": user.is_special,
                   "employed_from": employed_from}),
        );
        audit::append(conn, &entry, now)?;
        let request = match level {
            Some(level) if level != PermissionLevel::Viewer => Some(request_level(
                conn,
                actor,
                &user,
                level,
                "initial level requested at account creation",
                now,
            )?),
            _ => None,
        };
        Ok((user, request))
    })
}

/// Edits an account's profile; `expected` is the version last read (`If-Match`).
pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    expected: Option<i64>,
    changes: &ProfileChanges,
    now: DateTime<Utc>,
) -> AppResult<User> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ACCOUNT_ADMINS,
    )?;
    if changes.monthly_wage_fen.is_some() && !ecops_domain::access::may_read_wages(&actor.roles) {
        return Err(AppError::forbidden(
            "wage_restricted",
            "only dept_manager, general_manager and it_admin handle wages",
        ));
    }
    write_tx(conn, |conn| {
        let current = users::find(conn, id)?.ok_or_else(|| AppError::not_found("no such user"))?;
        crate::error::check_version(current.version, expected)?;
        if !users::update_profile(conn, id, current.version, changes, now)? {
            return Err(AppError::Stale(
                "the user changed meanwhile; read it again".into(),
            ));
        }
        let entry = actor.audit_entry(
            "user.update",
            subject(id),
            Outcome::Success,
            json!({
                "display_name": changes.display_name,
                "staff_level": changes.staff_level.map(|s| s.as_str()),
                "wage_changed": changes.monthly_wage_fen.is_some(),
                "phone_changed": changes.phone.is_some(),
            }),
        );
        audit::append(conn, &entry, now)?;
        Ok(users::get(conn, id)?)
    })
}

/// Deactivates an account: it can no longer log in and every session ends. Never oneself.
pub fn deactivate(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<User> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ACCOUNT_ADMINS,
    )?;
    if id == actor.id {
        return Err(AppError::rule(
            "self_deactivation",
            "you cannot deactivate your own account",
        ));
    }
    write_tx(conn, |conn| {
        users::find(conn, id)?.ok_or_else(|| AppError::not_found("no such user"))?;
        if !users::deactivate(conn, id, now)? {
            return Err(AppError::conflict(
                "already_inactive",
                "the account is already deactivated",
            ));
        }
        let ended = sessions::revoke_all_of_user(conn, id, "deactivated", now)?;
        let entry = actor.audit_entry(
            "user.deactivate",
            subject(id),
            Outcome::Success,
            json!({"sessions_ended": ended}),
        );
        audit::append(conn, &entry, now)?;
        Ok(users::get(conn, id)?)
    })
}

/// Replaces an account's job roles; every grant and revocation is audited.
pub fn set_roles(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    expected: Option<i64>,
    roles: &[JobRole],
    now: DateTime<Utc>,
) -> AppResult<User> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ACCOUNT_ADMINS,
    )?;
    write_tx(conn, |conn| {
        let current = users::find(conn, id)?.ok_or_else(|| AppError::not_found("no such user"))?;
        crate::error::check_version(current.version, expected)?;
        if !users::set_roles(conn, id, Some(current.version), roles, actor.id, now)? {
            return Err(AppError::Stale(
                "the user changed meanwhile; read it again".into(),
            ));
        }
        let granted: Vec<_> = roles
            .iter()
            .filter(|r| !current.roles.contains(r))
            .collect();
        let revoked: Vec<_> = current
            .roles
            .iter()
            .filter(|r| !roles.contains(r))
            .collect();
        let entry = actor.audit_entry(
            "user.roles_set",
            subject(id),
            Outcome::Success,
            json!({"granted": granted, "revoked": revoked}),
        );
        audit::append(conn, &entry, now)?;
        Ok(users::get(conn, id)?)
    })
}

/// R-EVAL-1: sets whom `id` reports to (`None`: the top of the chart), refusing a cycle. For the
/// department manager and IT. The chart is locked while the chain is checked, so two changes at
/// once cannot close a cycle between them. Returns the chain from the new manager to the top.
pub fn set_manager(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    manager: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[JobRole::DeptManager, JobRole::ItAdmin],
    )?;
    write_tx(conn, |conn| {
        ecops_persistence::db::lock_subject(conn, "org_chart", "tree")?;
        let person = users::find(conn, id)?.ok_or_else(|| AppError::not_found("no such user"))?;
        let before = users::manager_of(conn, id)?;
        let chain = match manager {
            None => Vec::new(),
            Some(m) => {
                match users::find(conn, m)? {
                    Some(u) if u.deactivated_at.is_none() => {}
                    _ => {
                        return Err(AppError::invalid(
                            "manager_id",
                            "is not an active user of this system",
                        ))
                    }
                }
                let known: std::collections::HashMap<Uuid, Uuid> =
                    users::all_managers(conn)?.into_iter().collect();
                ecops_domain::org::check_manager(id, m, |p| known.get(&p).copied()).map_err(
                    |cycle| {
                        AppError::invalid(
                            "manager_id",
                            format!(
                                "would put {} above themselves (through {} people)",
                                person.username,
                                cycle.len()
                            ),
                        )
                    },
                )?
            }
        };
        fail::fail_point!("users::manager::checked");
        users::set_manager(conn, id, manager)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "user.reports_to_set",
                subject(id),
                Outcome::Success,
                json!({"from": before, "to": manager}),
            ),
            now,
        )?;
        Ok(chain)
    })
}

/// The org chart: every active account with its direct manager (any signed-in person reads it).
pub fn org_chart(
    conn: &mut AnyConnection,
    actor: &Actor,
) -> AppResult<Vec<(Uuid, String, Option<Uuid>)>> {
    actor.require(PermissionLevel::Viewer, &[])?;
    Ok(users::org_chart(conn)?)
}
