//! Proposals about products that need approval (R-PRD-3, -5, -6) and applying an approved price.

use super::approval_view;
use super::products::{one_view, with_etag};
use crate::auth::Identity;
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::{actor, RequestMeta};
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use ecops_api_types::{
    ApprovalRequestView, PriceChangeRequest, Problem, ProductView, ReasonRequest,
};
use ecops_app::approvals as engine;
use ecops_app::effects::{AbnormalDelisting, CompetitorPrice, Listing, PriceChange};
use ecops_domain::approval::{ApprovalKind, ApprovalState};
use ecops_domain::product::{check_price, effective_price, ProductStatus};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::approvals;
use ecops_persistence::repo::{audit, products};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// Refuses a second pending request of `kind` for the same product.
fn no_pending(conn: &mut AnyConnection, product: Uuid, kind: ApprovalKind) -> ApiResult<()> {
    let pending = approvals::for_subject(conn, "product", &product.to_string())?
        .into_iter()
        .find(|r| r.kind == kind && r.state == ApprovalState::Pending);
    match pending {
        Some(r) => Err(ApiError::conflict(
            "pending_request_exists",
            format!(
                "request {} of this kind is already pending for the product",
                r.id
            ),
        )),
        None => Ok(()),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> ApiResult<serde_json::Value> {
    serde_json::to_value(v).map_err(ApiError::internal)
}

/// R-PRD-3: proposes listing a draft or delisted product (planner or storefront specialist).
/// The product waits in `pending_listing`; it is listed when the marketing director approves.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = ReasonRequest,
    responses(
        (status = 202, description = "Filed for approval", body = ApprovalRequestView),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft or delisted product", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/products/{id}/listing-requests")]
pub async fn request_listing(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Identity,
    id: web::Path<Uuid>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    who.require(
        PermissionLevel::Operator,
        &[JobRole::Planner, JobRole::StorefrontSpecialist],
    )?;
    who.require_scope("products:write")?;
    let id = id.into_inner();
    let reason = body.into_inner().reason.trim().to_owned();
    let now = state.clock.now();
    let a = actor(&who, &meta);
    let r = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let p = products::find(conn, id)?
                    .ok_or_else(|| ApiError::not_found("no such product"))?;
                let next = p
                    .status
                    .propose_listing()
                    .map_err(|e| ApiError::conflict("invalid_status", e.to_string()))?;
                if !products::set_status(conn, id, p.status, next, now)? {
                    return Err(ApiError::conflict(
                        "concurrent_update",
                        "the product changed meanwhile",
                    ));
                }
                let r = engine::submit(
                    conn,
                    ApprovalKind::Listing,
                    ("product", id.to_string()),
                    &a,
                    to_json(&Listing { from: p.status })?,
                    &reason,
                    Some(p.version + 1),
                    now,
                )?;
                products::insert_event(
                    conn,
                    id,
                    Some(who.user_id),
                    "status_changed",
                    json!({"from": p.status.as_str(), "to": next.as_str()}),
                    Some(&reason),
                    Some(r.id),
                    now,
                )?;
                Ok(r)
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().json(approval_view(&r)))
}

/// R-PRD-5: proposes delisting a listed product for a reason other than stock (storefront
/// specialist); the department manager approves.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = ReasonRequest,
    responses(
        (status = 202, description = "Filed for approval", body = ApprovalRequestView),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not listed, or a request is pending", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/products/{id}/delisting-requests")]
pub async fn request_delisting(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Identity,
    id: web::Path<Uuid>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    who.require(PermissionLevel::Operator, &[JobRole::StorefrontSpecialist])?;
    who.require_scope("products:write")?;
    let id = id.into_inner();
    let reason = body.into_inner().reason.trim().to_owned();
    let now = state.clock.now();
    let a = actor(&who, &meta);
    let r = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let p = products::find(conn, id)?
                    .ok_or_else(|| ApiError::not_found("no such product"))?;
                if p.status != ProductStatus::Listed {
                    return Err(ApiError::conflict(
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
                    &a,
                    to_json(&AbnormalDelisting {
                        reason: reason.clone(),
                    })?,
                    &reason,
                    Some(p.version),
                    now,
                )?)
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().json(approval_view(&r)))
}

/// R-PRD-6: a planner proposes a new price with the competitor analysis; the marketing director
/// approves; it comes into force at `effective_at`, or when the storefront specialist applies it.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = PriceChangeRequest,
    responses(
        (status = 202, description = "Filed for approval", body = ApprovalRequestView),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A price change is already pending", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/products/{id}/price-change-requests")]
pub async fn request_price_change(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Identity,
    id: web::Path<Uuid>,
    body: ValidJson<PriceChangeRequest>,
) -> ApiResult<HttpResponse> {
    who.require(PermissionLevel::Operator, &[JobRole::Planner])?;
    who.require_scope("products:write")?;
    let id = id.into_inner();
    let body = body.into_inner();
    check_price(body.new_price_fen).map_err(|m| ApiError::invalid_field("new_price_fen", m))?;
    let now = state.clock.now();
    if body.effective_at.is_some_and(|t| t < now) {
        return Err(ApiError::invalid_field(
            "effective_at",
            "must not be in the past",
        ));
    }
    let competitors: Vec<CompetitorPrice> = body
        .competitors
        .iter()
        .map(|c| CompetitorPrice {
            name: c.name.trim().to_owned(),
            price_fen: c.price_fen,
        })
        .collect();
    let reason = body.reason.trim().to_owned();
    let a = actor(&who, &meta);
    let r = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let p = products::find(conn, id)?
                    .ok_or_else(|| ApiError::not_found("no such product"))?;
                no_pending(conn, id, ApprovalKind::PriceChange)?;
                let history = products::prices_of(conn, &[id])?
                    .remove(&id)
                    .unwrap_or_default();
                let in_force: Vec<_> = history.iter().map(|r| r.in_force()).collect();
                let current = effective_price(&in_force, &[], now).unwrap_or(0);
                if current == body.new_price_fen {
                    return Err(ApiError::invalid_field(
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
                    &a,
                    to_json(&payload)?,
                    &reason,
                    Some(p.version),
                    now,
                )?)
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().json(approval_view(&r)))
}

/// R-PRD-6: the storefront specialist puts an approved price into force now. Prices approved
/// with an effective time apply by themselves and cannot be applied early.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id"), ("price_id" = Uuid, Path, description = "The approved price (`pending_price.price_id`)")),
    responses(
        (status = 200, description = "In force", body = ProductView),
        (status = 404, description = "No such product or price", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already in force, or scheduled", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/products/{id}/prices/{price_id}/apply")]
pub async fn apply_price(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Identity,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    who.require(PermissionLevel::Operator, &[JobRole::StorefrontSpecialist])?;
    who.require_scope("products:write")?;
    let (id, price_id) = path.into_inner();
    let now = state.clock.now();
    let view = state
        .run(move |conn| {
            write_tx(conn, |conn| {
                let p = products::find(conn, id)?
                    .ok_or_else(|| ApiError::not_found("no such product"))?;
                let price = products::prices_of(conn, &[id])?
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .find(|r| r.id == price_id)
                    .ok_or_else(|| ApiError::not_found("no such price for this product"))?;
                match price.effective_from {
                    Some(t) if t <= now => {
                        return Err(ApiError::conflict(
                            "already_in_force",
                            "this price is already in force",
                        ))
                    }
                    Some(_) => {
                        return Err(ApiError::conflict(
                            "scheduled",
                            "this price comes into force by itself at its approved time",
                        ))
                    }
                    None => {}
                }
                if !products::apply_price(conn, price_id, who.user_id, now)? {
                    return Err(ApiError::conflict(
                        "already_in_force",
                        "this price was applied meanwhile",
                    ));
                }
                products::insert_event(
                    conn,
                    id,
                    Some(who.user_id),
                    "price_applied",
                    json!({"price_id": price_id, "price_fen": price.price_fen}),
                    None,
                    price.approval_request_id,
                    now,
                )?;
                audit::append(
                    conn,
                    &meta.audit(
                        &who,
                        "product.price_applied",
                        Some(("product", id.to_string())),
                        audit::Outcome::Success,
                        json!({"price_fen": price.price_fen}),
                    ),
                    now,
                )?;
                let p = products::get(conn, p.id)?;
                one_view(conn, &p, now)
            })
        })
        .await?;
    Ok(with_etag(StatusCode::OK, &view))
}
