//! Duty shifts (R-DUT-1..4). A shift is never rewritten: it is cancelled and another rostered.

use super::{from_db, parse_uuid, to_db};
use crate::schema::duty_shifts as t;
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::duty::DutyKind;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ShiftRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: DutyKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<Uuid>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = t)]
struct Row {
    id: String,
    user_id: String,
    kind: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    created_by: String,
    created_at: NaiveDateTime,
    cancelled_at: Option<NaiveDateTime>,
    cancelled_by: Option<String>,
}

impl TryFrom<Row> for ShiftRow {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(ShiftRow {
            id: parse_uuid(&r.id)?,
            user_id: parse_uuid(&r.user_id)?,
            kind: r.kind.parse().map_err(StoreError::Corrupt)?,
            starts_at: from_db(r.starts_at),
            ends_at: from_db(r.ends_at),
            created_by: parse_uuid(&r.created_by)?,
            created_at: from_db(r.created_at),
            cancelled_at: r.cancelled_at.map(from_db),
            cancelled_by: r.cancelled_by.as_deref().map(parse_uuid).transpose()?,
        })
    }
}

pub fn insert(conn: &mut AnyConnection, s: &ShiftRow) -> StoreResult<()> {
    diesel::insert_into(t::table)
        .values((
            t::id.eq(s.id.to_string()),
            t::user_id.eq(s.user_id.to_string()),
            t::kind.eq(s.kind.as_str()),
            t::starts_at.eq(to_db(s.starts_at)),
            t::ends_at.eq(to_db(s.ends_at)),
            t::created_by.eq(s.created_by.to_string()),
            t::created_at.eq(to_db(s.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<ShiftRow>> {
    t::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(ShiftRow::try_from)
        .transpose()
}

/// Cancels a live shift; false when it was already cancelled.
pub fn cancel(
    conn: &mut AnyConnection,
    id: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        t::table
            .filter(t::id.eq(id.to_string()))
            .filter(t::cancelled_at.is_null()),
    )
    .set((
        t::cancelled_at.eq(Some(to_db(now))),
        t::cancelled_by.eq(Some(by.to_string())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Live (not cancelled) shifts overlapping `[from, to)`, of one person or everyone, by start.
pub fn live_between(
    conn: &mut AnyConnection,
    user: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<ShiftRow>> {
    let mut q = t::table
        .filter(t::cancelled_at.is_null())
        .filter(t::starts_at.lt(to_db(to)))
        .filter(t::ends_at.gt(to_db(from)))
        .select(Row::as_select())
        .into_boxed();
    if let Some(user) = user {
        q = q.filter(t::user_id.eq(user.to_string()));
    }
    q.order((t::starts_at.asc(), t::id.asc()))
        .load(conn)?
        .into_iter()
        .map(ShiftRow::try_from)
        .collect()
}

/// The person on the last live weekend-service shift starting before `before` (where a new
/// rotation carries on from).
pub fn last_weekend_person(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> StoreResult<Option<Uuid>> {
    let id: Option<String> = t::table
        .filter(t::cancelled_at.is_null())
        .filter(t::kind.eq(DutyKind::WeekendService.as_str()))
        .filter(t::starts_at.lt(to_db(before)))
        .order(t::starts_at.desc())
        .select(t::user_id)
        .first(conn)
        .optional()?;
    id.as_deref().map(parse_uuid).transpose()
}
