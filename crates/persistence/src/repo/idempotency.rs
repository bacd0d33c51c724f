//! Stored answers of retried requests (`Idempotency-Key`), scoped per caller and kept 24 hours.

use super::to_db;
use crate::schema::idempotency_keys;
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// What a caller's key tells us before the request runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First time: the caller now owns the key and must `complete` or `release` it.
    Acquired,
    /// Already answered: replay this.
    Done { status: u16, body: String },
    /// Another request with the same key is still running.
    InProgress,
    /// The key was used with a different request body.
    Mismatch,
}

/// Claims `key` for `scope`, or reports what it already holds. Entries older than `expired_before`
/// no longer count and are replaced.
pub fn claim(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
    expired_before: DateTime<Utc>,
) -> StoreResult<Claim> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::scope.eq(scope))
            .filter(idempotency_keys::idem_key.eq(key))
            .filter(idempotency_keys::created_at.lt(to_db(expired_before))),
    )
    .execute(conn)?;
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::scope.eq(scope),
            idempotency_keys::idem_key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::created_at.eq(to_db(now)),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => return Ok(Claim::Acquired),
        Err(e) => match StoreError::from(e) {
            StoreError::Unique(_) => {}
            other => return Err(other),
        },
    }
    peek(conn, scope, key, request_hash)
}

/// Reports what an existing key holds.
pub fn peek(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    request_hash: &str,
) -> StoreResult<Claim> {
    let row: Option<(String, Option<i32>, Option<String>)> = idempotency_keys::table
        .filter(idempotency_keys::scope.eq(scope))
        .filter(idempotency_keys::idem_key.eq(key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status_code,
            idempotency_keys::response_body,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        // Released between our insert and this read: let the caller try again.
        None => Claim::InProgress,
        Some((hash, _, _)) if hash != request_hash => Claim::Mismatch,
        Some((_, Some(status), Some(body))) => Claim::Done {
            status: u16::try_from(status).unwrap_or(500),
            body,
        },
        Some(_) => Claim::InProgress,
    })
}

/// Stores the answer for later retries.
pub fn complete(
    conn: &mut AnyConnection,
    scope: &str,
    key: &str,
    status: u16,
    body: &str,
) -> StoreResult<()> {
    diesel::update(
        idempotency_keys::table
            .filter(idempotency_keys::scope.eq(scope))
            .filter(idempotency_keys::idem_key.eq(key)),
    )
    .set((
        idempotency_keys::status_code.eq(Some(i32::from(status))),
        idempotency_keys::response_body.eq(Some(body)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Gives a key up (the request failed in a way worth retrying), so a retry runs afresh.
pub fn release(conn: &mut AnyConnection, scope: &str, key: &str) -> StoreResult<()> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::scope.eq(scope))
            .filter(idempotency_keys::idem_key.eq(key)),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes every key older than `before`; returns how many.
pub fn purge(conn: &mut AnyConnection, before: DateTime<Utc>) -> StoreResult<usize> {
    Ok(diesel::delete(
        idempotency_keys::table.filter(idempotency_keys::created_at.lt(to_db(before))),
    )
    .execute(conn)?)
}
