//! Stocktakes (R-PRD-9): count SKUs against the system quantity, then post the differences as
//! adjustments with who counted.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::{actor, RequestMeta};
use actix_web::{get, post, web, HttpResponse};
use ecops_api_types::{
    CreateStocktakeRequest, Problem, StocktakeCountRequest, StocktakeLineView, StocktakeView,
};
use ecops_domain::product::Sku;
use ecops_domain::PermissionLevel;
use ecops_persistence::repo::products;
use ecops_persistence::repo::stocktakes::Stocktake;
use ecops_persistence::AnyConnection;
use uuid::Uuid;

fn view(conn: &mut AnyConnection, s: &Stocktake) -> ApiResult<StocktakeView> {
    let ids: Vec<Uuid> = s.lines.iter().map(|l| l.product_id).collect();
    let skus: std::collections::HashMap<Uuid, String> = products::find_many(conn, &ids)?
        .into_iter()
        .map(|p| (p.id, p.sku))
        .collect();
    Ok(StocktakeView {
        id: s.id,
        state: crate::wire::stored(
            "stocktake state",
            &s.state,
            ecops_api_types::StocktakeState::parse,
        )?,
        note: s.note.clone(),
        started_by: s.started_by,
        started_at: s.started_at,
        posted_at: s.posted_at,
        posted_by: s.posted_by,
        lines: s
            .lines
            .iter()
            .map(|l| StocktakeLineView {
                product_id: l.product_id,
                sku: skus.get(&l.product_id).cloned().unwrap_or_default(),
                counted_qty: l.counted_qty,
                system_qty: l.system_qty,
                difference: l.counted_qty - l.system_qty,
                counted_by: l.counted_by,
                counted_at: l.counted_at,
            })
            .collect(),
    })
}

fn load(conn: &mut AnyConnection, id: Uuid) -> ApiResult<Stocktake> {
    Ok(ecops_app::stocktakes::load(conn, id)?)
}

/// Opens a stocktake session.
#[utoipa::path(
    tag = "stocktakes",
    security(("bearer" = [])),
    request_body = CreateStocktakeRequest,
    responses((status = 201, description = "Opened", body = StocktakeView))
)]
#[post("/stocktakes")]
pub async fn create_stocktake(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateStocktakeRequest>,
) -> ApiResult<HttpResponse> {
    let note = body.into_inner().note;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let a = actor(&who, &meta);
            let s = ecops_app::stocktakes::open(conn, &a, &note, now)?;
            view(conn, &s)
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Records the counted quantity of one SKU (again to correct it), against the system quantity
/// at this moment.
#[utoipa::path(
    tag = "stocktakes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Stocktake id")),
    request_body = StocktakeCountRequest,
    responses(
        (status = 200, description = "Counted", body = StocktakeView),
        (status = 404, description = "No such stocktake", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already posted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown SKU", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/stocktakes/{id}/counts")]
pub async fn record_stocktake_count(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<StocktakeCountRequest>,
) -> ApiResult<web::Json<StocktakeView>> {
    let id = id.into_inner();
    let body = body.into_inner();
    let sku = Sku::parse(&body.sku)
        .map_err(|m| ApiError::invalid_field("sku", m))?
        .to_string();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let a = actor(&who, &meta);
            let s = ecops_app::stocktakes::count(conn, &a, id, &sku, body.counted_qty, now)?;
            view(conn, &s)
        })
        .await?;
    Ok(web::Json(v))
}

/// Posts the stocktake: each difference becomes a stock adjustment (reason `stocktake`) and every
/// counted SKU is marked counted. Reaching zero delists (R-PRD-4).
#[utoipa::path(
    tag = "stocktakes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Stocktake id")),
    responses(
        (status = 200, description = "Posted", body = StocktakeView),
        (status = 404, description = "No such stocktake", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already posted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Stock moved since the count so far that a difference cannot be posted", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/stocktakes/{id}/post")]
pub async fn post_stocktake(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<StocktakeView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let a = actor(&who, &meta);
            let s = ecops_app::stocktakes::post(conn, &a, id, now)?;
            view(conn, &s)
        })
        .await?;
    Ok(web::Json(v))
}

/// One stocktake with its lines.
#[utoipa::path(
    tag = "stocktakes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Stocktake id")),
    responses(
        (status = 200, description = "The stocktake", body = StocktakeView),
        (status = 404, description = "No such stocktake", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/stocktakes/{id}")]
pub async fn get_stocktake(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<StocktakeView>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .run_as(who, move |conn, who| {
                who.require(PermissionLevel::Operator, &[])?;
                who.require_scope("products:read")?;
                let s = load(conn, id)?;
                view(conn, &s)
            })
            .await?,
    ))
}
