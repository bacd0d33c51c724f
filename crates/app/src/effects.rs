//! What an approved request changes (R-APR-4), and what a rejected or withdrawn one undoes.
//!
//! Adding a kind means: a payload type, a default chain (domain), and an arm here. Each effect
//! re-checks that the change is still possible and refuses with `subject_changed` otherwise, so
//! the final approval fails and nothing is applied.

use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::{ApprovalKind, ApprovalState};
use ecops_domain::product::{effective_price, ProductStatus};
use ecops_domain::revision::RevisionStatus;
use ecops_domain::PermissionLevel;
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::audit::{self, NewEntry, Outcome};
use ecops_persistence::repo::products::{self, Descriptive, NewPrice};
use ecops_persistence::repo::{duty, leave, page_revisions, promotions, users};
use ecops_persistence::AnyConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// `permission_level`: raise or lower a user's level (R-ACL-4).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PermissionLevelChange {
    pub from: PermissionLevel,
    pub to: PermissionLevel,
}

/// `listing`: list a draft or delisted product (R-PRD-3).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Listing {
    pub from: ProductStatus,
}

/// `abnormal_delisting` (R-PRD-5).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AbnormalDelisting {
    pub reason: String,
}

/// A competitor's price recorded with a price change (R-PRD-6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetitorPrice {
    pub name: String,
    pub price_fen: i64,
}

/// `price_change` (R-PRD-6).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PriceChange {
    pub from_price_fen: i64,
    pub new_price_fen: i64,
    /// When the approved price comes into force by itself; `None`: when the storefront
    /// specialist applies it.
    pub effective_at: Option<DateTime<Utc>>,
    pub competitors: Vec<CompetitorPrice>,
}

/// `promotion` (R-PRD-7): the promotion row carries products, rule and window.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PromotionApproval {
    pub promotion_id: Uuid,
}

/// `confidential_info` (R-PRD-8): descriptive changes to a product flagged confidential or
/// copyrighted, applied only after the marketing director and the general manager approve.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfidentialEdit {
    pub changes: Descriptive,
}

/// `page_revision` (R-APR-6): the plan row carries the document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageRevisionApproval {
    pub revision_id: Uuid,
}

/// `leave` (R-ATT-8): the leave row carries the period and the handover.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeaveApproval {
    pub leave_id: Uuid,
}

/// `bad_customer` (R-ORD-9): proposed by customer service, confirmed by the department manager.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BadCustomer {
    pub reason: String,
}

fn payload<T: for<'de> Deserialize<'de>>(req: &ApprovalRequest) -> AppResult<T> {
    serde_json::from_value(req.payload.clone())
        .map_err(|e| AppError::Internal(format!("request {} payload: {e}", req.id)))
}

fn subject_uuid(req: &ApprovalRequest) -> AppResult<Uuid> {
    Uuid::parse_str(&req.subject_id).map_err(|e| AppError::Internal(e.to_string()))
}

fn changed(detail: impl Into<String>) -> AppError {
    AppError::rule("subject_changed", detail)
}

fn system_entry(
    req: &ApprovalRequest,
    approver: Uuid,
    action: &str,
    detail: serde_json::Value,
) -> NewEntry {
    NewEntry {
        actor_id: Some(approver),
        actor_username: None,
        action: action.to_owned(),
        subject_type: Some(req.subject_type.clone()),
        subject_id: Some(req.subject_id.clone()),
        client_addr: None,
        outcome: Outcome::Success,
        detail,
        request_id: None,
        on_behalf_of: None,
    }
}

/// Applies the change of a request whose last step was just approved by `approver`.
pub fn on_approved(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    approver: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    // Content goes through the chain of its kind (news, page revision, confidential) but its
    // effect is the content's own.
    if req.subject_type == crate::content::SUBJECT {
        return crate::content::on_approved(conn, req, approver, now);
    }
    if req.subject_type == crate::vault::SUBJECT {
        return crate::vault::on_approved(conn, req, approver, now);
    }
    match req.kind {
        ApprovalKind::PermissionLevel => {
            let p: PermissionLevelChange = payload(req)?;
            let user = users::find(conn, subject_uuid(req)?)?.ok_or_else(|| {
                AppError::not_found("the subject of the request no longer exists")
            })?;
            if user.permission_level != p.from {
                return Err(changed(format!(
                    "the user's level is now {}, not {}: file a new request",
                    user.permission_level.as_str(),
                    p.from.as_str()
                )));
            }
            users::set_permission_level(conn, user.id, p.to, now)?;
            audit::append(
                conn,
                &system_entry(
                    req,
                    approver,
                    "user.permission_level_changed",
                    json!({"from": p.from, "to": p.to, "approval_request_id": req.id}),
                ),
                now,
            )?;
            Ok(())
        }
        ApprovalKind::Listing => {
            let product = products::get(conn, subject_uuid(req)?)?;
            let next = product
                .status
                .approve_listing()
                .map_err(|e| changed(e.to_string()))?;
            if product.stock == 0 {
                return Err(AppError::rule(
                    "out_of_stock",
                    format!("{} has no stock: restock before listing", product.sku),
                ));
            }
            status_change(conn, req, &product, next, approver, None, now)
        }
        ApprovalKind::AbnormalDelisting => {
            let p: AbnormalDelisting = payload(req)?;
            let product = products::get(conn, subject_uuid(req)?)?;
            let next = product
                .status
                .delist()
                .map_err(|e| changed(e.to_string()))?;
            status_change(conn, req, &product, next, approver, Some(&p.reason), now)
        }
        ApprovalKind::PriceChange => {
            let p: PriceChange = payload(req)?;
            let product_id = subject_uuid(req)?;
            let history = products::prices_of(conn, &[product_id])?
                .remove(&product_id)
                .unwrap_or_default();
            let in_force: Vec<_> = history.iter().map(|r| r.in_force()).collect();
            let current = effective_price(&in_force, &[], now);
            if current != Some(p.from_price_fen) {
                return Err(changed(format!(
                    "the price in force is now {} fen, not {}: file a new request",
                    current.unwrap_or_default(),
                    p.from_price_fen
                )));
            }
            products::insert_price(
                conn,
                &NewPrice {
                    product_id,
                    price_fen: p.new_price_fen,
                    effective_from: p.effective_at,
                    source: "price_change",
                    proposer_id: Some(req.proposer_id),
                    approver_id: Some(approver),
                    applied_by: None,
                    approval_request_id: Some(req.id),
                    competitors: serde_json::to_value(&p.competitors)?,
                },
                now,
            )?;
            products::insert_event(
                conn,
                product_id,
                Some(approver),
                "price_approved",
                json!({"from_price_fen": p.from_price_fen, "new_price_fen": p.new_price_fen, "effective_at": p.effective_at}),
                Some(&req.reason),
                Some(req.id),
                now,
            )?;
            // Approved with its time, the price changes by itself then; approved without, it
            // changes when the storefront specialist applies it (a second event).
            if p.effective_at.is_some() {
                crate::outbox::record(
                    conn,
                    crate::outbox::EventType::ProductPriceChanged,
                    &product_id.to_string(),
                    json!({"price_fen": p.new_price_fen, "from_price_fen": p.from_price_fen,
                           "effective_at": p.effective_at, "approval_request": req.id}),
                    now,
                )?;
            }
            Ok(())
        }
        ApprovalKind::Promotion => {
            let p: PromotionApproval = payload(req)?;
            let promo = promotions::find(conn, p.promotion_id)?.ok_or_else(|| {
                AppError::not_found("the subject of the request no longer exists")
            })?;
            let others =
                promotions::for_products(conn, &promo.product_ids, &[ApprovalState::Approved])?;
            if let Some(clash) = others
                .iter()
                .find(|o| o.id != promo.id && o.window.overlaps(&promo.window))
            {
                return Err(AppError::rule(
                    "promotion_overlap",
                    format!(
                        "the approved promotion `{}` overlaps this one on a product",
                        clash.name
                    ),
                ));
            }
            if !promotions::close(conn, promo.id, ApprovalState::Approved, Some(approver))? {
                return Err(changed("the promotion is no longer pending"));
            }
            for product in &promo.product_ids {
                products::insert_event(
                    conn,
                    *product,
                    Some(approver),
                    "promotion_approved",
                    json!({"promotion_id": promo.id}),
                    None,
                    Some(req.id),
                    now,
                )?;
            }
            Ok(())
        }
        ApprovalKind::ConfidentialInfo => {
            let p: ConfidentialEdit = payload(req)?;
            let product_id = subject_uuid(req)?;
            let expected = req
                .subject_version
                .ok_or_else(|| AppError::Internal("no subject version".into()))?;
            if !products::update_descriptive(conn, product_id, expected, &p.changes, now)? {
                return Err(changed(
                    "the product changed since the request: file a new one",
                ));
            }
            products::insert_event(
                conn,
                product_id,
                Some(approver),
                "edited",
                serde_json::to_value(&p.changes)?,
                Some(&req.reason),
                Some(req.id),
                now,
            )?;
            Ok(())
        }
        ApprovalKind::BadCustomer => {
            let p: BadCustomer = payload(req)?;
            let customer = ecops_persistence::repo::customers::find(conn, subject_uuid(req)?)?
                .ok_or_else(|| {
                    AppError::not_found("the subject of the request no longer exists")
                })?;
            if customer.bad_customer {
                return Err(changed("the customer is already flagged"));
            }
            ecops_persistence::repo::customers::set_bad(
                conn,
                customer.id,
                true,
                Some(&p.reason),
                now,
            )?;
            audit::append(
                conn,
                &system_entry(
                    req,
                    approver,
                    "customer.flagged_bad",
                    json!({"reason": p.reason, "approval_request_id": req.id}),
                ),
                now,
            )?;
            Ok(())
        }
        ApprovalKind::PageRevision => {
            let p: PageRevisionApproval = payload(req)?;
            if !page_revisions::set_status(
                conn,
                p.revision_id,
                RevisionStatus::Pending,
                RevisionStatus::Approved,
                now,
            )? {
                return Err(changed("the plan is no longer pending"));
            }
            Ok(())
        }
        ApprovalKind::Leave => {
            let p: LeaveApproval = payload(req)?;
            let l = leave::find(conn, p.leave_id)?.ok_or_else(|| {
                AppError::not_found("the subject of the request no longer exists")
            })?;
            // The person's calendar is locked like a rostering's, so a shift rostered at the same
            // moment either sees this leave approved or is seen here.
            ecops_persistence::db::lock_subject(
                conn,
                crate::staff::CALENDAR,
                &l.user_id.to_string(),
            )?;
            // R-DUT-4: nobody is on duty during approved leave. A shift rostered before the leave
            // was approved is released: cancelled, naming the leave, so the roster lists it as a
            // clash with the next person of the rotation to fill it (`duty::clashes`).
            for s in duty::live_between(conn, Some(l.user_id), l.starts_at, l.ends_at)? {
                if duty::release_for_leave(conn, s.id, l.id, approver, now)? {
                    audit::append(
                        conn,
                        &NewEntry {
                            subject_type: Some("duty_shift".to_owned()),
                            subject_id: Some(s.id.to_string()),
                            ..system_entry(
                                req,
                                approver,
                                "duty.released_for_leave",
                                json!({"user_id": l.user_id, "kind": s.kind.as_str(),
                                       "starts_at": s.starts_at, "ends_at": s.ends_at,
                                       "leave_id": l.id, "approval_request_id": req.id}),
                            )
                        },
                        now,
                    )?;
                }
            }
            // Leave filed after the fact for days of a closed month is an adjustment in the
            // first open month; the closed figures stay as they were.
            let days = [
                crate::workdays::company_date(conn, l.starts_at)?,
                crate::workdays::company_date(conn, l.ends_at - chrono::Duration::seconds(1))?,
            ];
            crate::attendance_month::with_adjustment(
                conn,
                approver,
                (l.user_id, &days),
                ("leave", l.id, &l.reason),
                now,
                |conn| {
                    if !leave::close(conn, p.leave_id, ApprovalState::Approved, now)? {
                        return Err(changed("the leave request is no longer pending"));
                    }
                    Ok(())
                },
            )
        }
        ApprovalKind::ShiftSwap => {
            let p: crate::duty::SwapApproval = payload(req)?;
            crate::duty::apply_swap(conn, p.swap_id, approver, now)
        }
        ApprovalKind::Delegation => crate::delegations::on_approved(conn, req, approver, now),
        ApprovalKind::ServicePhrase => crate::phrases::on_approved(conn, req, now),
        ApprovalKind::PunchCorrection => {
            let asked: crate::attendance::CorrectionAsked = payload(req)?;
            let entry = system_entry(req, approver, "attendance.punch", json!({}));
            crate::attendance::apply_correction(conn, &asked, (approver, entry), now)?;
            Ok(())
        }
        ApprovalKind::News | ApprovalKind::OfficialAccountChange => Err(AppError::rule(
            "kind_not_available",
            format!(
                "requests of kind {} cannot take effect in this version",
                req.kind.as_str()
            ),
        )),
    }
}

fn status_change(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    product: &products::Product,
    next: ProductStatus,
    approver: Uuid,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !products::set_status(conn, product.id, product.status, next, now)? {
        return Err(changed("the product's status changed meanwhile"));
    }
    let event = match next {
        ProductStatus::Listed => Some(crate::outbox::EventType::ProductListed),
        ProductStatus::Delisted => Some(crate::outbox::EventType::ProductDelisted),
        _ => None,
    };
    if let Some(event) = event {
        crate::outbox::record(
            conn,
            event,
            &product.id.to_string(),
            json!({"from": product.status.as_str(), "approval_request": req.id}),
            now,
        )?;
    }
    products::insert_event(
        conn,
        product.id,
        Some(approver),
        "status_changed",
        json!({"from": product.status.as_str(), "to": next.as_str()}),
        reason.or(Some(&req.reason)),
        Some(req.id),
        now,
    )?;
    Ok(())
}

/// Undoes what a proposal reserved when it is rejected or withdrawn.
pub fn on_closed(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    state: ApprovalState,
    actor: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if req.subject_type == crate::content::SUBJECT {
        return crate::content::on_closed(conn, req, state, actor, now);
    }
    if req.subject_type == crate::vault::SUBJECT {
        return crate::vault::on_closed(conn, req, state, now);
    }
    match req.kind {
        ApprovalKind::Listing => {
            let p: Listing = payload(req)?;
            let product = products::get(conn, subject_uuid(req)?)?;
            if let Ok(back) = product.status.abandon_listing(p.from) {
                if products::set_status(conn, product.id, product.status, back, now)? {
                    products::insert_event(
                        conn,
                        product.id,
                        Some(actor),
                        "status_changed",
                        json!({"from": product.status.as_str(), "to": back.as_str()}),
                        Some(&format!("listing {}", state.as_str())),
                        Some(req.id),
                        now,
                    )?;
                }
            }
            Ok(())
        }
        ApprovalKind::Promotion => {
            let p: PromotionApproval = payload(req)?;
            promotions::close(conn, p.promotion_id, state, None)?;
            Ok(())
        }
        ApprovalKind::Leave => {
            let p: LeaveApproval = payload(req)?;
            leave::close(conn, p.leave_id, state, now)?;
            Ok(())
        }
        ApprovalKind::ShiftSwap => {
            let p: crate::duty::SwapApproval = payload(req)?;
            crate::duty::close_swap(conn, p.swap_id, state, now)
        }
        ApprovalKind::Delegation => crate::delegations::on_closed(conn, req, state, now),
        ApprovalKind::ServicePhrase => crate::phrases::on_closed(conn, req, state, now),
        ApprovalKind::PageRevision => {
            let p: PageRevisionApproval = payload(req)?;
            let to = if state == ApprovalState::Withdrawn {
                RevisionStatus::Withdrawn
            } else {
                RevisionStatus::Rejected
            };
            page_revisions::set_status(conn, p.revision_id, RevisionStatus::Pending, to, now)?;
            Ok(())
        }
        _ => Ok(()),
    }
}
