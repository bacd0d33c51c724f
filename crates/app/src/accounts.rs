//! A person's own account: changing their password (R-ACL-5).

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use crate::passwords;
use chrono::{DateTime, Utc};
use ecops_domain::password::{self, PasswordPolicy, PasswordViolation};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::{sessions, users};
use ecops_persistence::AnyConnection;
use serde_json::json;

/// R-ACL-5: refuses a password that breaks the policy, naming `field`.
pub fn check_password(
    field: &str,
    candidate: &str,
    username: &str,
    policy: &PasswordPolicy,
) -> AppResult<()> {
    password::check(candidate, username, policy).map_err(|violations| {
        let errors: Vec<(String, String)> = violations
            .iter()
            .map(|v| (field.to_owned(), v.message(policy)))
            .collect();
        AppError::RuleOn {
            code: "password_policy",
            detail: format!(
                "the password {}",
                errors
                    .iter()
                    .map(|e| e.1.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            errors,
        }
    })
}

/// The actor changes their own password: the current one must match (a wrong one is audited),
/// the new one passes the policy and is none of the recent ones. Every session of the actor ends.
pub fn change_password(
    conn: &mut AnyConnection,
    actor: &Actor,
    current: &str,
    new: &str,
    policy: &PasswordPolicy,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let user = users::get(conn, actor.id)?;
    let subject = || Some(("user", user.id.to_string()));
    if !passwords::verify(current, &user.password_hash) {
        let entry = actor.audit_entry(
            "user.password_change",
            subject(),
            Outcome::Failure,
            json!({"reason": "wrong_current_password"}),
        );
        audit::append(conn, &entry, now)?;
        return Err(AppError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    check_password("new_password", new, &user.username, policy)?;
    let history =
        users::recent_password_hashes(conn, user.id, i64::try_from(policy.history).unwrap_or(3))?;
    if history.iter().any(|h| passwords::verify(new, h)) {
        let message = PasswordViolation::Reused.message(policy);
        return Err(AppError::RuleOn {
            code: "password_policy",
            detail: format!("the password {message}"),
            errors: vec![("new_password".to_owned(), message)],
        });
    }
    let hash = passwords::hash(new)?;
    write_tx(conn, |conn| {
        users::set_password(conn, user.id, &hash, now)?;
        // Every session ends, this one too: the client logs in again with the new password.
        sessions::revoke_all_of_user(conn, user.id, "password_changed", now)?;
        let entry = actor.audit_entry(
            "user.password_change",
            subject(),
            Outcome::Success,
            json!({}),
        );
        audit::append(conn, &entry, now)?;
        Ok(())
    })
}
