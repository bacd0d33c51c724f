//! The transactional outbox: events appended inside the transaction of the change they report,
//! written at its end with the next number of the feed (`seq`, in commit order: the number is
//! taken under a lock held until the commit, so a reader that has seen `n` never later finds a
//! smaller number appear). Each event's resource is rendered then, under the same lock, so a later
//! number never carries an older state of the resource than an earlier one.

use super::{from_db, parse_uuid, to_db};
use crate::schema::outbox_events;
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::sync::OnceLock;
use uuid::Uuid;

/// Renders a resource as the API returns it: (connection, resource type, id, instant). The HTTP
/// layer, which owns the wire views, installs it at start-up ([`set_renderer`]).
pub type Renderer =
    fn(&mut AnyConnection, &str, &str, DateTime<Utc>) -> Result<serde_json::Value, String>;

static RENDERER: OnceLock<Renderer> = OnceLock::new();

/// Installs the renderer (once per process; later calls keep the first).
pub fn set_renderer(r: Renderer) {
    let _ = RENDERER.set(r);
}

/// An event to record; its resource is rendered when the event is written.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_type: String,
    pub resource_type: String,
    pub resource_id: String,
    pub context: serde_json::Value,
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
    now: DateTime<Utc>,
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
    let pending = Pending { id, now, event };
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
        let e = p.event;
        let data = match RENDERER.get() {
            Some(render) => render(conn, &e.resource_type, &e.resource_id, p.now).map_err(|m| {
                crate::StoreError::Corrupt(format!(
                    "rendering {} {} for its event: {m}",
                    e.resource_type, e.resource_id
                ))
            })?,
            // A process without the HTTP layer reports the reference only.
            None => serde_json::json!({ "id": e.resource_id }),
        };
        insert(conn, seq, p.id, e, data, p.now)?;
    }
    Ok(())
}

fn insert(
    conn: &mut AnyConnection,
    seq: i64,
    id: Uuid,
    e: NewEvent,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(outbox_events::table)
        .values(Row {
            seq,
            id: id.to_string(),
            event_type: e.event_type,
            resource_type: e.resource_type,
            resource_id: e.resource_id,
            context: e.context.to_string(),
            data: data.to_string(),
            occurred_at: to_db(now),
        })
        .execute(conn)?;
    Ok(())
}

/// After a restore: the feed goes on above `previous_head` (the number the replaced database had
/// reached), with one event saying so, so a reader's stored number never skips what comes next.
pub(crate) fn continue_after(
    conn: &mut AnyConnection,
    previous_head: i64,
    archive: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let head = head(conn)?.unwrap_or(0);
    if head >= previous_head {
        return Ok(());
    }
    insert(
        conn,
        previous_head + 1,
        Uuid::now_v7(),
        NewEvent {
            event_type: "backup.restored".to_owned(),
            resource_type: "backup".to_owned(),
            resource_id: archive.to_owned(),
            context: serde_json::json!({"previous_head": previous_head, "archive_head": head}),
        },
        serde_json::json!({"archive": archive}),
        now,
    )
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

/// One event by its id.
pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Event>> {
    outbox_events::table
        .filter(outbox_events::id.eq(id.to_string()))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(event)
        .transpose()
}

/// One event by its number.
pub fn at(conn: &mut AnyConnection, seq: i64) -> StoreResult<Option<Event>> {
    outbox_events::table
        .find(seq)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(event)
        .transpose()
}

/// The first and last numbers of the events that happened in `[from, to)`, if any.
pub fn span(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Option<(i64, i64)>> {
    let (lo, hi): (Option<i64>, Option<i64>) = outbox_events::table
        .filter(outbox_events::occurred_at.ge(to_db(from)))
        .filter(outbox_events::occurred_at.lt(to_db(to)))
        .select((
            diesel::dsl::min(outbox_events::seq),
            diesel::dsl::max(outbox_events::seq),
        ))
        .first(conn)?;
    Ok(lo.zip(hi))
}
