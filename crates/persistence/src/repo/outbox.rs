//! The transactional outbox: events appended inside the transaction of the change they report,
//! written at its end with the next number of the feed (`seq`, in commit order: the number is
//! taken under a lock held until the commit, so a reader that has seen `n` never later finds a
//! smaller number appear).

use super::{from_db, parse_uuid, to_db};
use crate::schema::outbox_events;
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_type: String,
    pub resource_type: String,
    pub resource_id: String,
    pub context: serde_json::Value,
    pub data: serde_json::Value,
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub seq: i64,
    pub id: Uuid,
    pub event_type: String,
    pub resource_type: String,
    pub resource_id: String,
    pub context: serde_json::Value,
    pub data: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
}

/// An event waiting for its transaction's end.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    id: Uuid,
    at: NaiveDateTime,
    event: NewEvent,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox_events)]
struct Row {
    seq: i64,
    id: String,
    event_type: String,
    resource_type: String,
    resource_id: String,
    context: String,
    data: String,
    occurred_at: NaiveDateTime,
}

/// Appends an event; call it inside the transaction of the change it reports. Inside
/// [`crate::db::write_tx`] it is written just before the commit; outside one, in a transaction of
/// its own.
pub fn append(conn: &mut AnyConnection, event: NewEvent, now: DateTime<Utc>) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    let pending = Pending {
        id,
        at: to_db(now),
        event,
    };
    if let Some(crate::deferred::Item::Outbox(pending)) =
        crate::deferred::hold(conn, crate::deferred::Item::Outbox(pending))
    {
        crate::db::write_tx(conn, |conn| write_sequenced(conn, vec![pending]))?;
    }
    Ok(id)
}

/// Writes `events` with the next numbers of the feed. Called by `write_tx` as its last step: the
/// lock (PostgreSQL; SQLite's write transaction excludes other writers already) is held until the
/// commit, so numbers appear in commit order.
pub(crate) fn write_sequenced(conn: &mut AnyConnection, events: Vec<Pending>) -> StoreResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    crate::db::lock_subject(conn, "outbox", "seq")?;
    let last: i64 = outbox_events::table
        .select(diesel::dsl::max(outbox_events::seq))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0);
    for (seq, p) in (last + 1..).zip(events) {
        diesel::insert_into(outbox_events::table)
            .values(Row {
                seq,
                id: p.id.to_string(),
                event_type: p.event.event_type,
                resource_type: p.event.resource_type,
                resource_id: p.event.resource_id,
                context: p.event.context.to_string(),
                data: p.event.data.to_string(),
                occurred_at: p.at,
            })
            .execute(conn)?;
    }
    Ok(())
}

fn event(r: Row) -> StoreResult<Event> {
    Ok(Event {
        seq: r.seq,
        id: parse_uuid(&r.id)?,
        event_type: r.event_type,
        resource_type: r.resource_type,
        resource_id: r.resource_id,
        context: serde_json::from_str(&r.context)?,
        data: serde_json::from_str(&r.data)?,
        occurred_at: from_db(r.occurred_at),
    })
}

/// The events after `after` (a `seq`), oldest first, of the given types (all when empty).
pub fn after(
    conn: &mut AnyConnection,
    after: i64,
    types: &[String],
    limit: i64,
) -> StoreResult<Vec<Event>> {
    let mut q = outbox_events::table
        .filter(outbox_events::seq.gt(after))
        .select(Row::as_select())
        .into_boxed();
    if !types.is_empty() {
        q = q.filter(outbox_events::event_type.eq_any(types.to_vec()));
    }
    q.order(outbox_events::seq.asc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(event)
        .collect()
}

/// The events of one resource, oldest first.
pub fn of_resource(
    conn: &mut AnyConnection,
    resource_type: &str,
    resource_id: &str,
) -> StoreResult<Vec<Event>> {
    outbox_events::table
        .filter(outbox_events::resource_type.eq(resource_type))
        .filter(outbox_events::resource_id.eq(resource_id))
        .select(Row::as_select())
        .order(outbox_events::seq.asc())
        .load(conn)?
        .into_iter()
        .map(event)
        .collect()
}

/// The number of the newest event, if any.
pub fn head(conn: &mut AnyConnection) -> StoreResult<Option<i64>> {
    Ok(outbox_events::table
        .select(diesel::dsl::max(outbox_events::seq))
        .first::<Option<i64>>(conn)?)
}
