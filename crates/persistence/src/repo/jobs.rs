//! Leases for scheduled jobs: with several server nodes on one database, one node runs a job.

use super::to_db;
use crate::schema::job_leases;
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// Takes or renews the lease `name` for `holder` until `until`. True when `holder` holds it:
/// either it was free, expired, or already theirs. One conditional statement, so two nodes
/// cannot both win.
pub fn acquire(
    conn: &mut AnyConnection,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> StoreResult<bool> {
    let taken = diesel::update(
        job_leases::table.filter(job_leases::name.eq(name)).filter(
            job_leases::holder
                .eq(holder)
                .or(job_leases::expires_at.lt(to_db(now))),
        ),
    )
    .set((
        job_leases::holder.eq(holder),
        job_leases::expires_at.eq(to_db(until)),
    ))
    .execute(conn)?;
    if taken == 1 {
        return Ok(true);
    }
    let inserted = diesel::insert_into(job_leases::table)
        .values((
            job_leases::name.eq(name),
            job_leases::holder.eq(holder),
            job_leases::expires_at.eq(to_db(until)),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(e) => match StoreError::from(e) {
            StoreError::Unique(_) => Ok(false),
            other => Err(other),
        },
    }
}

/// Gives the lease up.
pub fn release(conn: &mut AnyConnection, name: &str, holder: &str) -> StoreResult<()> {
    diesel::delete(
        job_leases::table
            .filter(job_leases::name.eq(name))
            .filter(job_leases::holder.eq(holder)),
    )
    .execute(conn)?;
    Ok(())
}
