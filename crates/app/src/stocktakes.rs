//! Stocktakes (R-PRD-9): count SKUs against the system quantity, then post the differences as
//! adjustments with who counted.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::products;
use ecops_persistence::repo::stock::{self, Reason};
use ecops_persistence::repo::stocktakes::{self, Line, Stocktake};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// A stocktake by id, or not found.
pub fn load(conn: &mut AnyConnection, id: Uuid) -> AppResult<Stocktake> {
    stocktakes::find(conn, id)?.ok_or_else(|| AppError::not_found("no such stocktake"))
}

/// Opens a stocktake session.
pub fn open(
    conn: &mut AnyConnection,
    actor: &Actor,
    note: &str,
    now: DateTime<Utc>,
) -> AppResult<Stocktake> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::STOCK_COUNTERS,
    )?;
    write_tx(conn, |conn| {
        let id = Uuid::now_v7();
        stocktakes::create(conn, id, actor.id, note.trim(), now)?;
        let entry = actor.audit_entry(
            "stocktake.open",
            Some(("stocktake", id.to_string())),
            Outcome::Success,
            json!({}),
        );
        audit::append(conn, &entry, now)?;
        load(conn, id)
    })
}

/// Records the counted quantity of one SKU (again to correct it), against the system quantity
/// at this moment. A posted stocktake is final.
pub fn count(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    sku: &str,
    counted_qty: i64,
    now: DateTime<Utc>,
) -> AppResult<Stocktake> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::STOCK_COUNTERS,
    )?;
    write_tx(conn, |conn| {
        // Counting and posting one stocktake take turns: no count lands in a posted stocktake.
        lock_subject(conn, "stocktake", &id.to_string())?;
        let s = load(conn, id)?;
        if s.state != "open" {
            return Err(AppError::conflict(
                "stocktake_posted",
                "the stocktake is already posted",
            ));
        }
        let p = products::find_by_skus(conn, &[sku.to_owned()])?
            .pop()
            .ok_or_else(|| AppError::invalid("sku", format!("no product has SKU {sku}")))?;
        stocktakes::record_count(
            conn,
            id,
            &Line {
                product_id: p.id,
                counted_qty,
                system_qty: p.stock,
                counted_by: actor.id,
                counted_at: now,
            },
        )?;
        load(conn, id)
    })
}

/// Posts the stocktake: each difference becomes a stock adjustment (reason `stocktake`) and every
/// counted SKU is marked counted; reaching zero delists (R-PRD-4). The stocktake's lock and the
/// conditional update of the open stocktake keep two posts, or a post and a count, apart.
pub fn post(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Stocktake> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::STOCK_COUNTERS,
    )?;
    write_tx(conn, |conn| {
        lock_subject(conn, "stocktake", &id.to_string())?;
        let s = load(conn, id)?;
        if !stocktakes::mark_posted(conn, id, actor.id, now)? {
            return Err(AppError::conflict(
                "stocktake_posted",
                "the stocktake is already posted",
            ));
        }
        for line in &s.lines {
            let diff = line.counted_qty - line.system_qty;
            if diff != 0 {
                let moved = stock::move_stock(
                    conn,
                    line.product_id,
                    diff,
                    Reason::Stocktake,
                    Some(&id.to_string()),
                    None,
                    Some(line.counted_by),
                    now,
                )?;
                crate::outbox::after_stock_move(conn, line.product_id, &moved, now)?;
            }
            products::mark_counted(conn, line.product_id, line.counted_at)?;
        }
        let entry = actor.audit_entry(
            "stocktake.post",
            Some(("stocktake", id.to_string())),
            Outcome::Success,
            json!({"lines": s.lines.len()}),
        );
        audit::append(conn, &entry, now)?;
        load(conn, id)
    })
}
