//! API tokens for integrations: created and revoked by an IT admin, each act audited.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::api_tokens::{self, ApiToken};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// Records a new token (its secret already hashed) for an active user.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    t: &ApiToken,
    hash: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ACCOUNT_ADMINS,
    )?;
    write_tx(conn, |conn| {
        users::find(conn, t.user_id)?
            .filter(|u| u.is_active())
            .ok_or_else(|| AppError::invalid("user_id", "names no active user"))?;
        api_tokens::insert(conn, t, hash)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "api_token.create",
                Some(("api_token", t.id.to_string())),
                Outcome::Success,
                json!({"user_id": t.user_id, "scopes": t.scopes, "name": t.name,
                       "rate_per_minute": t.rate_per_minute}),
            ),
            now,
        )?;
        Ok(())
    })
}

/// Revokes a token; a revoked token is refused from the next request on.
pub fn revoke(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ApiToken> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ACCOUNT_ADMINS,
    )?;
    write_tx(conn, |conn| {
        api_tokens::find(conn, id)?.ok_or_else(|| AppError::not_found("no such API token"))?;
        if !api_tokens::revoke(conn, id, now)? {
            return Err(AppError::conflict(
                "already_revoked",
                "the token is already revoked",
            ));
        }
        audit::append(
            conn,
            &actor.audit_entry(
                "api_token.revoke",
                Some(("api_token", id.to_string())),
                Outcome::Success,
                json!({}),
            ),
            now,
        )?;
        api_tokens::find(conn, id)?.ok_or_else(|| AppError::not_found("no such API token"))
    })
}
