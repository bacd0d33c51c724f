//! Proposals about products that need approval (R-PRD-3, -5, -6) and applying an approved
//! price. One pending request of a kind per product: the product's lock is taken for the check.

use crate::approvals::{self as engine, Actor};
use crate::effects::{AbnormalDelisting, CompetitorPrice, Listing, PriceChange};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::ApprovalKind;
use ecops_domain::product::{check_price, effective_price, ProductStatus};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::audit::{self};
use ecops_persistence::repo::products::{self, Product};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

fn to_json<T: serde::Serialize>(v: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| AppError::Store(e.into()))
}

fn no_pending(conn: &mut AnyConnection, product: Uuid, kind: ApprovalKind) -> AppResult<()> {
    Ok(engine::no_pending(
        conn,
        kind,
        ("product", &product.to_string()),
        "of this kind for the product",
    )?)
}

/// R-PRD-3: proposes listing a draft or delisted product; it waits in `pending_listing` until
/// the marketing director approves.
pub fn request_listing(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<ApprovalRequest> {
    let reason = reason.trim().to_owned();
    write_tx(conn, |conn| {
        let p = products::find(conn, id)?.ok_or_else(|| AppError::not_found("no such product"))?;
        let next = p
            .status
            .propose_listing()
            .map_err(|e| AppError::conflict("invalid_status", e.to_string()))?;
        if !products::set_status(conn, id, p.status, next, now)? {
            return Err(AppError::conflict(
                "concurrent_update",
                "the product changed meanwhile",
            ));
        }
        let r = engine::submit(
            conn,
            ApprovalKind::Listing,
            ("product", id.to_string()),
            actor,
            to_json(&Listing { from: p.status })?,
            &reason,
            Some(p.version + 1),
            now,
        )?;
        products::insert_event(
            conn,
            id,
            Some(actor.id),
            "status_changed",
            json!({"from": p.status.as_str(), "to": next.as_str()}),
            Some(&reason),
            Some(r.id),
            now,
        )?;
        Ok(r)
    })
}

/// R-PRD-5: proposes delisting a listed product for a reason other than stock; the department
/// manager approves.
pub fn request_delisting(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<ApprovalRequest> {
    let reason = reason.trim().to_owned();
    write_tx(conn, |conn| {
        let p = products::find(conn, id)?.ok_or_else(|| AppError::not_found("no such product"))?;
        if p.status != ProductStatus::Listed {
            return Err(AppError::conflict(
                "invalid_status",
                format!(
                    "only a listed product can be delisted; this one is {}",
                    p.status.as_str()
                ),
            ));
        }
        no_pending(conn, id, ApprovalKind::AbnormalDelisting)?;
        Ok(engine::submit(
            conn,
            ApprovalKind::AbnormalDelisting,
            ("product", id.to_string()),
            actor,
            to_json(&AbnormalDelisting {
                reason: reason.clone(),
            })?,
            &reason,
            Some(p.version),
            now,
        )?)
    })
}

/// A proposed price with the market analysis behind it.
#[derive(Debug, Clone)]
pub struct PriceChangeInput {
    pub new_price_fen: i64,
    pub effective_at: Option<DateTime<Utc>>,
    pub competitors: Vec<CompetitorPrice>,
    pub reason: String,
}

/// R-PRD-6: proposes a new price; the marketing director approves; it comes into force at
/// `effective_at`, or when the storefront specialist applies it.
pub fn request_price_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    body: PriceChangeInput,
    now: DateTime<Utc>,
) -> AppResult<ApprovalRequest> {
    check_price(body.new_price_fen).map_err(|m| AppError::invalid("new_price_fen", m))?;
    if body.effective_at.is_some_and(|t| t < now) {
        return Err(AppError::invalid("effective_at", "must not be in the past"));
    }
    let reason = body.reason.trim().to_owned();
    let competitors = body.competitors.clone();
    write_tx(conn, |conn| {
        let p = products::find(conn, id)?.ok_or_else(|| AppError::not_found("no such product"))?;
        no_pending(conn, id, ApprovalKind::PriceChange)?;
        let history = products::prices_of(conn, &[id])?
            .remove(&id)
            .unwrap_or_default();
        let in_force: Vec<_> = history.iter().map(|r| r.in_force()).collect();
        let current = effective_price(&in_force, &[], now).unwrap_or(0);
        if current == body.new_price_fen {
            return Err(AppError::invalid(
                "new_price_fen",
                "is the price already in force",
            ));
        }
        let payload = PriceChange {
            from_price_fen: current,
            new_price_fen: body.new_price_fen,
            effective_at: body.effective_at,
            competitors,
        };
        Ok(engine::submit(
            conn,
            ApprovalKind::PriceChange,
            ("product", id.to_string()),
            actor,
            to_json(&payload)?,
            &reason,
            Some(p.version),
            now,
        )?)
    })
}

/// R-PRD-6: puts an approved price into force now. Prices approved with an effective time apply
/// by themselves and cannot be applied early.
pub fn apply_price(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    price_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Product> {
    write_tx(conn, |conn| {
        let p = products::find(conn, id)?.ok_or_else(|| AppError::not_found("no such product"))?;
        let price = products::prices_of(conn, &[id])?
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .find(|r| r.id == price_id)
            .ok_or_else(|| AppError::not_found("no such price for this product"))?;
        match price.effective_from {
            Some(t) if t <= now => {
                return Err(AppError::conflict(
                    "already_in_force",
                    "this price is already in force",
                ))
            }
            Some(_) => {
                return Err(AppError::conflict(
                    "scheduled",
                    "this price comes into force by itself at its approved time",
                ))
            }
            None => {}
        }
        if !products::apply_price(conn, price_id, actor.id, now)? {
            return Err(AppError::conflict(
                "already_in_force",
                "this price was applied meanwhile",
            ));
        }
        products::insert_event(
            conn,
            id,
            Some(actor.id),
            "price_applied",
            json!({"price_id": price_id, "price_fen": price.price_fen}),
            None,
            price.approval_request_id,
            now,
        )?;
        audit::append(
            conn,
            &actor.audit_entry(
                "product.price_applied",
                Some(("product", id.to_string())),
                audit::Outcome::Success,
                json!({"price_fen": price.price_fen}),
            ),
            now,
        )?;
        Ok(products::get(conn, p.id)?)
    })
}
