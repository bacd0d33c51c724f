//! Resignations and transfers (R-ATT-10) with their handover checklists.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{departures as d, handover_items as h};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::JobRole;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepartureKind {
    Resignation,
    Transfer,
}

impl DepartureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DepartureKind::Resignation => "resignation",
            DepartureKind::Transfer => "transfer",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepartureState {
    /// The handover is being confirmed.
    Requested,
    /// Every item confirmed by the witness; waiting for the effective date.
    HandedOver,
    Completed,
    Withdrawn,
}

impl DepartureState {
    pub fn as_str(self) -> &'static str {
        match self {
            DepartureState::Requested => "requested",
            DepartureState::HandedOver => "handed_over",
            DepartureState::Completed => "completed",
            DepartureState::Withdrawn => "withdrawn",
        }
    }
}

fn parse_state(s: &str) -> StoreResult<DepartureState> {
    Ok(match s {
        "requested" => DepartureState::Requested,
        "handed_over" => DepartureState::HandedOver,
        "completed" => DepartureState::Completed,
        "withdrawn" => DepartureState::Withdrawn,
        other => return Err(StoreError::Corrupt(format!("departure state {other}"))),
    })
}

/// One item of a handover checklist.
#[derive(Debug, Clone)]
pub struct HandoverItem {
    pub seq: i32,
    pub item: String,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub confirmed_by: Option<Uuid>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Departure {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: DepartureKind,
    pub effective_on: NaiveDate,
    pub reason: String,
    pub successor_id: Uuid,
    /// The roles after a transfer (empty for a resignation).
    pub new_roles: Vec<JobRole>,
    pub state: DepartureState,
    pub created_at: DateTime<Utc>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<Uuid>,
    pub items: Vec<HandoverItem>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = d)]
struct Row {
    id: String,
    user_id: String,
    kind: String,
    effective_on: NaiveDate,
    reason: String,
    successor_id: String,
    new_roles: String,
    state: String,
    created_at: NaiveDateTime,
    handed_over_at: Option<NaiveDateTime>,
    completed_at: Option<NaiveDateTime>,
    completed_by: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = h)]
struct ItemRow {
    departure_id: String,
    seq: i32,
    item: String,
    confirmed_at: Option<NaiveDateTime>,
    confirmed_by: Option<String>,
    note: Option<String>,
}

fn departure(r: Row, items: Vec<HandoverItem>) -> StoreResult<Departure> {
    let roles: Vec<String> = serde_json::from_str(&r.new_roles)
        .map_err(|e| StoreError::Corrupt(format!("departure roles: {e}")))?;
    Ok(Departure {
        id: parse_uuid(&r.id)?,
        user_id: parse_uuid(&r.user_id)?,
        kind: match r.kind.as_str() {
            "resignation" => DepartureKind::Resignation,
            "transfer" => DepartureKind::Transfer,
            other => return Err(StoreError::Corrupt(format!("departure kind {other}"))),
        },
        effective_on: r.effective_on,
        reason: r.reason,
        successor_id: parse_uuid(&r.successor_id)?,
        new_roles: roles
            .iter()
            .map(|s| s.parse().map_err(|e| StoreError::Corrupt(format!("{e}"))))
            .collect::<StoreResult<_>>()?,
        state: parse_state(&r.state)?,
        created_at: from_db(r.created_at),
        handed_over_at: r.handed_over_at.map(from_db),
        completed_at: r.completed_at.map(from_db),
        completed_by: r.completed_by.as_deref().map(parse_uuid).transpose()?,
        items,
    })
}

fn item(r: ItemRow) -> StoreResult<HandoverItem> {
    Ok(HandoverItem {
        seq: r.seq,
        item: r.item,
        confirmed_at: r.confirmed_at.map(from_db),
        confirmed_by: r.confirmed_by.as_deref().map(parse_uuid).transpose()?,
        note: r.note,
    })
}

/// Inserts a departure and its checklist; a second open departure of the person is refused by
/// the unique index (`StoreError::Unique`).
pub fn insert(conn: &mut AnyConnection, x: &Departure) -> StoreResult<()> {
    let roles: Vec<&str> = x.new_roles.iter().map(|r| r.as_str()).collect();
    let roles = serde_json::to_string(&roles).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    diesel::insert_into(d::table)
        .values((
            d::id.eq(x.id.to_string()),
            d::user_id.eq(x.user_id.to_string()),
            d::kind.eq(x.kind.as_str()),
            d::effective_on.eq(x.effective_on),
            d::reason.eq(&x.reason),
            d::successor_id.eq(x.successor_id.to_string()),
            d::new_roles.eq(roles),
            d::state.eq(x.state.as_str()),
            d::created_at.eq(to_db(x.created_at)),
        ))
        .execute(conn)?;
    for i in &x.items {
        diesel::insert_into(h::table)
            .values((
                h::departure_id.eq(x.id.to_string()),
                h::seq.eq(i.seq),
                h::item.eq(&i.item),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Departure>> {
    let Some(row) = d::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let items = h::table
        .filter(h::departure_id.eq(id.to_string()))
        .order(h::seq.asc())
        .select(ItemRow::as_select())
        .load(conn)?
        .into_iter()
        .map(item)
        .collect::<StoreResult<_>>()?;
    departure(row, items).map(Some)
}

/// Departures of one person, or everyone's, newest first, with their checklists.
pub fn list(conn: &mut AnyConnection, user: Option<Uuid>) -> StoreResult<Vec<Departure>> {
    let mut q = d::table.select(Row::as_select()).into_boxed();
    if let Some(u) = user {
        q = q.filter(d::user_id.eq(u.to_string()));
    }
    let rows = q.order((d::created_at.desc(), d::id.desc())).load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut items: std::collections::HashMap<String, Vec<HandoverItem>> = Default::default();
    for r in h::table
        .filter(h::departure_id.eq_any(&ids))
        .order((h::departure_id, h::seq))
        .select(ItemRow::as_select())
        .load(conn)?
    {
        let key = r.departure_id.clone();
        items.entry(key).or_default().push(item(r)?);
    }
    rows.into_iter()
        .map(|r| {
            let its = items.remove(&r.id).unwrap_or_default();
            departure(r, its)
        })
        .collect()
}

/// Confirms one unconfirmed item; false if it was confirmed already or does not exist.
pub fn confirm_item(
    conn: &mut AnyConnection,
    id: Uuid,
    seq: i32,
    by: Uuid,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        h::table
            .filter(h::departure_id.eq(id.to_string()))
            .filter(h::seq.eq(seq))
            .filter(h::confirmed_at.is_null()),
    )
    .set((
        h::confirmed_at.eq(Some(to_db(now))),
        h::confirmed_by.eq(Some(by.to_string())),
        h::note.eq(note),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Moves a departure from `from` to `to`; false if it is no longer in `from`.
pub fn set_state(
    conn: &mut AnyConnection,
    id: Uuid,
    from: DepartureState,
    to: DepartureState,
    by: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let target = d::table
        .filter(d::id.eq(id.to_string()))
        .filter(d::state.eq(from.as_str()));
    let n = match to {
        DepartureState::HandedOver => diesel::update(target)
            .set((
                d::state.eq(to.as_str()),
                d::handed_over_at.eq(Some(to_db(now))),
            ))
            .execute(conn)?,
        DepartureState::Completed => diesel::update(target)
            .set((
                d::state.eq(to.as_str()),
                d::completed_at.eq(Some(to_db(now))),
                d::completed_by.eq(Some(by.to_string())),
            ))
            .execute(conn)?,
        _ => diesel::update(target)
            .set(d::state.eq(to.as_str()))
            .execute(conn)?,
    };
    Ok(n == 1)
}
