//! Leave requests (R-ATT-8).

use super::{from_db, parse_uuid, to_db};
use crate::schema::leave_requests as t;
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::approval::ApprovalState;
use uuid::Uuid;

/// The kinds of leave the department records.
pub const KINDS: [&str; 4] = ["personal", "sick", "annual", "other"];

#[derive(Debug, Clone)]
pub struct Leave {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: String,
    pub handover_to: Uuid,
    pub handover_note: String,
    /// Mirrors its approval request: pending, approved, rejected or withdrawn.
    pub status: ApprovalState,
    pub approval_request_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = t)]
struct Row {
    id: String,
    user_id: String,
    kind: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    reason: String,
    handover_to: String,
    handover_note: String,
    status: String,
    approval_request_id: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<Row> for Leave {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Leave {
            id: parse_uuid(&r.id)?,
            user_id: parse_uuid(&r.user_id)?,
            kind: r.kind,
            starts_at: from_db(r.starts_at),
            ends_at: from_db(r.ends_at),
            reason: r.reason,
            handover_to: parse_uuid(&r.handover_to)?,
            handover_note: r.handover_note,
            status: r.status.parse()?,
            approval_request_id: parse_uuid(&r.approval_request_id)?,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
        })
    }
}

pub fn insert(conn: &mut AnyConnection, l: &Leave) -> StoreResult<()> {
    diesel::insert_into(t::table)
        .values((
            t::id.eq(l.id.to_string()),
            t::user_id.eq(l.user_id.to_string()),
            t::kind.eq(&l.kind),
            t::starts_at.eq(to_db(l.starts_at)),
            t::ends_at.eq(to_db(l.ends_at)),
            t::reason.eq(&l.reason),
            t::handover_to.eq(l.handover_to.to_string()),
            t::handover_note.eq(&l.handover_note),
            t::status.eq(l.status.as_str()),
            t::approval_request_id.eq(l.approval_request_id.to_string()),
            t::created_at.eq(to_db(l.created_at)),
            t::updated_at.eq(to_db(l.updated_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Leave>> {
    t::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Leave::try_from)
        .transpose()
}

/// Moves a pending request to `to`; false when it was no longer pending.
pub fn close(
    conn: &mut AnyConnection,
    id: Uuid,
    to: ApprovalState,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        t::table
            .filter(t::id.eq(id.to_string()))
            .filter(t::status.eq(ApprovalState::Pending.as_str())),
    )
    .set((t::status.eq(to.as_str()), t::updated_at.eq(to_db(now))))
    .execute(conn)?;
    Ok(n == 1)
}

/// Leave of one person (or everyone) in the given states overlapping `[from, to)`.
pub fn overlapping(
    conn: &mut AnyConnection,
    user: Option<Uuid>,
    states: &[ApprovalState],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Leave>> {
    let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    let mut q = t::table
        .filter(t::status.eq_any(states))
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
        .map(Leave::try_from)
        .collect()
}

/// Requests newest first (ids are time-ordered), of one person or everyone, after `before`.
pub fn list(
    conn: &mut AnyConnection,
    user: Option<Uuid>,
    status: Option<ApprovalState>,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Leave>> {
    let mut q = t::table.select(Row::as_select()).into_boxed();
    if let Some(user) = user {
        q = q.filter(t::user_id.eq(user.to_string()));
    }
    if let Some(s) = status {
        q = q.filter(t::status.eq(s.as_str()));
    }
    if let Some(b) = before {
        q = q.filter(t::id.lt(b.to_owned()));
    }
    q.order(t::id.desc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(Leave::try_from)
        .collect()
}
