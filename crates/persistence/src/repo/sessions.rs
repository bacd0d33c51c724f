//! Login sessions and their rotating refresh tokens (stored as hashes only).

use super::{from_db, parse_uuid, to_db};
use crate::schema::{refresh_tokens, sessions};
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// A session: one login, all the refresh tokens rotated from it form its family.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

type SessionRow = (String, String, NaiveDateTime, Option<NaiveDateTime>);

fn session_from(row: SessionRow) -> StoreResult<Session> {
    Ok(Session {
        id: parse_uuid(&row.0)?,
        user_id: parse_uuid(&row.1)?,
        created_at: from_db(row.2),
        revoked_at: row.3.map(from_db),
    })
}

const SESSION_COLUMNS: (
    sessions::id,
    sessions::user_id,
    sessions::created_at,
    sessions::revoked_at,
) = (
    sessions::id,
    sessions::user_id,
    sessions::created_at,
    sessions::revoked_at,
);

pub fn create(
    conn: &mut AnyConnection,
    id: Uuid,
    user_id: Uuid,
    client_addr: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(id.to_string()),
            sessions::user_id.eq(user_id.to_string()),
            sessions::created_at.eq(to_db(now)),
            sessions::client_addr.eq(client_addr),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Session>> {
    sessions::table
        .find(id.to_string())
        .select(SESSION_COLUMNS)
        .first::<SessionRow>(conn)
        .optional()?
        .map(session_from)
        .transpose()
}

pub fn insert_refresh(
    conn: &mut AnyConnection,
    token_hash: &str,
    session_id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::session_id.eq(session_id.to_string()),
            refresh_tokens::issued_at.eq(to_db(now)),
            refresh_tokens::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A presented refresh token, as stored.
#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub session: Session,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

pub fn find_refresh(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> StoreResult<Option<RefreshToken>> {
    let row: Option<(NaiveDateTime, Option<NaiveDateTime>, String)> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            refresh_tokens::session_id,
        ))
        .first(conn)
        .optional()?;
    let Some((expires_at, used_at, session_id)) = row else {
        return Ok(None);
    };
    let Some(session) = find(conn, parse_uuid(&session_id)?)? else {
        return Ok(None);
    };
    Ok(Some(RefreshToken {
        session,
        expires_at: from_db(expires_at),
        used_at: used_at.map(from_db),
    }))
}

/// Marks a refresh token used. False if it had already been used: a replay.
pub fn consume_refresh(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(token_hash))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(Some(to_db(now))))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes one session (and so its whole refresh-token family). False if already revoked.
pub fn revoke(
    conn: &mut AnyConnection,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        sessions::table
            .filter(sessions::id.eq(id.to_string()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(Some(to_db(now))),
        sessions::revoked_reason.eq(Some(reason)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes every open session of a user; returns how many.
pub fn revoke_all_of_user(
    conn: &mut AnyConnection,
    user_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id.to_string()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(Some(to_db(now))),
        sessions::revoked_reason.eq(Some(reason)),
    ))
    .execute(conn)?)
}
