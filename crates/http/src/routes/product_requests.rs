//! Proposals about products that need approval (R-PRD-3, -5, -6) and applying an approved price.

use super::approval_view;
use super::products::{one_view, with_etag};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::{actor, RequestMeta};
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use ecops_api_types::{
    ApprovalRequestView, PriceChangeRequest, Problem, ProductView, ReasonRequest,
};
use ecops_app::effects::CompetitorPrice;
use uuid::Uuid;

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
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.into_inner().reason.trim().to_owned();
    let now = state.clock.now();
    let r = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let a = actor(&who, &meta);
            Ok(ecops_app::products::request_listing(
                conn, &a, id, &reason, now,
            )?)
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
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.into_inner().reason.trim().to_owned();
    let now = state.clock.now();
    let r = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let a = actor(&who, &meta);
            Ok(ecops_app::products::request_delisting(
                conn, &a, id, &reason, now,
            )?)
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
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<PriceChangeRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let now = state.clock.now();
    let input = ecops_app::products::PriceChangeInput {
        new_price_fen: body.new_price_fen,
        effective_at: body.effective_at,
        competitors: body
            .competitors
            .iter()
            .map(|c| CompetitorPrice {
                name: c.name.trim().to_owned(),
                price_fen: c.price_fen,
            })
            .collect(),
        reason: body.reason,
    };
    let r = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let a = actor(&who, &meta);
            Ok(ecops_app::products::request_price_change(
                conn, &a, id, input, now,
            )?)
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
    who: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, price_id) = path.into_inner();
    let now = state.clock.now();
    let view = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let a = actor(&who, &meta);
            let p = ecops_app::products::apply_price(conn, &a, id, price_id, now)?;
            one_view(conn, &p, now)
        })
        .await?;
    Ok(with_etag(StatusCode::OK, &view))
}
