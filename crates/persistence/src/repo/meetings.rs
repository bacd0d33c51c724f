//! Meeting minutes and their action items (R-REP-5).

use super::{from_db, parse_uuid, to_db};
use crate::schema::{action_items as ai, meetings as m};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// A meeting's minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: Uuid,
    pub held_on: NaiveDate,
    pub title: String,
    pub attendees: Vec<Uuid>,
    pub decisions: String,
    pub written_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// Something to do, decided in a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub owner_id: Uuid,
    pub text: String,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<Uuid>,
}

type MeetingRow = (
    String,
    NaiveDate,
    String,
    String,
    String,
    String,
    NaiveDateTime,
);

fn meeting(r: MeetingRow) -> StoreResult<Meeting> {
    let ids: Vec<String> = serde_json::from_str(&r.3)
        .map_err(|e| StoreError::Corrupt(format!("meeting attendees: {e}")))?;
    Ok(Meeting {
        id: parse_uuid(&r.0)?,
        held_on: r.1,
        title: r.2,
        attendees: ids
            .iter()
            .map(|s| parse_uuid(s))
            .collect::<StoreResult<_>>()?,
        decisions: r.4,
        written_by: parse_uuid(&r.5)?,
        created_at: from_db(r.6),
    })
}

type ItemRow = (
    String,
    String,
    String,
    String,
    NaiveDate,
    Option<NaiveDateTime>,
    Option<String>,
);

fn item(r: ItemRow) -> StoreResult<ActionItem> {
    Ok(ActionItem {
        id: parse_uuid(&r.0)?,
        meeting_id: parse_uuid(&r.1)?,
        owner_id: parse_uuid(&r.2)?,
        text: r.3,
        due_on: r.4,
        done_at: r.5.map(from_db),
        done_by: r.6.as_deref().map(parse_uuid).transpose()?,
    })
}

const MEETING: (
    m::id,
    m::held_on,
    m::title,
    m::attendees,
    m::decisions,
    m::written_by,
    m::created_at,
) = (
    m::id,
    m::held_on,
    m::title,
    m::attendees,
    m::decisions,
    m::written_by,
    m::created_at,
);

const ITEM: (
    ai::id,
    ai::meeting_id,
    ai::owner_id,
    ai::text,
    ai::due_on,
    ai::done_at,
    ai::done_by,
) = (
    ai::id,
    ai::meeting_id,
    ai::owner_id,
    ai::text,
    ai::due_on,
    ai::done_at,
    ai::done_by,
);

pub fn insert(conn: &mut AnyConnection, x: &Meeting, items: &[ActionItem]) -> StoreResult<()> {
    let attendees: Vec<String> = x.attendees.iter().map(Uuid::to_string).collect();
    diesel::insert_into(m::table)
        .values((
            m::id.eq(x.id.to_string()),
            m::held_on.eq(x.held_on),
            m::title.eq(&x.title),
            m::attendees.eq(serde_json::to_string(&attendees).unwrap_or_default()),
            m::decisions.eq(&x.decisions),
            m::written_by.eq(x.written_by.to_string()),
            m::created_at.eq(to_db(x.created_at)),
        ))
        .execute(conn)?;
    for i in items {
        diesel::insert_into(ai::table)
            .values((
                ai::id.eq(i.id.to_string()),
                ai::meeting_id.eq(i.meeting_id.to_string()),
                ai::owner_id.eq(i.owner_id.to_string()),
                ai::text.eq(&i.text),
                ai::due_on.eq(i.due_on),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Meeting>> {
    m::table
        .filter(m::id.eq(id.to_string()))
        .select(MEETING)
        .first::<MeetingRow>(conn)
        .optional()?
        .map(meeting)
        .transpose()
}

/// Meetings held in `[from, to]`, newest first.
pub fn between(
    conn: &mut AnyConnection,
    (from, to): (NaiveDate, NaiveDate),
) -> StoreResult<Vec<Meeting>> {
    m::table
        .filter(m::held_on.ge(from))
        .filter(m::held_on.le(to))
        .order((m::held_on.desc(), m::id.desc()))
        .select(MEETING)
        .load::<MeetingRow>(conn)?
        .into_iter()
        .map(meeting)
        .collect()
}

/// The action items of these meetings.
pub fn items_of(conn: &mut AnyConnection, meetings: &[Uuid]) -> StoreResult<Vec<ActionItem>> {
    let keys: Vec<String> = meetings.iter().map(Uuid::to_string).collect();
    ai::table
        .filter(ai::meeting_id.eq_any(keys))
        .order((ai::due_on.asc(), ai::id.asc()))
        .select(ITEM)
        .load::<ItemRow>(conn)?
        .into_iter()
        .map(item)
        .collect()
}

/// One person's action items still open, the earliest due first.
pub fn open_of(conn: &mut AnyConnection, owner: Uuid) -> StoreResult<Vec<ActionItem>> {
    ai::table
        .filter(ai::owner_id.eq(owner.to_string()))
        .filter(ai::done_at.is_null())
        .order((ai::due_on.asc(), ai::id.asc()))
        .select(ITEM)
        .load::<ItemRow>(conn)?
        .into_iter()
        .map(item)
        .collect()
}

pub fn find_item(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<ActionItem>> {
    ai::table
        .filter(ai::id.eq(id.to_string()))
        .select(ITEM)
        .first::<ItemRow>(conn)
        .optional()?
        .map(item)
        .transpose()
}

/// Marks an open item done; false when it was done already.
pub fn complete(
    conn: &mut AnyConnection,
    id: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        ai::table
            .filter(ai::id.eq(id.to_string()))
            .filter(ai::done_at.is_null()),
    )
    .set((
        ai::done_at.eq(Some(to_db(now))),
        ai::done_by.eq(Some(by.to_string())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
