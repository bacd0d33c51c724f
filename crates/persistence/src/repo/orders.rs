//! Orders: the immutable core and lines, the append-only events, and the status projection.
//! There is no function here that updates or deletes an order, a line or an event.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{order_events, order_lines, order_status, orders};
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::order::{EventKind, OrderStatus};
use std::collections::HashMap;
use uuid::Uuid;

/// The immutable core of an order.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    pub id: String,
    pub channel: String,
    pub channel_order_no: String,
    pub customer_id: String,
    pub customer_name: String,
    pub customer_phone: String,
    pub shipping_address: String,
    pub total_fen: i64,
    pub payment_method: String,
    pub payment_status: String,
    pub paid_fen: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub core_hash: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = order_lines)]
pub struct LineRow {
    pub order_id: String,
    pub line_no: i32,
    pub product_id: String,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub line_total_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = order_events)]
pub struct EventRow {
    pub id: String,
    pub order_id: String,
    pub seq: i32,
    pub kind: String,
    pub actor_id: Option<String>,
    pub at: NaiveDateTime,
    pub data: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = order_status)]
pub struct StatusRow {
    pub order_id: String,
    pub status: String,
    pub contact_due_at: NaiveDateTime,
    pub contacted_at: Option<NaiveDateTime>,
    pub last_seq: i32,
    pub updated_at: NaiveDateTime,
}

impl StatusRow {
    pub fn status(&self) -> StoreResult<OrderStatus> {
        Ok(self.status.parse()?)
    }
}

impl EventRow {
    pub fn kind(&self) -> StoreResult<EventKind> {
        Ok(self.kind.parse()?)
    }
}

/// The core as the hash covers it: every field a customer or a court would care about.
pub fn core_json(o: &OrderRow, lines: &[LineRow]) -> serde_json::Value {
    serde_json::json!({
        "id": o.id,
        "channel": o.channel,
        "channel_order_no": o.channel_order_no,
        "customer_id": o.customer_id,
        "customer_name": o.customer_name,
        "customer_phone": o.customer_phone,
        "shipping_address": o.shipping_address,
        "total_fen": o.total_fen,
        "payment_method": o.payment_method,
        "payment_status": o.payment_status,
        "paid_fen": o.paid_fen,
        "created_by": o.created_by,
        "created_at": from_db(o.created_at),
        "lines": lines.iter().map(|l| serde_json::json!({
            "line_no": l.line_no, "product_id": l.product_id, "sku": l.sku, "title": l.title,
            "quantity": l.quantity, "unit_price_fen": l.unit_price_fen, "line_total_fen": l.line_total_fen,
        })).collect::<Vec<_>>(),
    })
}

/// An event as its hash covers it.
pub fn event_json(e: &EventRow) -> serde_json::Value {
    serde_json::json!({
        "id": e.id, "order_id": e.order_id, "seq": e.seq, "kind": e.kind,
        "actor_id": e.actor_id, "at": from_db(e.at), "data": e.data,
    })
}

pub fn insert_order(conn: &mut AnyConnection, o: &OrderRow, lines: &[LineRow]) -> StoreResult<()> {
    diesel::insert_into(orders::table)
        .values((
            orders::id.eq(&o.id),
            orders::channel.eq(&o.channel),
            orders::channel_order_no.eq(&o.channel_order_no),
            orders::customer_id.eq(&o.customer_id),
            orders::customer_name.eq(&o.customer_name),
            orders::customer_phone.eq(&o.customer_phone),
            orders::shipping_address.eq(&o.shipping_address),
            orders::total_fen.eq(o.total_fen),
            orders::payment_method.eq(&o.payment_method),
            orders::payment_status.eq(&o.payment_status),
            orders::paid_fen.eq(o.paid_fen),
            orders::created_by.eq(&o.created_by),
            orders::created_at.eq(o.created_at),
            orders::core_hash.eq(&o.core_hash),
        ))
        .execute(conn)?;
    for l in lines {
        diesel::insert_into(order_lines::table)
            .values(l.clone())
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert_event(conn: &mut AnyConnection, e: &EventRow) -> StoreResult<()> {
    diesel::insert_into(order_events::table)
        .values((
            order_events::id.eq(&e.id),
            order_events::order_id.eq(&e.order_id),
            order_events::seq.eq(e.seq),
            order_events::kind.eq(&e.kind),
            order_events::actor_id.eq(&e.actor_id),
            order_events::at.eq(e.at),
            order_events::data.eq(&e.data),
            order_events::prev_hash.eq(&e.prev_hash),
            order_events::hash.eq(&e.hash),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn insert_status(conn: &mut AnyConnection, s: &StatusRow) -> StoreResult<()> {
    diesel::insert_into(order_status::table)
        .values((
            order_status::order_id.eq(&s.order_id),
            order_status::status.eq(&s.status),
            order_status::contact_due_at.eq(s.contact_due_at),
            order_status::contacted_at.eq(s.contacted_at),
            order_status::last_seq.eq(s.last_seq),
            order_status::updated_at.eq(s.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves the projection on from `expected_seq`; false if another event got there first.
pub fn advance_status(
    conn: &mut AnyConnection,
    order_id: &str,
    expected_seq: i32,
    status: OrderStatus,
    contacted_at: Option<NaiveDateTime>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        order_status::table
            .filter(order_status::order_id.eq(order_id))
            .filter(order_status::last_seq.eq(expected_seq)),
    )
    .set((
        order_status::status.eq(status.as_str()),
        order_status::contacted_at.eq(contacted_at),
        order_status::last_seq.eq(expected_seq + 1),
        order_status::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// An order with everything about it.
#[derive(Debug, Clone)]
pub struct OrderRecord {
    pub order: OrderRow,
    pub lines: Vec<LineRow>,
    pub events: Vec<EventRow>,
    pub status: StatusRow,
}

pub fn find_row(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<OrderRow>> {
    Ok(orders::table
        .find(id.to_string())
        .select(OrderRow::as_select())
        .first(conn)
        .optional()?)
}

/// One order with its lines, events and status (four queries).
pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<OrderRecord>> {
    let Some(order) = find_row(conn, id)? else {
        return Ok(None);
    };
    let key = id.to_string();
    let lines = order_lines::table
        .filter(order_lines::order_id.eq(&key))
        .order(order_lines::line_no.asc())
        .select(LineRow::as_select())
        .load(conn)?;
    let events = order_events::table
        .filter(order_events::order_id.eq(&key))
        .order(order_events::seq.asc())
        .select(EventRow::as_select())
        .load(conn)?;
    let status = order_status::table
        .find(&key)
        .select(StatusRow::as_select())
        .first(conn)?;
    Ok(Some(OrderRecord {
        order,
        lines,
        events,
        status,
    }))
}

/// The last event of an order (for chaining the next one).
pub fn last_event(conn: &mut AnyConnection, order_id: &str) -> StoreResult<Option<EventRow>> {
    Ok(order_events::table
        .filter(order_events::order_id.eq(order_id))
        .order(order_events::seq.desc())
        .select(EventRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn lines_of(
    conn: &mut AnyConnection,
    ids: &[String],
) -> StoreResult<HashMap<String, Vec<LineRow>>> {
    let rows: Vec<LineRow> = order_lines::table
        .filter(order_lines::order_id.eq_any(ids))
        .order((order_lines::order_id.asc(), order_lines::line_no.asc()))
        .select(LineRow::as_select())
        .load(conn)?;
    let mut map: HashMap<String, Vec<LineRow>> = HashMap::new();
    for r in rows {
        map.entry(r.order_id.clone()).or_default().push(r);
    }
    Ok(map)
}

pub fn events_of(
    conn: &mut AnyConnection,
    ids: &[String],
) -> StoreResult<HashMap<String, Vec<EventRow>>> {
    let rows: Vec<EventRow> = order_events::table
        .filter(order_events::order_id.eq_any(ids))
        .order((order_events::order_id.asc(), order_events::seq.asc()))
        .select(EventRow::as_select())
        .load(conn)?;
    let mut map: HashMap<String, Vec<EventRow>> = HashMap::new();
    for r in rows {
        map.entry(r.order_id.clone()).or_default().push(r);
    }
    Ok(map)
}

/// Filters of the order queue and search.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub channel: Option<String>,
    pub status: Option<OrderStatus>,
    pub customer_id: Option<Uuid>,
    pub sku: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Not contacted and past the contact deadline at this instant (R-ORD-3).
    pub overdue_at: Option<DateTime<Utc>>,
}

/// Sort order of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderSort {
    /// Newest first (by id, time-ordered).
    Newest,
    /// Most urgent contact deadline first.
    ContactDue,
}

/// One page of orders with their status; the cursor is the sort key of the last row.
pub fn search(
    conn: &mut AnyConnection,
    f: &OrderFilter,
    sort: OrderSort,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> StoreResult<Vec<(OrderRow, StatusRow)>> {
    let mut q = orders::table
        .inner_join(order_status::table)
        .select((OrderRow::as_select(), StatusRow::as_select()))
        .into_boxed();
    if let Some(c) = &f.channel {
        q = q.filter(orders::channel.eq(c.clone()));
    }
    if let Some(s) = f.status {
        q = q.filter(order_status::status.eq(s.as_str()));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(orders::customer_id.eq(c.to_string()));
    }
    if let Some(sku) = &f.sku {
        let with_sku = order_lines::table
            .filter(order_lines::sku.eq(sku.clone()))
            .select(order_lines::order_id);
        q = q.filter(orders::id.eq_any(with_sku));
    }
    if let Some(t) = f.from {
        q = q.filter(orders::created_at.ge(to_db(t)));
    }
    if let Some(t) = f.to {
        q = q.filter(orders::created_at.lt(to_db(t)));
    }
    if let Some(t) = f.overdue_at {
        q = q
            .filter(order_status::contacted_at.is_null())
            .filter(order_status::contact_due_at.lt(to_db(t)))
            .filter(order_status::status.ne_all(vec![
                OrderStatus::Cancelled.as_str(),
                OrderStatus::Delivered.as_str(),
            ]));
    }
    q = match (sort, after) {
        (OrderSort::Newest, Some((_, id))) => q.filter(orders::id.lt(id)),
        (OrderSort::ContactDue, Some((due, id))) => q.filter(
            order_status::contact_due_at
                .gt(due)
                .or(order_status::contact_due_at
                    .eq(due)
                    .and(order_status::order_id.gt(id))),
        ),
        (_, None) => q,
    };
    q = match sort {
        OrderSort::Newest => q.order(orders::id.desc()),
        // The projection's own order id breaks ties: the index covers the whole sort.
        OrderSort::ContactDue => q.order((
            order_status::contact_due_at.asc(),
            order_status::order_id.asc(),
        )),
    };
    Ok(q.limit(limit).load(conn)?)
}

/// Orders created in `[from, to)`, oldest first (for the daily export).
pub fn created_between(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<OrderRow>> {
    Ok(orders::table
        .filter(orders::created_at.ge(to_db(from)))
        .filter(orders::created_at.lt(to_db(to)))
        .order(orders::id.asc())
        .select(OrderRow::as_select())
        .load(conn)?)
}

pub fn parse_id(s: &str) -> StoreResult<Uuid> {
    parse_uuid(s)
}

/// Events with an id in `(after, before)`, in id order: the live stream's next batch. Ids are
/// UUID v7, ordered by the time they were made.
pub fn events_between(
    conn: &mut AnyConnection,
    after: &str,
    before: &str,
    limit: i64,
) -> StoreResult<Vec<EventRow>> {
    Ok(order_events::table
        .filter(order_events::id.gt(after))
        .filter(order_events::id.lt(before))
        .order(order_events::id.asc())
        .select(EventRow::as_select())
        .limit(limit)
        .load(conn)?)
}

/// For the deadline report: who took each order created in `[from, to)`, when contact was due,
/// and when it happened.
pub fn contact_records(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<(String, NaiveDateTime, Option<NaiveDateTime>)>> {
    Ok(orders::table
        .inner_join(order_status::table)
        .filter(orders::created_at.ge(to_db(from)))
        .filter(orders::created_at.lt(to_db(to)))
        .select((
            orders::created_by,
            order_status::contact_due_at,
            order_status::contacted_at,
        ))
        .load(conn)?)
}

/// Orders created in `[from, to)` after the id `after`, oldest first, with their status: one page
/// of a streaming export.
pub fn page_between(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    after: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<(OrderRow, StatusRow)>> {
    let mut q = orders::table
        .inner_join(order_status::table)
        .filter(orders::created_at.ge(to_db(from)))
        .filter(orders::created_at.lt(to_db(to)))
        .select((OrderRow::as_select(), StatusRow::as_select()))
        .into_boxed();
    if let Some(a) = after {
        q = q.filter(orders::id.gt(a.to_owned()));
    }
    Ok(q.order(orders::id.asc()).limit(limit).load(conn)?)
}
