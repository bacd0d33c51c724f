//! Stock movements (R-ORD-7, R-PRD-4): stock never goes negative, and reaching zero delists a
//! listed product in the same transaction.

use super::{from_db, parse_uuid, to_db};
use crate::repo::products;
use crate::schema::{products as p, stock_movements as m};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::product::{status_after_stock, ProductStatus};
use uuid::Uuid;

/// Why stock moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Receipt,
    Adjustment,
    Stocktake,
    Order,
    OrderCancelled,
    Return,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Receipt => "receipt",
            Reason::Adjustment => "adjustment",
            Reason::Stocktake => "stocktake",
            Reason::Order => "order",
            Reason::OrderCancelled => "order_cancelled",
            Reason::Return => "return",
        }
    }
}

/// What a movement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub stock_after: i64,
    /// R-PRD-4: the movement emptied a listed product, which is now delisted.
    pub delisted: bool,
}

/// Moves stock by `delta` (call inside a write transaction). The decrement is one conditional
/// statement, `stock + delta >= 0`, so concurrent movements can never take stock below zero: on
/// PostgreSQL the row lock orders them and each re-checks the condition; on SQLite the write lock
/// does.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one column of the movement"
)]
pub fn move_stock(
    conn: &mut AnyConnection,
    product_id: Uuid,
    delta: i64,
    reason: Reason,
    reference: Option<&str>,
    note: Option<&str>,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<Moved> {
    let key = product_id.to_string();
    let n = diesel::update(
        p::table
            .filter(p::id.eq(&key))
            .filter((p::stock + delta).ge(0_i64)),
    )
    .set((
        p::stock.eq(p::stock + delta),
        p::version.eq(p::version + 1),
        p::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    if n == 0 {
        let Some(current) = products::find(conn, product_id)? else {
            return Err(StoreError::NotFound);
        };
        return Err(StoreError::Shortage {
            sku: current.sku,
            stock: current.stock,
            wanted: -delta,
        });
    }
    let (stock_after, status): (i64, String) = p::table
        .find(&key)
        .select((p::stock, p::status))
        .first(conn)?;
    diesel::insert_into(m::table)
        .values((
            m::id.eq(Uuid::now_v7().to_string()),
            m::product_id.eq(&key),
            m::delta.eq(delta),
            m::stock_after.eq(stock_after),
            m::reason.eq(reason.as_str()),
            m::reference.eq(reference),
            m::note.eq(note),
            m::actor_id.eq(actor.map(|a| a.to_string())),
            m::at.eq(to_db(now)),
        ))
        .execute(conn)?;
    let status: ProductStatus = status.parse()?;
    let mut delisted = false;
    if let Some(next) = status_after_stock(status, stock_after) {
        if products::set_status(conn, product_id, status, next, now)? {
            products::insert_event(
                conn,
                product_id,
                actor,
                "status_changed",
                serde_json::json!({"from": status.as_str(), "to": next.as_str()}),
                Some("out_of_stock"),
                None,
                now,
            )?;
            delisted = true;
        }
    }
    Ok(Moved {
        stock_after,
        delisted,
    })
}

/// A recorded movement.
#[derive(Debug, Clone)]
pub struct Movement {
    pub id: Uuid,
    pub delta: i64,
    pub stock_after: i64,
    pub reason: String,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub actor_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

type Row = (
    String,
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

/// The movements of a product, newest first, older than the id `before`.
pub fn movements(
    conn: &mut AnyConnection,
    product_id: Uuid,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Movement>> {
    let mut q = m::table
        .filter(m::product_id.eq(product_id.to_string()))
        .select((
            m::id,
            m::delta,
            m::stock_after,
            m::reason,
            m::reference,
            m::note,
            m::actor_id,
            m::at,
        ))
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(m::id.lt(b.to_owned()));
    }
    let rows: Vec<Row> = q.order(m::id.desc()).limit(limit).load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(Movement {
                id: parse_uuid(&r.0)?,
                delta: r.1,
                stock_after: r.2,
                reason: r.3,
                reference: r.4,
                note: r.5,
                actor_id: r.6.as_deref().map(parse_uuid).transpose()?,
                at: from_db(r.7),
            })
        })
        .collect()
}
