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
    /// Cancelled because this approved leave overlaps it (R-DUT-4): a clash to fill.
    pub released_for_leave: Option<Uuid>,
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
    released_for_leave: Option<String>,
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
            released_for_leave: r
                .released_for_leave
                .as_deref()
                .map(parse_uuid)
                .transpose()?,
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

/// Releases a live shift for an approved leave that overlaps it: cancelled, naming the leave;
/// false when it was already cancelled.
pub fn release_for_leave(
    conn: &mut AnyConnection,
    id: Uuid,
    leave: Uuid,
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
        t::released_for_leave.eq(Some(leave.to_string())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Shifts released for leave (R-DUT-4 clashes) overlapping `[from, to)`, by start.
pub fn released_between(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<ShiftRow>> {
    t::table
        .filter(t::released_for_leave.is_not_null())
        .filter(t::starts_at.lt(to_db(to)))
        .filter(t::ends_at.gt(to_db(from)))
        .select(Row::as_select())
        .order((t::starts_at.asc(), t::id.asc()))
        .load(conn)?
        .into_iter()
        .map(ShiftRow::try_from)
        .collect()
}

/// The people of the live shifts of `kind` starting in `[from, to)`, in order of their first
/// shift there: the order a rotation went round in.
pub fn rotation_order(
    conn: &mut AnyConnection,
    kind: DutyKind,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Uuid>> {
    let ids: Vec<String> = t::table
        .filter(t::kind.eq(kind.as_str()))
        .filter(t::starts_at.ge(to_db(from)))
        .filter(t::starts_at.lt(to_db(to)))
        .filter(
            t::cancelled_at
                .is_null()
                .or(t::released_for_leave.is_not_null()),
        )
        .order((t::starts_at.asc(), t::id.asc()))
        .select(t::user_id)
        .load(conn)?;
    let mut out: Vec<Uuid> = Vec::new();
    for id in ids {
        let id = parse_uuid(&id)?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
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

/// The person on the last live shift of `kind` starting before `before` (where a new rotation
/// carries on from).
pub fn last_person_of(
    conn: &mut AnyConnection,
    kind: DutyKind,
    before: DateTime<Utc>,
) -> StoreResult<Option<Uuid>> {
    let id: Option<String> = t::table
        .filter(t::cancelled_at.is_null())
        .filter(t::kind.eq(kind.as_str()))
        .filter(t::starts_at.lt(to_db(before)))
        .order(t::starts_at.desc())
        .select(t::user_id)
        .first(conn)
        .optional()?;
    id.as_deref().map(parse_uuid).transpose()
}

/// Where a shift swap stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapState {
    /// Asked; the colleague has not answered.
    Requested,
    /// The colleague agreed; the department manager decides (an approval request).
    Accepted,
    Declined,
    Approved,
    Rejected,
    Withdrawn,
    /// Another swap of the same shift was approved first.
    Superseded,
}

impl SwapState {
    pub const ALL: [SwapState; 7] = [
        SwapState::Requested,
        SwapState::Accepted,
        SwapState::Declined,
        SwapState::Approved,
        SwapState::Rejected,
        SwapState::Withdrawn,
        SwapState::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SwapState::Requested => "requested",
            SwapState::Accepted => "accepted",
            SwapState::Declined => "declined",
            SwapState::Approved => "approved",
            SwapState::Rejected => "rejected",
            SwapState::Withdrawn => "withdrawn",
            SwapState::Superseded => "superseded",
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, SwapState::Requested | SwapState::Accepted)
    }
}

impl std::str::FromStr for SwapState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        SwapState::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown swap state {s}"))
    }
}

/// A shift swap.
#[derive(Debug, Clone)]
pub struct Swap {
    pub id: Uuid,
    pub shift_id: Uuid,
    pub exchange_shift_id: Option<Uuid>,
    pub requested_by: Uuid,
    pub colleague_id: Uuid,
    pub reason: String,
    pub state: SwapState,
    pub approval_request_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = crate::schema::shift_swaps)]
struct SwapRow {
    id: String,
    shift_id: String,
    exchange_shift_id: Option<String>,
    requested_by: String,
    colleague_id: String,
    reason: String,
    state: String,
    approval_request_id: Option<String>,
    created_at: NaiveDateTime,
    answered_at: Option<NaiveDateTime>,
    decided_at: Option<NaiveDateTime>,
}

impl TryFrom<SwapRow> for Swap {
    type Error = StoreError;
    fn try_from(r: SwapRow) -> StoreResult<Self> {
        Ok(Swap {
            id: parse_uuid(&r.id)?,
            shift_id: parse_uuid(&r.shift_id)?,
            exchange_shift_id: r.exchange_shift_id.as_deref().map(parse_uuid).transpose()?,
            requested_by: parse_uuid(&r.requested_by)?,
            colleague_id: parse_uuid(&r.colleague_id)?,
            reason: r.reason,
            state: r.state.parse().map_err(StoreError::Corrupt)?,
            approval_request_id: r
                .approval_request_id
                .as_deref()
                .map(parse_uuid)
                .transpose()?,
            created_at: from_db(r.created_at),
            answered_at: r.answered_at.map(from_db),
            decided_at: r.decided_at.map(from_db),
        })
    }
}

pub fn insert_swap(conn: &mut AnyConnection, s: &Swap) -> StoreResult<()> {
    use crate::schema::shift_swaps as w;
    diesel::insert_into(w::table)
        .values((
            w::id.eq(s.id.to_string()),
            w::shift_id.eq(s.shift_id.to_string()),
            w::exchange_shift_id.eq(s.exchange_shift_id.map(|u| u.to_string())),
            w::requested_by.eq(s.requested_by.to_string()),
            w::colleague_id.eq(s.colleague_id.to_string()),
            w::reason.eq(&s.reason),
            w::state.eq(s.state.as_str()),
            w::created_at.eq(to_db(s.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_swap(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Swap>> {
    use crate::schema::shift_swaps as w;
    w::table
        .find(id.to_string())
        .select(SwapRow::as_select())
        .first(conn)
        .optional()?
        .map(Swap::try_from)
        .transpose()
}

/// Moves a swap from `from` to `to` (false when it is no longer in `from`), with the approval
/// request it waits on when accepted, and the instant of the answer or decision.
pub fn set_swap_state(
    conn: &mut AnyConnection,
    id: Uuid,
    from: SwapState,
    to: SwapState,
    approval: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    use crate::schema::shift_swaps as w;
    let target = w::table
        .filter(w::id.eq(id.to_string()))
        .filter(w::state.eq(from.as_str()));
    let answered = matches!(
        to,
        SwapState::Accepted | SwapState::Declined | SwapState::Withdrawn
    ) && from == SwapState::Requested;
    let n = if answered {
        diesel::update(target)
            .set((
                w::state.eq(to.as_str()),
                w::answered_at.eq(Some(to_db(now))),
                w::approval_request_id.eq(approval.map(|u| u.to_string())),
            ))
            .execute(conn)?
    } else {
        diesel::update(target)
            .set((w::state.eq(to.as_str()), w::decided_at.eq(Some(to_db(now)))))
            .execute(conn)?
    };
    Ok(n == 1)
}

/// The open swaps (requested or accepted) of a shift.
pub fn open_swaps_of_shift(conn: &mut AnyConnection, shift: Uuid) -> StoreResult<Vec<Swap>> {
    use crate::schema::shift_swaps as w;
    w::table
        .filter(w::shift_id.eq(shift.to_string()))
        .filter(w::state.eq_any([SwapState::Requested.as_str(), SwapState::Accepted.as_str()]))
        .order(w::created_at.asc())
        .select(SwapRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Swap::try_from)
        .collect()
}

/// Swaps one person asked for or was asked to take (everyone's when `None`), newest first.
pub fn swaps(conn: &mut AnyConnection, person: Option<Uuid>, limit: i64) -> StoreResult<Vec<Swap>> {
    use crate::schema::shift_swaps as w;
    let mut q = w::table.select(SwapRow::as_select()).into_boxed();
    if let Some(p) = person {
        let p = p.to_string();
        q = q.filter(w::requested_by.eq(p.clone()).or(w::colleague_id.eq(p)));
    }
    q.order((w::created_at.desc(), w::id.desc()))
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(Swap::try_from)
        .collect()
}
