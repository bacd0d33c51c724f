//! Long-lived API tokens for integrations, stored as hashes with their scopes.

use super::{from_db, parse_uuid, to_db};
use crate::schema::api_tokens;
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct Row {
    id: String,
    name: String,
    user_id: String,
    scopes: String,
    created_by: String,
    created_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
    last_used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
    rate_per_minute: Option<i32>,
}

/// A stored token (never its secret).
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub user_id: Uuid,
    pub scopes: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Requests a minute this token may make (`None`: the configured default).
    pub rate_per_minute: Option<u32>,
}

impl ApiToken {
    fn from_row(r: Row) -> StoreResult<ApiToken> {
        Ok(ApiToken {
            id: parse_uuid(&r.id)?,
            name: r.name,
            user_id: parse_uuid(&r.user_id)?,
            scopes: r.scopes.split_whitespace().map(str::to_owned).collect(),
            created_by: parse_uuid(&r.created_by)?,
            created_at: from_db(r.created_at),
            expires_at: r.expires_at.map(from_db),
            last_used_at: r.last_used_at.map(from_db),
            revoked_at: r.revoked_at.map(from_db),
            rate_per_minute: r.rate_per_minute.and_then(|n| u32::try_from(n).ok()),
        })
    }

    /// Whether the token may be used at `now`.
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }
}

pub fn insert(conn: &mut AnyConnection, token: &ApiToken, token_hash: &str) -> StoreResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(token.id.to_string()),
            api_tokens::name.eq(&token.name),
            api_tokens::user_id.eq(token.user_id.to_string()),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::scopes.eq(token.scopes.join(" ")),
            api_tokens::created_by.eq(token.created_by.to_string()),
            api_tokens::created_at.eq(to_db(token.created_at)),
            api_tokens::expires_at.eq(token.expires_at.map(to_db)),
            api_tokens::rate_per_minute.eq(token
                .rate_per_minute
                .map(|n| i32::try_from(n).unwrap_or(i32::MAX))),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_by_hash(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<Option<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(ApiToken::from_row)
        .transpose()
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<ApiToken>> {
    api_tokens::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(ApiToken::from_row)
        .transpose()
}

/// Newest first, after the id `before` (ids are time-ordered UUID v7).
pub fn list(
    conn: &mut AnyConnection,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<ApiToken>> {
    let mut q = api_tokens::table.select(Row::as_select()).into_boxed();
    if let Some(before) = before {
        q = q.filter(api_tokens::id.lt(before.to_owned()));
    }
    q.order(api_tokens::id.desc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(ApiToken::from_row)
        .collect()
}

pub fn touch(conn: &mut AnyConnection, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(api_tokens::table.find(id.to_string()))
        .set(api_tokens::last_used_at.eq(Some(to_db(now))))
        .execute(conn)?;
    Ok(())
}

/// Revokes a token; false if it was already revoked.
pub fn revoke(conn: &mut AnyConnection, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id.to_string()))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(to_db(now))))
    .execute(conn)?;
    Ok(n == 1)
}
