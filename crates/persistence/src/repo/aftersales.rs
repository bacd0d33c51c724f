//! After-sales cases (R-AFS-1..3): they refer to an order and its lines and never edit it.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{aftersales_cases as c, aftersales_lines as l, order_status};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

pub const KINDS: [&str; 9] = [
    "return",
    "exchange",
    "refund",
    "reissue",
    "repair",
    "complaint",
    "dispute",
    "review",
    "logistics_exception",
];
pub const STATUSES: [&str; 4] = ["open", "in_progress", "resolved", "closed"];

#[derive(Debug, Clone)]
pub struct Case {
    pub id: Uuid,
    pub order_id: Uuid,
    pub kind: String,
    pub status: String,
    pub owner_id: Uuid,
    pub description: String,
    pub customer_result: Option<String>,
    pub refund_fen: i64,
    pub deadline_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    /// (line number, quantity)
    pub lines: Vec<(i32, i64)>,
    /// R-AFS-1: the value of a gift to the customer, and what it is.
    pub gift_fen: i64,
    pub gift_item: Option<String>,
    /// R-AFS-1: what went wrong, for a logistics exception.
    pub logistics_issue: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = c)]
struct Row {
    id: String,
    order_id: String,
    kind: String,
    status: String,
    owner_id: String,
    description: String,
    customer_result: Option<String>,
    refund_fen: i64,
    deadline_at: Option<NaiveDateTime>,
    created_by: String,
    created_at: NaiveDateTime,
    closed_at: Option<NaiveDateTime>,
    version: i64,
    gift_fen: i64,
    gift_item: Option<String>,
    logistics_issue: Option<String>,
}

fn with_lines(conn: &mut AnyConnection, rows: Vec<Row>) -> StoreResult<Vec<Case>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let all: Vec<(String, i32, i64)> = l::table
        .filter(l::case_id.eq_any(&ids))
        .order((l::case_id, l::line_no))
        .select((l::case_id, l::line_no, l::quantity))
        .load(conn)?;
    let mut by_case: HashMap<String, Vec<(i32, i64)>> = HashMap::new();
    for (case, line, qty) in all {
        by_case.entry(case).or_default().push((line, qty));
    }
    rows.into_iter()
        .map(|r| {
            Ok(Case {
                lines: by_case.remove(&r.id).unwrap_or_default(),
                id: parse_uuid(&r.id)?,
                order_id: parse_uuid(&r.order_id)?,
                kind: r.kind,
                status: r.status,
                owner_id: parse_uuid(&r.owner_id)?,
                description: r.description,
                customer_result: r.customer_result,
                refund_fen: r.refund_fen,
                deadline_at: r.deadline_at.map(from_db),
                created_by: parse_uuid(&r.created_by)?,
                created_at: from_db(r.created_at),
                closed_at: r.closed_at.map(from_db),
                version: r.version,
                gift_fen: r.gift_fen,
                gift_item: r.gift_item,
                logistics_issue: r.logistics_issue,
            })
        })
        .collect()
}

pub fn insert(conn: &mut AnyConnection, k: &Case) -> StoreResult<()> {
    diesel::insert_into(c::table)
        .values((
            c::id.eq(k.id.to_string()),
            c::order_id.eq(k.order_id.to_string()),
            c::kind.eq(&k.kind),
            c::status.eq(&k.status),
            c::owner_id.eq(k.owner_id.to_string()),
            c::description.eq(&k.description),
            c::customer_result.eq(&k.customer_result),
            c::refund_fen.eq(k.refund_fen),
            c::deadline_at.eq(k.deadline_at.map(to_db)),
            c::created_by.eq(k.created_by.to_string()),
            c::created_at.eq(to_db(k.created_at)),
            c::version.eq(1_i64),
            c::gift_fen.eq(k.gift_fen),
            c::gift_item.eq(&k.gift_item),
            c::logistics_issue.eq(&k.logistics_issue),
        ))
        .execute(conn)?;
    for (line, qty) in &k.lines {
        diesel::insert_into(l::table)
            .values((
                l::case_id.eq(k.id.to_string()),
                l::line_no.eq(*line),
                l::quantity.eq(*qty),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Case>> {
    let row: Option<Row> = c::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    Ok(with_lines(conn, row.into_iter().collect())?.pop())
}

/// Takes the order's row lock for the rest of the transaction, so concurrent refunds on one
/// order are judged one after the other.
pub fn lock_order(conn: &mut AnyConnection, order_id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    let n = diesel::update(order_status::table.find(order_id.to_string()))
        .set(order_status::updated_at.eq(to_db(now)))
        .execute(conn)?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Everything refunded on an order so far.
pub fn refunded(conn: &mut AnyConnection, order_id: Uuid) -> StoreResult<i64> {
    let amounts: Vec<i64> = c::table
        .filter(c::order_id.eq(order_id.to_string()))
        .select(c::refund_fen)
        .load(conn)?;
    Ok(amounts.into_iter().sum())
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub order_id: Option<Uuid>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub owner_id: Option<Uuid>,
    /// Complaints still open past their deadline at this instant (R-AFS-2: escalated).
    pub escalated_at: Option<DateTime<Utc>>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub fn list(
    conn: &mut AnyConnection,
    f: &CaseFilter,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Case>> {
    let mut q = c::table.select(Row::as_select()).into_boxed();
    if let Some(b) = before {
        q = q.filter(c::id.lt(b.to_owned()));
    }
    if let Some(o) = f.order_id {
        q = q.filter(c::order_id.eq(o.to_string()));
    }
    if let Some(k) = &f.kind {
        q = q.filter(c::kind.eq(k.clone()));
    }
    if let Some(s) = &f.status {
        q = q.filter(c::status.eq(s.clone()));
    }
    if let Some(o) = f.owner_id {
        q = q.filter(c::owner_id.eq(o.to_string()));
    }
    if let Some(t) = f.escalated_at {
        q = q
            .filter(c::kind.eq("complaint"))
            .filter(c::status.eq_any(["open", "in_progress"]))
            .filter(c::deadline_at.lt(to_db(t)));
    }
    if let Some(t) = f.from {
        q = q.filter(c::created_at.ge(to_db(t)));
    }
    if let Some(t) = f.to {
        q = q.filter(c::created_at.lt(to_db(t)));
    }
    let rows: Vec<Row> = q.order(c::id.desc()).limit(limit).load(conn)?;
    with_lines(conn, rows)
}

/// Changes a case's handling (never its order): status, owner, result to the customer.
pub fn update(
    conn: &mut AnyConnection,
    id: Uuid,
    expected: i64,
    status: Option<&str>,
    owner: Option<Uuid>,
    result: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let key = id.to_string();
    let n = diesel::update(
        c::table
            .filter(c::id.eq(&key))
            .filter(c::version.eq(expected)),
    )
    .set(c::version.eq(expected + 1))
    .execute(conn)?;
    if n != 1 {
        return Ok(false);
    }
    if let Some(s) = status {
        let closed = (s == "closed" || s == "resolved").then(|| to_db(now));
        diesel::update(c::table.find(&key))
            .set((c::status.eq(s), c::closed_at.eq(closed)))
            .execute(conn)?;
    }
    if let Some(o) = owner {
        diesel::update(c::table.find(&key))
            .set(c::owner_id.eq(o.to_string()))
            .execute(conn)?;
    }
    if let Some(r) = result {
        diesel::update(c::table.find(&key))
            .set(c::customer_result.eq(Some(r)))
            .execute(conn)?;
    }
    Ok(true)
}

/// Cases created in `[from, to)`, oldest first, for reports.
pub fn created_between(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Case>> {
    let rows: Vec<Row> = c::table
        .filter(c::created_at.ge(to_db(from)))
        .filter(c::created_at.lt(to_db(to)))
        .order(c::id.asc())
        .select(Row::as_select())
        .load(conn)?;
    with_lines(conn, rows)
}

/// Cases opened in `[from, to)` after the id `after`, oldest first: one page of a streaming
/// export.
pub fn page_between(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    after: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Case>> {
    let mut q = c::table
        .filter(c::created_at.ge(to_db(from)))
        .filter(c::created_at.lt(to_db(to)))
        .select(Row::as_select())
        .into_boxed();
    if let Some(a) = after {
        q = q.filter(c::id.gt(a.to_owned()));
    }
    let rows: Vec<Row> = q.order(c::id.asc()).limit(limit).load(conn)?;
    with_lines(conn, rows)
}
