//! Handlers, one operation per function, grouped by resource. Each handler: identity →
//! authorization → parse → repository/domain → response type. No SQL here.

pub mod aftersales;
pub mod api_tokens;
pub mod approvals;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod backups;
pub mod bootstrap;
pub mod content;
pub mod customers;
pub mod deadlines;
pub mod delegations;
pub mod departures;
pub mod duty;
pub mod evaluations;
pub mod events;
pub mod export_stream;
pub mod exports;
pub mod figures;
pub mod health;
pub mod leave;
pub mod me;
pub mod meetings;
pub mod order_import;
pub mod order_stream;
pub mod orders;
pub mod page_revisions;
pub mod phrases;
pub mod product_import;
pub mod product_requests;
pub mod products;
pub mod promotions;
pub mod punch_import;
pub mod quality;
pub mod reports;
pub mod stocktakes;
pub mod users;
pub mod vault;
pub mod webhooks;
pub mod workdays;

use crate::error::{ApiError, ApiResult};
use ecops_api_types::{ApprovalRequestView, UserView};
use ecops_domain::password::{self, PasswordPolicy};
use ecops_domain::{JobRole, PermissionLevel, StaffLevel};
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::users::User;

/// The wire view of an account; the wage and the phone number only for callers who see staff
/// records (managers and IT; `GET /me` shows one's own).
pub fn user_view(user: &User, show_wage: bool, policy: &PasswordPolicy) -> UserView {
    UserView {
        id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        roles: user
            .roles
            .iter()
            .copied()
            .map(crate::wire::job_role)
            .collect(),
        permission_level: crate::wire::permission_level(user.permission_level),
        staff_level: crate::wire::staff_level(user.staff_level),
        monthly_wage_fen: if show_wage {
            user.monthly_wage_fen
        } else {
            None
        },
        is_special: user.is_special,
        phone: if show_wage { user.phone.clone() } else { None },
        active: user.is_active(),
        password_expires_at: password::expires_at(user.password_changed_at, policy),
        created_at: user.created_at,
        version: user.version,
        acting_for: Vec::new(),
    }
}

pub fn approval_view(r: &ApprovalRequest) -> ApprovalRequestView {
    ApprovalRequestView {
        id: r.id,
        kind: crate::wire::approval_kind(r.kind),
        subject_type: r.subject_type.clone(),
        subject_id: r.subject_id.clone(),
        proposer_id: r.proposer_id,
        payload: r.payload.clone(),
        reason: r.reason.clone(),
        state: crate::wire::approval_state(r.state),
        chain: r
            .chain
            .steps
            .iter()
            .map(|s| {
                s.all_of
                    .iter()
                    .copied()
                    .map(crate::wire::job_role)
                    .collect()
            })
            .collect(),
        created_at: r.created_at,
    }
}

/// An active staff account (not a service or external account) with this id, or a 422 naming
/// `field`.
pub fn active_staff(
    conn: &mut ecops_persistence::AnyConnection,
    id: uuid::Uuid,
    field: &str,
) -> ApiResult<User> {
    ecops_persistence::repo::users::find(conn, id)?
        .filter(|u| u.is_active() && !u.is_special)
        .ok_or_else(|| ApiError::invalid_field(field, "no active staff member has this id"))
}

/// Whether the caller sees everyone's attendance, leave and the wage-derived deductions in them:
/// the roles that may read wages.
pub fn sees_staff_records(who: &crate::auth::Identity) -> bool {
    ecops_domain::access::may_read_wages(&who.roles)
}

/// Parses role keys, naming the offending entry.
pub fn parse_roles(field: &str, keys: &[String]) -> ApiResult<Vec<JobRole>> {
    let mut roles = Vec::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let role: JobRole = key.parse().map_err(|_| {
            ApiError::invalid_field(
                &format!("{field}.{i}"),
                format!("`{key}` is not a job role"),
            )
        })?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    roles.sort();
    Ok(roles)
}

pub fn parse_level(field: &str, key: &str) -> ApiResult<PermissionLevel> {
    key.parse()
        .map_err(|_| ApiError::invalid_field(field, "must be one of viewer, operator, db_admin"))
}

pub fn parse_staff_level(field: &str, key: &str) -> ApiResult<StaffLevel> {
    key.parse()
        .map_err(|_| ApiError::invalid_field(field, "must be P or M"))
}

/// Checks a password against the policy, naming every clause it breaks.
pub fn check_password(
    field: &str,
    candidate: &str,
    username: &str,
    policy: &PasswordPolicy,
) -> ApiResult<()> {
    Ok(ecops_app::accounts::check_password(
        field, candidate, username, policy,
    )?)
}
