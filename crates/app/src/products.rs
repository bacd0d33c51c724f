//! Proposals about products that need approval (R-PRD-3, -5, -6) and applying an approved
//! price. One pending request of a kind per product: the product's lock is taken for the check.

use crate::approvals::{self as engine, Actor};
use crate::effects::ConfidentialEdit;
use crate::effects::{AbnormalDelisting, CompetitorPrice, Listing, PriceChange};
use crate::error::{unique_as, AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::ApprovalKind;
use ecops_domain::product::{check_price, effective_price, ProductStatus};
use ecops_domain::JobRole;
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::products::{self, Attachment, Descriptive, NewProduct, Product};
use ecops_persistence::repo::stock::{self, Reason};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

fn to_json<T: serde::Serialize>(v: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| AppError::Store(e.into()))
}

fn no_pending(conn: &mut AnyConnection, product: Uuid, kind: ApprovalKind) -> AppResult<()> {
    engine::no_pending(
        conn,
        kind,
        ("product", &product.to_string()),
        "of this kind for the product",
    )
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
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[
            ecops_domain::JobRole::Planner,
            ecops_domain::JobRole::StorefrontSpecialist,
        ],
    )?;
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
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[ecops_domain::JobRole::StorefrontSpecialist],
    )?;
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
        engine::submit(
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
        )
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
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[ecops_domain::JobRole::Planner],
    )?;
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
        engine::submit(
            conn,
            ApprovalKind::PriceChange,
            ("product", id.to_string()),
            actor,
            to_json(&payload)?,
            &reason,
            Some(p.version),
            now,
        )
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
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[ecops_domain::JobRole::StorefrontSpecialist],
    )?;
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
        crate::outbox::record(
            conn,
            crate::outbox::EventType::ProductPriceChanged,
            &id.to_string(),
            json!({"price_fen": price.price_fen, "effective_at": now, "applied": true}),
            now,
        )?;
        Ok(products::get(conn, p.id)?)
    })
}

/// Stores a new draft; a taken SKU is the caller's `duplicate_sku`.
fn insert_draft(
    conn: &mut AnyConnection,
    p: &NewProduct,
    by: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    products::insert(conn, p, by, now).map_err(unique_as(|| {
        AppError::conflict(
            "duplicate_sku",
            format!("a product with SKU {} exists", p.sku),
        )
    }))?;
    Ok(())
}

/// Creates a draft product (R-PRD-1/2).
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    new: &NewProduct,
    now: DateTime<Utc>,
) -> AppResult<Product> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::PRODUCT_CREATORS,
    )?;
    write_tx(conn, |conn| {
        insert_draft(conn, new, actor.id, now)?;
        let entry = actor.audit_entry(
            "product.create",
            Some(("product", new.id.to_string())),
            Outcome::Success,
            json!({"sku": new.sku}),
        );
        audit::append(conn, &entry, now)?;
        Ok(products::get(conn, new.id)?)
    })
}

/// What an edit of a product did: applied, or filed for approval (confidential content, R-PRD-8).
#[derive(Debug, Clone)]
pub enum EditOutcome {
    Applied(Product),
    Filed(ApprovalRequest),
}

/// Edits a product's descriptive fields (R-PRD-1): a draft by its editors, a product out of
/// draft by the storefront specialist only and never its list price (that is a price change);
/// an edit of confidential content goes to the marketing director and the general manager.
/// `expected` is the version last read (`If-Match`).
pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    expected: Option<i64>,
    changes: &Descriptive,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<EditOutcome> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::PRODUCT_EDITORS,
    )?;
    write_tx(conn, |conn| {
        let p = products::find(conn, id)?.ok_or_else(|| AppError::not_found("no such product"))?;
        crate::error::check_version(p.version, expected)?;
        if p.status != ProductStatus::Draft && !actor.has_role(JobRole::StorefrontSpecialist) {
            return Err(AppError::forbidden(
                "missing_role",
                "only the storefront specialist edits a product once it left draft",
            ));
        }
        if p.status != ProductStatus::Draft
            && changes
                .list_price_fen
                .is_some_and(|lp| lp != p.list_price_fen)
        {
            return Err(AppError::rule("price_needs_approval", "the list price of a product out of draft changes only through a price change request"));
        }
        if p.confidential {
            let reason = reason.clone().ok_or_else(|| {
                AppError::invalid(
                    "reason",
                    "is required: this product's content is confidential and goes to approval",
                )
            })?;
            let r = engine::submit(
                conn,
                ApprovalKind::ConfidentialInfo,
                ("product", p.id.to_string()),
                actor,
                serde_json::to_value(ConfidentialEdit {
                    changes: changes.clone(),
                })
                .map_err(|e| AppError::Store(e.into()))?,
                &reason,
                Some(p.version),
                now,
            )?;
            return Ok(EditOutcome::Filed(r));
        }
        if !products::update_descriptive(conn, id, p.version, changes, now)? {
            return Err(AppError::Stale(
                "the product changed meanwhile; read it again".into(),
            ));
        }
        products::insert_event(
            conn,
            id,
            Some(actor.id),
            "edited",
            serde_json::to_value(changes).map_err(|e| AppError::Store(e.into()))?,
            reason.as_deref(),
            None,
            now,
        )?;
        Ok(EditOutcome::Applied(products::get(conn, id)?))
    })
}

/// A stock movement entered by hand.
#[derive(Debug, Clone)]
pub struct StockInput {
    pub delta: i64,
    pub reason: Reason,
    pub reference: Option<String>,
    pub note: Option<String>,
}

/// Moves stock by hand (receipt, adjustment, return): never below zero; reaching zero delists
/// (R-PRD-4).
pub fn move_stock(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    movement: StockInput,
    now: DateTime<Utc>,
) -> AppResult<Product> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[
            ecops_domain::JobRole::Warehouse,
            ecops_domain::JobRole::StorefrontSpecialist,
        ],
    )?;
    write_tx(conn, |conn| {
        products::find(conn, id)?.ok_or_else(|| AppError::not_found("no such product"))?;
        let moved = stock::move_stock(
            conn,
            id,
            movement.delta,
            movement.reason,
            movement.reference.as_deref(),
            movement.note.as_deref(),
            Some(actor.id),
            now,
        )?;
        crate::outbox::after_stock_move(conn, id, &moved, now)?;
        audit::append(conn, &actor.audit_entry("product.stock_moved", Some(("product", id.to_string())), audit::Outcome::Success,
            json!({"delta": movement.delta, "reason": movement.reason.as_str(), "stock_after": moved.stock_after, "delisted": moved.delisted})), now)?;
        Ok(products::get(conn, id)?)
    })
}

/// Records an attachment's metadata (R-PRD-1): copyrighted or confidential material only while
/// the product is a draft (afterwards it goes through approval, R-PRD-8).
pub fn add_attachment(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    a: &Attachment,
    now: DateTime<Utc>,
) -> AppResult<()> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[
            ecops_domain::JobRole::StorefrontSpecialist,
            ecops_domain::JobRole::Designer,
        ],
    )?;
    write_tx(conn, |conn| {
        let p = products::find(conn, id)?.ok_or_else(|| AppError::not_found("no such product"))?;
        if (a.copyrighted || p.confidential) && p.status != ProductStatus::Draft {
            return Err(AppError::rule(
                "copyright_needs_approval",
                "copyrighted or confidential material is attached while the product is a draft",
            ));
        }
        products::insert_attachment(conn, a)?;
        products::insert_event(
            conn,
            id,
            Some(actor.id),
            "attachment_added",
            json!({"attachment_id": a.id, "file_name": a.file_name, "size_bytes": a.size_bytes}),
            None,
            None,
            now,
        )?;
        audit::append(
            conn,
            &actor.audit_entry(
                "product.attachment_added",
                Some(("product", id.to_string())),
                audit::Outcome::Success,
                json!({"attachment_id": a.id}),
            ),
            now,
        )?;
        Ok(())
    })
}

/// One row of a product import: its number, its key (the SKU as given), and the parsed product
/// or the row's field errors `(field, message)`.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub row: usize,
    pub key: Option<String>,
    pub parsed: Result<NewProduct, Vec<(String, String)>>,
}

/// Imports draft products all or nothing: every row valid, no SKU already taken or repeated,
/// else `import_rejected` naming each bad row's fields and nothing written. A dry run only
/// judges. Returns each row's number, key and product id.
pub fn import(
    conn: &mut AnyConnection,
    actor: &Actor,
    rows: &[ImportRow],
    dry_run: bool,
    now: DateTime<Utc>,
) -> AppResult<Vec<(usize, Option<String>, Uuid)>> {
    write_tx(conn, |conn| {
        let mut errors: Vec<(String, String)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let skus: Vec<String> = rows
            .iter()
            .filter_map(|r| r.parsed.as_ref().ok().map(|p| p.sku.clone()))
            .collect();
        let existing: std::collections::HashSet<String> = products::find_by_skus(conn, &skus)?
            .into_iter()
            .map(|p| p.sku)
            .collect();
        for r in rows {
            match &r.parsed {
                Err(errs) => errors.extend(errs.iter().cloned()),
                Ok(p) if existing.contains(&p.sku) => errors.push((
                    format!("rows.{}.sku", r.row),
                    format!("a product with SKU {} exists", p.sku),
                )),
                Ok(p) if !seen.insert(p.sku.clone()) => errors.push((
                    format!("rows.{}.sku", r.row),
                    format!("SKU {} appears twice in the import", p.sku),
                )),
                Ok(_) => {}
            }
        }
        if !errors.is_empty() {
            let bad: std::collections::HashSet<&str> = errors
                .iter()
                .filter_map(|e| e.0.split('.').nth(1))
                .collect();
            return Err(AppError::RuleOn {
                code: "import_rejected",
                detail: format!(
                    "{} of {} rows are invalid; nothing was written",
                    bad.len(),
                    rows.len()
                ),
                errors,
            });
        }
        let mut done = Vec::new();
        for r in rows {
            let Ok(p) = &r.parsed else { continue };
            if !dry_run {
                insert_draft(conn, p, actor.id, now)?;
            }
            done.push((r.row, r.key.clone(), p.id));
        }
        if !dry_run {
            let entry = actor.audit_entry(
                "product.import",
                None,
                Outcome::Success,
                json!({"created": done.len()}),
            );
            audit::append(conn, &entry, now)?;
        }
        Ok(done)
    })
}
