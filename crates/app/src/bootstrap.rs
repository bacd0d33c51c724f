//! The first-run window (R-ACL-4 on a fresh install). A new department has only `admin` above
//! `viewer`, and `admin` proposes every permission-level request, so nobody could ever decide
//! one. While the permission-level chain has no deciders besides `admin`, an IT admin may raise
//! the people the chain needs (its roles) to `operator`, each act audited as `bootstrap`. The
//! window closes for good, by itself, once the chain can be decided without `admin`; from then on
//! every level change goes through the joint approval.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::{ApprovalKind, Chain};
use ecops_domain::PermissionLevel;
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::approvals;
use ecops_persistence::repo::audit::{self, NewEntry, Outcome};
use ecops_persistence::repo::installation;
use ecops_persistence::repo::users::{self, User};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// Where the first run stands.
#[derive(Debug, Clone)]
pub struct FirstRun {
    /// Whether levels may still be raised without the joint approval.
    pub open: bool,
    pub closed_at: Option<DateTime<Utc>>,
    pub admin_id: Option<Uuid>,
    /// The permission-level chain in force (the roles it needs, distinct people).
    pub chain: Chain,
    /// Active operators holding a role of that chain, other than `admin`.
    pub deciders: Vec<User>,
}

fn chain(conn: &mut AnyConnection, now: DateTime<Utc>) -> AppResult<Chain> {
    let (mut chain, _) = approvals::chain_in_force(conn, ApprovalKind::PermissionLevel, now)?;
    chain.distinct_deciders |= ApprovalKind::PermissionLevel.always_distinct();
    Ok(chain)
}

/// Reads the state; `decidable` tells whether the chain can be carried without `admin`.
fn read(conn: &mut AnyConnection, now: DateTime<Utc>) -> AppResult<(FirstRun, bool)> {
    let inst = installation::get(conn)?;
    let admin_id = inst.as_ref().and_then(|i| i.bootstrap_admin_id);
    let closed_at = inst.as_ref().and_then(|i| i.bootstrap_closed_at);
    let chain = chain(conn, now)?;
    let roles: Vec<_> = chain
        .steps
        .iter()
        .flat_map(|s| s.all_of.iter().copied())
        .collect();
    let deciders: Vec<User> = users::active_operators(conn)?
        .into_iter()
        .filter(|u| Some(u.id) != admin_id && u.roles.iter().any(|r| roles.contains(r)))
        .collect();
    let people: Vec<_> = deciders.iter().map(|u| (u.id, u.roles.clone())).collect();
    let decidable = chain.decidable_by(&people);
    // Without an installation record (a database this version did not start) there is no window.
    let open = inst.is_some() && closed_at.is_none() && !decidable;
    Ok((
        FirstRun {
            open,
            closed_at,
            admin_id,
            chain,
            deciders,
        },
        decidable,
    ))
}

/// Where the first run stands now.
pub fn status(conn: &mut AnyConnection, now: DateTime<Utc>) -> AppResult<FirstRun> {
    Ok(read(conn, now)?.0)
}

fn entry(
    actor: &Actor,
    action: &str,
    subject: Option<Uuid>,
    detail: serde_json::Value,
) -> NewEntry {
    NewEntry {
        action: action.to_owned(),
        subject_type: subject.map(|_| "user".to_owned()),
        subject_id: subject.map(|s| s.to_string()),
        outcome: Outcome::Success,
        detail,
        ..actor.template()
    }
}

/// Raises `target` to `operator` while the window is open; closes the window when the chain
/// becomes decidable. One transaction, serialised on the installation record, so two concurrent
/// grants cannot both pass the "still open" check.
pub fn grant(
    conn: &mut AnyConnection,
    actor: &Actor,
    target: Uuid,
    level: PermissionLevel,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<(User, FirstRun)> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ACCOUNT_ADMINS,
    )?;
    write_tx(conn, |conn| {
        if !installation::lock(conn)? {
            return Err(AppError::conflict(
                "bootstrap_closed",
                "this database was not started by this version: use a permission-level request",
            ));
        }
        let (state, decidable) = read(conn, now)?;
        if !state.open {
            if decidable && state.closed_at.is_none() {
                installation::close_bootstrap(conn, now)?;
            }
            return Err(AppError::conflict(
                "bootstrap_closed",
                "the department has its deciders: permission levels change only through a request \
                 approved by the marketing director and the IT lead (R-ACL-4)",
            ));
        }
        if level != PermissionLevel::Operator {
            return Err(AppError::Invalid {
                field: "permission_level".to_owned(),
                message: "during the first run only `operator` can be granted".to_owned(),
            });
        }
        let user = users::find(conn, target)?.ok_or_else(|| AppError::not_found("no such user"))?;
        let needed: Vec<_> = state
            .chain
            .steps
            .iter()
            .flat_map(|s| s.all_of.iter().copied())
            .collect();
        let problem = if Some(user.id) == state.admin_id || user.id == actor.id {
            Some("is the account that runs the first start".to_owned())
        } else if !user.is_active() {
            Some("is deactivated".to_owned())
        } else if user.is_special {
            Some("is a special account: its grants need the general manager".to_owned())
        } else if user.permission_level != PermissionLevel::Viewer {
            Some(format!("is already `{}`", user.permission_level.as_str()))
        } else if !user.roles.iter().any(|r| needed.contains(r)) {
            let names: Vec<_> = needed.iter().map(|r| r.as_str()).collect();
            Some(format!(
                "holds none of the roles that decide permission levels ({}); raise them through \
                 a permission-level request once the deciders are in place",
                names.join(", ")
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            return Err(AppError::Invalid {
                field: "user_id".to_owned(),
                message: format!("the user {message}"),
            });
        }
        users::set_permission_level(conn, user.id, level, now)?;
        audit::append(
            conn,
            &entry(
                actor,
                "bootstrap.permission_level",
                Some(user.id),
                json!({"from": user.permission_level.as_str(), "to": level.as_str(), "reason": reason}),
            ),
            now,
        )?;
        let (mut after, decidable) = read(conn, now)?;
        if decidable {
            installation::close_bootstrap(conn, now)?;
            audit::append(
                conn,
                &entry(
                    actor,
                    "bootstrap.closed",
                    None,
                    json!({"deciders": after.deciders.iter().map(|u| u.username.clone()).collect::<Vec<_>>()}),
                ),
                now,
            )?;
            after.closed_at = Some(ecops_persistence::repo::from_db(
                ecops_persistence::repo::to_db(now),
            ));
        }
        let user = users::find(conn, target)?.ok_or_else(|| AppError::not_found("no such user"))?;
        Ok((user, after))
    })
}
