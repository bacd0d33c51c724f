//! Stocktakes (R-PRD-9): counted against system quantity, differences posted as adjustments.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{stocktake_lines, stocktakes};
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Stocktake {
    pub id: Uuid,
    pub started_by: Uuid,
    pub started_at: DateTime<Utc>,
    pub note: String,
    pub state: String,
    pub posted_at: Option<DateTime<Utc>>,
    pub posted_by: Option<Uuid>,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub product_id: Uuid,
    pub counted_qty: i64,
    pub system_qty: i64,
    pub counted_by: Uuid,
    pub counted_at: DateTime<Utc>,
}

pub fn create(
    conn: &mut AnyConnection,
    id: Uuid,
    by: Uuid,
    note: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(stocktakes::table)
        .values((
            stocktakes::id.eq(id.to_string()),
            stocktakes::started_by.eq(by.to_string()),
            stocktakes::started_at.eq(to_db(now)),
            stocktakes::note.eq(note),
            stocktakes::state.eq("open"),
        ))
        .execute(conn)?;
    Ok(())
}

type Head = (
    String,
    String,
    NaiveDateTime,
    String,
    String,
    Option<NaiveDateTime>,
    Option<String>,
);
type LineRow = (String, i64, i64, String, NaiveDateTime);

/// The columns of a stocktake's head, in [`Head`]'s order.
const HEAD: (
    stocktakes::id,
    stocktakes::started_by,
    stocktakes::started_at,
    stocktakes::note,
    stocktakes::state,
    stocktakes::posted_at,
    stocktakes::posted_by,
) = (
    stocktakes::id,
    stocktakes::started_by,
    stocktakes::started_at,
    stocktakes::note,
    stocktakes::state,
    stocktakes::posted_at,
    stocktakes::posted_by,
);

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Stocktake>> {
    let heads: Vec<Head> = stocktakes::table
        .find(id.to_string())
        .select(HEAD)
        .load(conn)?;
    Ok(with_lines(conn, heads)?.pop())
}

/// Stocktakes newest first (ids are time-ordered), optionally in one state, with their lines.
pub fn list(
    conn: &mut AnyConnection,
    state: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Stocktake>> {
    let mut q = stocktakes::table.select(HEAD).into_boxed();
    if let Some(s) = state {
        q = q.filter(stocktakes::state.eq(s.to_owned()));
    }
    if let Some(b) = before {
        q = q.filter(stocktakes::id.lt(b.to_owned()));
    }
    let heads: Vec<Head> = q.order(stocktakes::id.desc()).limit(limit).load(conn)?;
    with_lines(conn, heads)
}

/// The stocktakes of `heads` with their lines, read in one query for all of them.
fn with_lines(conn: &mut AnyConnection, heads: Vec<Head>) -> StoreResult<Vec<Stocktake>> {
    let ids: Vec<&String> = heads.iter().map(|h| &h.0).collect();
    let rows: Vec<(String, LineRow)> = stocktake_lines::table
        .filter(stocktake_lines::stocktake_id.eq_any(ids))
        .order(stocktake_lines::counted_at.asc())
        .select((
            stocktake_lines::stocktake_id,
            (
                stocktake_lines::product_id,
                stocktake_lines::counted_qty,
                stocktake_lines::system_qty,
                stocktake_lines::counted_by,
                stocktake_lines::counted_at,
            ),
        ))
        .load(conn)?;
    let mut lines: std::collections::HashMap<String, Vec<Line>> = Default::default();
    for (st, r) in rows {
        lines.entry(st).or_default().push(line(r)?);
    }
    heads
        .into_iter()
        .map(|h| {
            let mine = lines.remove(&h.0).unwrap_or_default();
            assemble(h, mine)
        })
        .collect()
}

fn line(r: LineRow) -> StoreResult<Line> {
    Ok(Line {
        product_id: parse_uuid(&r.0)?,
        counted_qty: r.1,
        system_qty: r.2,
        counted_by: parse_uuid(&r.3)?,
        counted_at: from_db(r.4),
    })
}

fn assemble(h: Head, lines: Vec<Line>) -> StoreResult<Stocktake> {
    Ok(Stocktake {
        id: parse_uuid(&h.0)?,
        started_by: parse_uuid(&h.1)?,
        started_at: from_db(h.2),
        note: h.3,
        state: h.4,
        posted_at: h.5.map(from_db),
        posted_by: h.6.as_deref().map(parse_uuid).transpose()?,
        lines,
    })
}

/// Records (or replaces) the count of one product in an open stocktake.
pub fn record_count(conn: &mut AnyConnection, stocktake: Uuid, line: &Line) -> StoreResult<()> {
    let (st, pid) = (stocktake.to_string(), line.product_id.to_string());
    diesel::delete(
        stocktake_lines::table
            .filter(stocktake_lines::stocktake_id.eq(&st))
            .filter(stocktake_lines::product_id.eq(&pid)),
    )
    .execute(conn)?;
    diesel::insert_into(stocktake_lines::table)
        .values((
            stocktake_lines::stocktake_id.eq(&st),
            stocktake_lines::product_id.eq(&pid),
            stocktake_lines::counted_qty.eq(line.counted_qty),
            stocktake_lines::system_qty.eq(line.system_qty),
            stocktake_lines::counted_by.eq(line.counted_by.to_string()),
            stocktake_lines::counted_at.eq(to_db(line.counted_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks an open stocktake posted; a conflict if it already was.
pub fn mark_posted(
    conn: &mut AnyConnection,
    id: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        stocktakes::table
            .filter(stocktakes::id.eq(id.to_string()))
            .filter(stocktakes::state.eq("open")),
    )
    .set((
        stocktakes::state.eq("posted"),
        stocktakes::posted_at.eq(Some(to_db(now))),
        stocktakes::posted_by.eq(Some(by.to_string())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
