//! Logging in, refreshing and logging out (R-ACL-5, R-SEC-4). The tokens themselves are the HTTP
//! layer's; here are the rules: lockout after repeated failures, one answer for every failure,
//! single-use refresh tokens whose replay revokes the session, and the audit of each.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use crate::passwords;
use chrono::{DateTime, Utc};
use ecops_domain::password::{self, LockoutPolicy, PasswordPolicy};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::audit::{self, NewEntry, Outcome};
use ecops_persistence::repo::sessions;
use ecops_persistence::repo::users::{self, User};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// A refresh token to store: its hash and when it expires.
#[derive(Debug, Clone)]
pub struct NewRefresh {
    pub hash: String,
    pub expires_at: DateTime<Utc>,
}

/// The one answer for an unknown user, a wrong password, a locked or a deactivated account.
fn invalid_credentials() -> AppError {
    AppError::Unauthenticated {
        code: "invalid_credentials",
        detail: "invalid username or password, or the account is temporarily locked".to_owned(),
    }
}

fn entry(
    template: &NewEntry,
    user: Option<&User>,
    username: &str,
    action: &str,
    outcome: Outcome,
    detail: serde_json::Value,
) -> NewEntry {
    NewEntry {
        actor_id: user.map(|u| u.id),
        actor_username: Some(username.chars().take(64).collect()),
        action: action.to_owned(),
        outcome,
        detail,
        ..template.clone()
    }
}

/// What a login needs besides the credentials.
#[derive(Debug, Clone)]
pub struct LoginContext<'a> {
    /// The audit template of the request (client address, request id).
    pub audit: &'a NewEntry,
    /// A hash verified when the user is unknown, so every answer takes the same time.
    pub dummy_hash: &'a str,
    pub lockout: &'a LockoutPolicy,
    pub password_policy: &'a PasswordPolicy,
    pub client_addr: Option<&'a str>,
}

/// Checks the credentials and opens a session with its first refresh token; returns the user and
/// the session. Failures are audited and counted; enough of them lock the account.
pub fn login(
    conn: &mut AnyConnection,
    ctx: &LoginContext<'_>,
    username: &str,
    secret: &str,
    refresh: &NewRefresh,
    now: DateTime<Utc>,
) -> AppResult<(User, Uuid)> {
    let Some(user) = users::find_by_username(conn, username)? else {
        // Same work as for a known user, so the answer takes the same time.
        let _ = passwords::verify(secret, ctx.dummy_hash);
        let e = entry(
            ctx.audit,
            None,
            username,
            "auth.login",
            Outcome::Failure,
            json!({"reason": "unknown_user"}),
        );
        audit::append(conn, &e, now)?;
        return Err(invalid_credentials());
    };
    let matches = passwords::verify(secret, &user.password_hash);
    let reason = if !user.is_active() {
        Some("deactivated")
    } else if password::is_locked(user.locked_until, now) {
        Some("locked")
    } else if !matches {
        Some("wrong_password")
    } else {
        None
    };
    if let Some(reason) = reason {
        write_tx(conn, |conn| -> AppResult<()> {
            let e = entry(
                ctx.audit,
                Some(&user),
                &user.username,
                "auth.login",
                Outcome::Failure,
                json!({"reason": reason}),
            );
            audit::append(conn, &e, now)?;
            if reason == "wrong_password" {
                let (failures, lock) =
                    password::register_failure(user.failed_logins, now, ctx.lockout);
                users::record_login_failure(conn, user.id, failures, lock)?;
                if let Some(until) = lock {
                    let mut e = entry(
                        ctx.audit,
                        Some(&user),
                        &user.username,
                        "auth.account_locked",
                        Outcome::Success,
                        json!({"until": until}),
                    );
                    e.subject_type = Some("user".into());
                    e.subject_id = Some(user.id.to_string());
                    audit::append(conn, &e, now)?;
                }
            }
            Ok(())
        })?;
        return Err(invalid_credentials());
    }
    write_tx(conn, |conn| {
        users::record_login_success(conn, user.id)?;
        let session_id = Uuid::now_v7();
        sessions::create(conn, session_id, user.id, ctx.client_addr, now)?;
        sessions::insert_refresh(conn, &refresh.hash, session_id, now, refresh.expires_at)?;
        let expired = password::is_expired(user.password_changed_at, now, ctx.password_policy);
        let e = entry(
            ctx.audit,
            Some(&user),
            &user.username,
            "auth.login",
            Outcome::Success,
            json!({"password_expired": expired}),
        );
        audit::append(conn, &e, now)?;
        Ok((user.clone(), session_id))
    })
}

/// Exchanges a refresh token (by its hash) for the next one in the same session. Each works
/// once: presenting a used one again revokes the whole session, and that revocation is kept.
pub fn refresh(
    conn: &mut AnyConnection,
    audit_template: &NewEntry,
    presented: &str,
    next: &NewRefresh,
    now: DateTime<Utc>,
) -> AppResult<(User, Uuid)> {
    let bad = || AppError::Unauthenticated {
        code: "unauthorized",
        detail: "the refresh token is invalid, expired or revoked".to_owned(),
    };
    write_tx(conn, |conn| -> AppResult<AppResult<(User, Uuid)>> {
        let Some(stored) = sessions::find_refresh(conn, presented)? else {
            return Ok(Err(bad()));
        };
        let session = &stored.session;
        if session.revoked_at.is_some() || stored.expires_at <= now {
            return Ok(Err(bad()));
        }
        let user = users::get(conn, session.user_id)?;
        if !user.is_active() {
            return Ok(Err(bad()));
        }
        if stored.used_at.is_some() || !sessions::consume_refresh(conn, presented, now)? {
            // Reuse: revoke the family, and keep that revocation even though we refuse.
            sessions::revoke(conn, session.id, "refresh_token_reuse", now)?;
            let e = entry(
                audit_template,
                Some(&user),
                &user.username,
                "auth.refresh_reuse",
                Outcome::Refused,
                json!({"session_id": session.id}),
            );
            audit::append(conn, &e, now)?;
            return Ok(Err(AppError::Unauthenticated {
                code: "unauthorized",
                detail: "this refresh token was already used: the session has been revoked; log in again".to_owned(),
            }));
        }
        sessions::insert_refresh(conn, &next.hash, session.id, now, next.expires_at)?;
        Ok(Ok((user, session.id)))
    })?
}

/// Ends the actor's session: its access and refresh tokens stop working.
pub fn logout(
    conn: &mut AnyConnection,
    actor: &Actor,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    write_tx(conn, |conn| {
        sessions::revoke(conn, session_id, "logout", now)?;
        let e = actor.audit_entry("auth.logout", None, Outcome::Success, json!({}));
        audit::append(conn, &e, now)?;
        Ok(())
    })
}
