//! Recorded daily order exports (R-ORD-8): one row per day with its files and checksums.

use crate::repo::{from_db, to_db};
use crate::schema::order_exports;
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

/// A recorded export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub date: NaiveDate,
    pub jsonl_path: String,
    pub csv_path: String,
    pub jsonl_sha256: String,
    pub csv_sha256: String,
    pub order_count: i32,
    pub event_count: i32,
    pub created_at: DateTime<Utc>,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    i32,
    i32,
    chrono::NaiveDateTime,
);

fn from_row(r: Row) -> StoreResult<Export> {
    Ok(Export {
        date: r
            .0
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("export date: {e}")))?,
        jsonl_path: r.1,
        csv_path: r.2,
        jsonl_sha256: r.3,
        csv_sha256: r.4,
        order_count: r.5,
        event_count: r.6,
        created_at: from_db(r.7),
    })
}

const COLUMNS: (
    order_exports::export_date,
    order_exports::jsonl_path,
    order_exports::csv_path,
    order_exports::jsonl_sha256,
    order_exports::csv_sha256,
    order_exports::order_count,
    order_exports::event_count,
    order_exports::created_at,
) = (
    order_exports::export_date,
    order_exports::jsonl_path,
    order_exports::csv_path,
    order_exports::jsonl_sha256,
    order_exports::csv_sha256,
    order_exports::order_count,
    order_exports::event_count,
    order_exports::created_at,
);

pub fn list(
    conn: &mut AnyConnection,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Export>> {
    let mut q = order_exports::table.select(COLUMNS).into_boxed();
    if let Some(b) = before {
        q = q.filter(order_exports::export_date.lt(b.to_owned()));
    }
    let rows: Vec<Row> = q
        .order(order_exports::export_date.desc())
        .limit(limit)
        .load(conn)?;
    rows.into_iter().map(from_row).collect()
}

pub fn find(conn: &mut AnyConnection, date: NaiveDate) -> StoreResult<Option<Export>> {
    order_exports::table
        .find(date.to_string())
        .select(COLUMNS)
        .first::<Row>(conn)
        .optional()?
        .map(from_row)
        .transpose()
}

/// Records an export written by `node`; when another node recorded the day first, theirs stands
/// and is returned.
pub fn record(conn: &mut AnyConnection, e: &Export, node: &str) -> StoreResult<Export> {
    let date = e.date;
    let now: DateTime<Utc> = e.created_at;
    let inserted = diesel::insert_into(order_exports::table)
        .values((
            order_exports::export_date.eq(date.to_string()),
            order_exports::jsonl_path.eq(&e.jsonl_path),
            order_exports::csv_path.eq(&e.csv_path),
            order_exports::jsonl_sha256.eq(&e.jsonl_sha256),
            order_exports::csv_sha256.eq(&e.csv_sha256),
            order_exports::order_count.eq(e.order_count),
            order_exports::event_count.eq(e.event_count),
            order_exports::created_at.eq(to_db(now)),
            order_exports::created_by_node.eq(node),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(e.clone()),
        // Another node recorded it first: theirs stands.
        Err(err) => match StoreError::from(err) {
            StoreError::Unique(_) => find(conn, date)?.ok_or(StoreError::NotFound),
            other => Err(other),
        },
    }
}
