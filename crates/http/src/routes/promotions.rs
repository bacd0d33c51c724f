//! Promotions (R-PRD-7): proposed by a planner, approved by the marketing director, effective
//! only inside their window, never overlapping another on the same product.

use super::approval_view;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, page_limit, RequestMeta};
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use ecops_api_types::{
    CreatePromotionRequest, Page, Problem, PromotionProposal, PromotionQuery, PromotionView,
};
use ecops_domain::approval::ApprovalState;
use ecops_domain::product::{PromoRule, Sku, Window};
use ecops_persistence::repo::promotions::{self, Promotion};
use uuid::Uuid;

fn view(p: &Promotion, now: DateTime<Utc>) -> PromotionView {
    let (price, pct) = match p.rule {
        PromoRule::Price(v) => (Some(v), None),
        PromoRule::PercentOff(v) => (None, Some(v)),
    };
    PromotionView {
        id: p.id,
        name: p.name.clone(),
        promo_price_fen: price,
        percent_off: pct,
        start_at: p.window.start,
        end_at: p.window.end,
        state: crate::wire::approval_state(p.state),
        approval_request_id: p.approval_request_id,
        proposer_id: p.proposer_id,
        approver_id: p.approver_id,
        product_ids: p.product_ids.clone(),
        active: p.state == ApprovalState::Approved && p.window.contains(now),
    }
}

/// Proposes a promotion (planner). It sets the effective price only once the marketing director
/// approves and only between `start_at` and `end_at`; it ends by itself. A promotion overlapping
/// another (approved or pending) on any of its products is refused.
#[utoipa::path(
    tag = "promotions",
    security(("bearer" = [])),
    request_body = CreatePromotionRequest,
    responses(
        (status = 202, description = "Filed for approval", body = PromotionProposal),
        (status = 422, description = "Unknown SKU, bad rule or window, or an overlap", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/promotions")]
pub async fn create_promotion(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreatePromotionRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let rule = match (body.promo_price_fen, body.percent_off) {
        (Some(p), None) => PromoRule::Price(p)
            .check()
            .map_err(|m| ApiError::invalid_field("promo_price_fen", m))?,
        (None, Some(p)) => PromoRule::PercentOff(p)
            .check()
            .map_err(|m| ApiError::invalid_field("percent_off", m))?,
        _ => {
            return Err(ApiError::invalid_field(
                "promo_price_fen",
                "give exactly one of promo_price_fen and percent_off",
            ))
        }
    };
    let window = Window::new(body.start_at, body.end_at)
        .map_err(|m| ApiError::invalid_field("end_at", m))?;
    let now = state.clock.now();
    if window.end <= now {
        return Err(ApiError::invalid_field(
            "end_at",
            "the promotion would already be over",
        ));
    }
    let mut skus = Vec::new();
    for (i, raw) in body.skus.iter().enumerate() {
        let sku = Sku::parse(raw)
            .map_err(|m| ApiError::invalid_field(&format!("skus.{i}"), m))?
            .to_string();
        if !skus.contains(&sku) {
            skus.push(sku);
        }
    }
    let input = ecops_app::promotions::PromotionInput {
        name: body.name.trim().to_owned(),
        rule,
        window,
        skus,
        reason: body.reason.trim().to_owned(),
    };
    let (promo, request) = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let a = actor(&who, &meta);
            Ok(ecops_app::promotions::propose(conn, &a, input, now)?)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(PromotionProposal {
        promotion: view(&promo, now),
        approval_request: approval_view(&request),
    }))
}

/// Promotions, newest first, filterable by state.
#[utoipa::path(
    tag = "promotions",
    security(("bearer" = [])),
    params(PromotionQuery),
    responses((status = 200, description = "One page of promotions", body = Page<PromotionView>))
)]
#[get("/promotions")]
pub async fn list_promotions(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<PromotionQuery>,
) -> ApiResult<web::Json<Page<PromotionView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    let st = q
        .state
        .as_deref()
        .map(|s| {
            s.parse::<ApprovalState>().map_err(|_| {
                ApiError::bad_field(
                    "invalid_query",
                    "state",
                    "must be pending, approved, rejected or withdrawn",
                )
            })
        })
        .transpose()?;
    let now = state.clock.now();
    let rows = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:read")?;
            Ok(promotions::list(conn, st, before.as_deref(), limit + 1)?)
        })
        .await?;
    let (rows, next_cursor) = state.cursors.paginate(rows, limit, |p| p.id.to_string());
    Ok(web::Json(Page {
        items: rows.iter().map(|p| view(p, now)).collect(),
        next_cursor,
    }))
}

/// One promotion.
#[utoipa::path(
    tag = "promotions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Promotion id")),
    responses(
        (status = 200, description = "The promotion", body = PromotionView),
        (status = 404, description = "No such promotion", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/promotions/{id}")]
pub async fn get_promotion(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<PromotionView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let p = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:read")?;
            promotions::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such promotion"))
        })
        .await?;
    Ok(web::Json(view(&p, now)))
}
