//! The installation record: when this database began, the account created at first start, and
//! whether the first-run window for permission levels has closed.

use super::{from_db, parse_uuid, to_db};
use crate::schema::installation;
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// The single installation row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    pub created_at: DateTime<Utc>,
    pub bootstrap_admin_id: Option<Uuid>,
    pub bootstrap_closed_at: Option<DateTime<Utc>>,
}

type Row = (NaiveDateTime, Option<String>, Option<NaiveDateTime>);

/// Records the installation at first start (no-op when it is already recorded).
pub fn record(conn: &mut AnyConnection, admin: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    if get(conn)?.is_none() {
        diesel::insert_into(installation::table)
            .values((
                installation::id.eq(1),
                installation::created_at.eq(to_db(now)),
                installation::bootstrap_admin_id.eq(Some(admin.to_string())),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The installation record, if this database has one (every database started by this version).
pub fn get(conn: &mut AnyConnection) -> StoreResult<Option<Installation>> {
    let row: Option<Row> = installation::table
        .find(1)
        .select((
            installation::created_at,
            installation::bootstrap_admin_id,
            installation::bootstrap_closed_at,
        ))
        .first(conn)
        .optional()?;
    row.map(|(created, admin, closed)| {
        Ok(Installation {
            created_at: from_db(created),
            bootstrap_admin_id: admin.as_deref().map(parse_uuid).transpose()?,
            bootstrap_closed_at: closed.map(from_db),
        })
    })
    .transpose()
}

/// Locks the record for the rest of the transaction (a row lock on PostgreSQL; SQLite's write
/// transaction already excludes other writers). False when there is no record.
pub fn lock(conn: &mut AnyConnection) -> StoreResult<bool> {
    let n = diesel::update(installation::table.find(1))
        .set(installation::id.eq(installation::id))
        .execute(conn)?;
    Ok(n == 1)
}

/// Closes the first-run window for good.
pub fn close_bootstrap(conn: &mut AnyConnection, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(
        installation::table
            .find(1)
            .filter(installation::bootstrap_closed_at.is_null()),
    )
    .set(installation::bootstrap_closed_at.eq(Some(to_db(now))))
    .execute(conn)?;
    Ok(())
}
