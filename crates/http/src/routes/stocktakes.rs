//! Stocktakes (R-PRD-9): count SKUs against the system quantity, then post the differences as
//! adjustments with who counted.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::{actor, page_limit, RequestMeta};
use actix_web::{get, post, web, HttpResponse};
use ecops_api_types::{
    CreateStocktakeRequest, Page, Problem, StocktakeCountRequest, StocktakeLineView,
    StocktakeQuery, StocktakeView,
};
use ecops_domain::product::Sku;
use ecops_domain::PermissionLevel;
use ecops_persistence::repo::stocktakes::Stocktake;
use ecops_persistence::repo::{products, stocktakes};
use ecops_persistence::AnyConnection;
use uuid::Uuid;

type Skus = std::collections::HashMap<Uuid, String>;

/// The SKUs of the products counted in `takes`, in one query.
fn skus_of(conn: &mut AnyConnection, takes: &[&Stocktake]) -> ApiResult<Skus> {
    let ids: Vec<Uuid> = takes
        .iter()
        .flat_map(|s| s.lines.iter().map(|l| l.product_id))
        .collect();
    Ok(products::find_many(conn, &ids)?
        .into_iter()
        .map(|p| (p.id, p.sku))
        .collect())
}

fn view(conn: &mut AnyConnection, s: &Stocktake) -> ApiResult<StocktakeView> {
    let skus = skus_of(conn, &[s])?;
    view_with(s, &skus)
}

fn view_with(s: &Stocktake, skus: &Skus) -> ApiResult<StocktakeView> {
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

/// Stocktakes, newest first, with their lines; `state=open` for the counts still going on.
#[utoipa::path(
    tag = "stocktakes",
    security(("bearer" = [])),
    params(StocktakeQuery),
    responses(
        (status = 200, description = "One page of stocktakes", body = Page<StocktakeView>),
        (status = 400, description = "A bad filter", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/stocktakes")]
pub async fn list_stocktakes(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<StocktakeQuery>,
) -> ApiResult<web::Json<Page<StocktakeView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    let st = q
        .state
        .map(|s| {
            ecops_api_types::StocktakeState::parse(&s)
                .map(|s| s.as_str())
                .ok_or_else(|| {
                    ApiError::bad_field("invalid_query", "state", "must be open or posted")
                })
        })
        .transpose()?;
    let (rows, skus) = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Operator, &[])?;
            who.require_scope("products:read")?;
            let rows = stocktakes::list(conn, st, before.as_deref(), limit + 1)?;
            let skus = skus_of(conn, &rows.iter().collect::<Vec<_>>())?;
            Ok((rows, skus))
        })
        .await?;
    let (rows, next_cursor) = state.cursors.paginate(rows, limit, |s| s.id.to_string());
    Ok(web::Json(Page {
        items: rows
            .iter()
            .map(|s| view_with(s, &skus))
            .collect::<ApiResult<_>>()?,
        next_cursor,
    }))
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
