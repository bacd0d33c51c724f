//! Products (R-PRD-1..9): drafts, descriptive edits, history, prices, stock and attachments.
//! Status and price changes go through the approvals engine (see `product_requests`).

use super::approval_view;
use crate::auth::{Caller, Identity};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::idempotency;
use crate::state::AppState;
use crate::support::{actor, etag, if_match, page_limit, RequestMeta};
use actix_web::http::{header, StatusCode};
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use ecops_api_types::{
    ActivePromotion, ApprovalRequestView, AttachmentRequest, AttachmentView, CreateProductRequest,
    Page, PageQuery, PendingPrice, PriceHistoryEntry, Problem, ProductEventView, ProductQuery,
    ProductView, StockMovementRequest, StockMovementView, UpdateProductRequest,
};
use ecops_domain::approval::ApprovalState;
use ecops_domain::product::{
    check_price, effective_price, stocktake_overdue, ProductStatus, PromoRule, Sku,
};
use ecops_domain::PermissionLevel;
use ecops_persistence::repo::products::{
    self, Attachment, Descriptive, NewProduct, Product, ProductFilter,
};
use ecops_persistence::repo::promotions;
use ecops_persistence::repo::stock::{self, Reason};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

pub(crate) use ecops_domain::access::PRODUCT_CREATORS;

/// The wire views of products, with prices derived at `now` (a fixed number of queries for any
/// number of products).
pub fn views(
    conn: &mut AnyConnection,
    list: &[Product],
    now: DateTime<Utc>,
) -> ApiResult<Vec<ProductView>> {
    let ids: Vec<Uuid> = list.iter().map(|p| p.id).collect();
    let mut prices = products::prices_of(conn, &ids)?;
    let mut attachments = products::attachments_of(conn, &ids)?;
    let promos = promotions::for_products(conn, &ids, &[ApprovalState::Approved])?;
    list.iter()
        .map(|p| {
            let history = prices.remove(&p.id).unwrap_or_default();
            let in_force: Vec<_> = history.iter().map(|r| r.in_force()).collect();
            let base = effective_price(&in_force, &[], now).unwrap_or(0);
            let mine: Vec<_> = promos
                .iter()
                .filter(|pr| pr.product_ids.contains(&p.id))
                .collect();
            let rules: Vec<_> = mine.iter().map(|pr| (pr.window, pr.rule)).collect();
            let active = mine.iter().find(|pr| pr.window.contains(now));
            let pending = history
                .iter()
                .rev()
                .find(|r| r.effective_from.is_none_or(|t| t > now))
                .map(|r| PendingPrice {
                    price_id: r.id,
                    price_fen: r.price_fen,
                    effective_at: r.effective_from,
                    approval_request_id: r.approval_request_id,
                });
            Ok(ProductView {
                id: p.id,
                sku: p.sku.clone(),
                title: p.title.clone(),
                description: p.description.clone(),
                category: p.category.clone(),
                list_price_fen: p.list_price_fen,
                price_fen: base,
                effective_price_fen: effective_price(&in_force, &rules, now).unwrap_or(base),
                active_promotion: active.map(|pr| ActivePromotion {
                    id: pr.id,
                    name: pr.name.clone(),
                    ends_at: pr.window.end,
                }),
                pending_price: pending,
                stock: p.stock,
                status: crate::wire::product_status(p.status),
                confidential: p.confidential,
                last_counted_at: p.last_counted_at,
                stocktake_overdue: stocktake_overdue(p.last_counted_at, now),
                attachments: attachments
                    .remove(&p.id)
                    .unwrap_or_default()
                    .iter()
                    .map(attachment_view)
                    .collect::<ApiResult<Vec<_>>>()?,
                created_at: p.created_at,
                updated_at: p.updated_at,
                version: p.version,
            })
        })
        .collect()
}

fn attachment_view(a: &Attachment) -> ApiResult<AttachmentView> {
    Ok(AttachmentView {
        id: a.id,
        kind: crate::wire::stored(
            "attachment kind",
            &a.kind,
            ecops_api_types::AttachmentKind::parse,
        )?,
        file_name: a.file_name.clone(),
        content_type: a.content_type.clone(),
        size_bytes: a.size_bytes,
        sha256: a.sha256.clone(),
        copyrighted: a.copyrighted,
        added_by: a.added_by,
        added_at: a.added_at,
    })
}

/// R-ACL-1: a viewer browses published (listed) products only; anything else is not theirs to see.
pub(crate) fn visible(who: &Identity, p: &Product) -> bool {
    who.level >= PermissionLevel::Operator || p.status == ProductStatus::Listed
}

/// Loads a product the caller may see, or 404.
pub(crate) fn load_visible(
    conn: &mut AnyConnection,
    who: &Identity,
    id: Uuid,
) -> ApiResult<Product> {
    products::find(conn, id)?
        .filter(|p| visible(who, p))
        .ok_or_else(|| ApiError::not_found("no such product"))
}

pub(crate) fn one_view(
    conn: &mut AnyConnection,
    p: &Product,
    now: DateTime<Utc>,
) -> ApiResult<ProductView> {
    views(conn, std::slice::from_ref(p), now)?
        .pop()
        .ok_or_else(|| ApiError::internal("view of a product lost"))
}

pub(crate) fn with_etag(status: StatusCode, view: &ProductView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag(view.version)))
        .json(view)
}

/// Checks and normalises the fields of a new product, naming every offending field.
pub(crate) fn parse_new(body: &CreateProductRequest) -> ApiResult<NewProduct> {
    let sku = Sku::parse(&body.sku).map_err(|m| ApiError::invalid_field("sku", m))?;
    check_price(body.price_fen).map_err(|m| ApiError::invalid_field("price_fen", m))?;
    check_price(body.list_price_fen).map_err(|m| ApiError::invalid_field("list_price_fen", m))?;
    Ok(NewProduct {
        id: Uuid::now_v7(),
        sku: sku.to_string(),
        title: body.title.trim().to_owned(),
        description: body.description.trim().to_owned(),
        category: body.category.trim().to_owned(),
        list_price_fen: body.list_price_fen,
        price_fen: body.price_fen,
        confidential: body.confidential,
    })
}

/// Creates a draft product (planner or storefront specialist). Honours `Idempotency-Key`.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    request_body = CreateProductRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key")),
    responses(
        (status = 201, description = "Created as a draft", body = ProductView, headers(("ETag" = String))),
        (status = 409, description = "The SKU exists", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/products")]
pub async fn create_product(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateProductRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let key = idempotency::key_of(&req)?;
    let fingerprint = idempotency::fingerprint(&req, &body);
    let now = state.clock.now();
    idempotency::run_once(
        &state,
        who,
        key,
        fingerprint,
        StatusCode::CREATED,
        move |conn, who| {
            who.require_scope("products:write")?;
            let new = parse_new(&body)?;
            let a = actor(who, &meta);
            let p = ecops_app::products::create(conn, &a, &new, now)?;
            one_view(conn, &p, now)
        },
    )
    .await
}

/// Lists products by SKU. Viewers see listed products only (R-ACL-1).
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(ProductQuery),
    responses((status = 200, description = "One page of products", body = Page<ProductView>))
)]
#[get("/products")]
pub async fn list_products(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<ProductQuery>,
) -> ApiResult<web::Json<Page<ProductView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let after = state.cursors.decode(q.cursor.as_deref())?;
    let now = state.clock.now();
    let mut status = q
        .status
        .as_deref()
        .map(|s| {
            s.parse::<ProductStatus>().map_err(|_| {
                ApiError::bad_field(
                    "invalid_query",
                    "status",
                    "must be draft, pending_listing, listed or delisted",
                )
            })
        })
        .transpose()?;
    let cursors = state.cursors.clone();
    let (items, next_cursor) = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:read")?;
            if who.level < PermissionLevel::Operator {
                match status {
                    None => status = Some(ProductStatus::Listed),
                    Some(ProductStatus::Listed) => {}
                    Some(_) => return Ok((Vec::new(), None)),
                }
            }
            let filter = ProductFilter {
                status,
                category: q.category,
                search: q
                    .q
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().to_owned()),
                counted_before: q
                    .stocktake_overdue
                    .unwrap_or(false)
                    .then(|| now - Duration::days(2)),
            };

            let rows = products::list(conn, &filter, after.as_deref(), limit + 1)?;
            let (rows, next) = cursors.paginate(rows, limit, |p| p.sku.clone());
            Ok((views(conn, &rows, now)?, next))
        })
        .await?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// One product with its `ETag`, prices derived now.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = ProductView, headers(("ETag" = String))),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/products/{id}")]
pub async fn get_product(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let view = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:read")?;
            let p = load_visible(conn, &who, id)?;
            one_view(conn, &p, now)
        })
        .await?;
    Ok(with_etag(StatusCode::OK, &view))
}

/// Edits descriptive fields (R-PRD-2). Honours `If-Match`. A listed product is edited by the
/// storefront specialist only, and its list price only through a price change. Content flagged
/// confidential or copyrighted goes to the marketing director and the general manager
/// (R-PRD-8): the answer is then 202 with the request, and nothing changes until it is approved.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body = UpdateProductRequest,
    responses(
        (status = 200, description = "Edited", body = ProductView, headers(("ETag" = String))),
        (status = 202, description = "Confidential content: filed for approval", body = ApprovalRequestView),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/products/{id}")]
pub async fn update_product(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateProductRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let body = body.into_inner();
    let changes = Descriptive {
        title: body.title.map(|s| s.trim().to_owned()),
        description: body.description.map(|s| s.trim().to_owned()),
        category: body.category.map(|s| s.trim().to_owned()),
        list_price_fen: body.list_price_fen,
        confidential: body.confidential,
    };
    if changes.title.is_none()
        && changes.description.is_none()
        && changes.category.is_none()
        && changes.list_price_fen.is_none()
        && changes.confidential.is_none()
    {
        return Err(ApiError::unprocessable(
            "nothing_to_change",
            "name at least one field to change",
        ));
    }
    let reason = body
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    let now = state.clock.now();
    let outcome = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let a = actor(&who, &meta);
            Ok(
                match ecops_app::products::update(conn, &a, id, expected, &changes, reason, now)? {
                    ecops_app::products::EditOutcome::Applied(p) => Ok(one_view(conn, &p, now)?),
                    ecops_app::products::EditOutcome::Filed(r) => Err(approval_view(&r)),
                },
            )
        })
        .await?;
    Ok(match outcome {
        Ok(view) => with_etag(StatusCode::OK, &view),
        Err(request) => HttpResponse::Accepted().json(request),
    })
}

/// The product's full history: creation, edits, status changes, prices, promotions, with who
/// and why.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "Oldest first", body = Vec<ProductEventView>),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/products/{id}/history")]
pub async fn get_product_history(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<ProductEventView>>> {
    let id = id.into_inner();
    let events = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:read")?;
            load_visible(conn, &who, id)?;
            Ok(products::events(conn, id)?)
        })
        .await?;
    Ok(web::Json(
        events
            .into_iter()
            .map(|e| ProductEventView {
                id: e.id,
                at: e.at,
                actor_id: e.actor_id,
                kind: e.kind,
                detail: e.detail,
                reason: e.reason,
                approval_request_id: e.approval_request_id,
            })
            .collect(),
    ))
}

/// R-PRD-6/7: every price that was ever in force (base prices and promotions), each with who
/// proposed and approved it; approved prices not yet in force come last.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "Prices in the order they came into force", body = Vec<PriceHistoryEntry>),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/products/{id}/price-history")]
pub async fn get_price_history(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<PriceHistoryEntry>>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let (prices, promos) = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:read")?;
            load_visible(conn, &who, id)?;
            let prices = products::prices_of(conn, &[id])?
                .remove(&id)
                .unwrap_or_default();
            let promos = promotions::for_products(conn, &[id], &[ApprovalState::Approved])?;
            Ok((prices, promos))
        })
        .await?;
    let mut in_force: Vec<_> = prices
        .iter()
        .filter(|p| p.effective_from.is_some())
        .collect();
    in_force.sort_by_key(|p| p.effective_from);
    let mut out: Vec<PriceHistoryEntry> = Vec::new();
    for (i, p) in in_force.iter().enumerate() {
        let until = in_force.get(i + 1).and_then(|n| n.effective_from);
        if p.effective_from.is_some_and(|f| f > now) {
            continue;
        }
        out.push(PriceHistoryEntry {
            source: crate::wire::stored(
                "price source",
                &p.source,
                ecops_api_types::PriceSource::parse,
            )?,
            price_fen: Some(p.price_fen),
            percent_off: None,
            from: p.effective_from,
            until: until.filter(|u| *u <= now),
            proposer_id: p.proposer_id,
            approver_id: p.approver_id,
            applied_by: p.applied_by,
            approval_request_id: p.approval_request_id,
            promotion_id: None,
            competitors: p.competitors.clone(),
        });
    }
    for pr in promos.iter().filter(|pr| pr.window.start <= now) {
        let (price, pct) = match pr.rule {
            PromoRule::Price(v) => (Some(v), None),
            PromoRule::PercentOff(v) => (None, Some(v)),
        };
        out.push(PriceHistoryEntry {
            source: ecops_api_types::PriceSource::Promotion,
            price_fen: price,
            percent_off: pct,
            from: Some(pr.window.start),
            until: Some(pr.window.end).filter(|e| *e <= now),
            proposer_id: Some(pr.proposer_id),
            approver_id: pr.approver_id,
            applied_by: None,
            approval_request_id: pr.approval_request_id,
            promotion_id: Some(pr.id),
            competitors: json!([]),
        });
    }
    out.sort_by_key(|e| e.from);
    for p in prices
        .iter()
        .filter(|p| p.effective_from.is_none_or(|f| f > now))
    {
        out.push(PriceHistoryEntry {
            source: crate::wire::stored(
                "price source",
                &p.source,
                ecops_api_types::PriceSource::parse,
            )?,
            price_fen: Some(p.price_fen),
            percent_off: None,
            from: p.effective_from,
            until: None,
            proposer_id: p.proposer_id,
            approver_id: p.approver_id,
            applied_by: p.applied_by,
            approval_request_id: p.approval_request_id,
            promotion_id: None,
            competitors: p.competitors.clone(),
        });
    }
    Ok(web::Json(out))
}

/// Moves stock (warehouse or storefront specialist): goods received, returns, adjustments.
/// Stock never goes below zero; reaching zero delists a listed product at once (R-PRD-4);
/// restocking never relists.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = StockMovementRequest,
    responses(
        (status = 201, description = "Moved; the product as it is now", body = ProductView),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not enough stock, or a bad reason", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/products/{id}/stock-movements")]
pub async fn create_stock_movement(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<StockMovementRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let reason = match body.reason.as_str() {
        "receipt" => Reason::Receipt,
        "adjustment" => Reason::Adjustment,
        "return" => Reason::Return,
        _ => {
            return Err(ApiError::invalid_field(
                "reason",
                "must be receipt, adjustment or return",
            ))
        }
    };
    if body.delta == 0 {
        return Err(ApiError::invalid_field("delta", "must not be zero"));
    }
    if reason != Reason::Adjustment && body.delta < 0 {
        return Err(ApiError::invalid_field(
            "delta",
            "receipts and returns add stock; use an adjustment to remove it",
        ));
    }
    let now = state.clock.now();
    let input = ecops_app::products::StockInput {
        delta: body.delta,
        reason,
        reference: body.reference,
        note: body.note,
    };
    let view = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let a = actor(&who, &meta);
            let p = ecops_app::products::move_stock(conn, &a, id, input, now)?;
            one_view(conn, &p, now)
        })
        .await?;
    Ok(with_etag(StatusCode::CREATED, &view))
}

/// The stock movements of a product, newest first.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id"), PageQuery),
    responses(
        (status = 200, description = "One page of movements", body = Page<StockMovementView>),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/products/{id}/stock-movements")]
pub async fn list_stock_movements(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
    query: Query<PageQuery>,
) -> ApiResult<web::Json<Page<StockMovementView>>> {
    let id = id.into_inner();
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    let rows = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Operator, &[])?;
            who.require_scope("products:read")?;
            load_visible(conn, &who, id)?;
            Ok(stock::movements(conn, id, before.as_deref(), limit + 1)?)
        })
        .await?;
    let (rows, next_cursor) = state.cursors.paginate(rows, limit, |m| m.id.to_string());
    Ok(web::Json(Page {
        items: rows
            .into_iter()
            .map(|m| StockMovementView {
                id: m.id,
                delta: m.delta,
                stock_after: m.stock_after,
                reason: m.reason,
                reference: m.reference,
                note: m.note,
                actor_id: m.actor_id,
                at: m.at,
            })
            .collect(),
        next_cursor,
    }))
}

/// Records an uploaded file's metadata (R-PUB-3: size limits by kind). Copyrighted material is
/// attached to drafts only; afterwards it changes through the confidential-information chain.
#[utoipa::path(
    tag = "products",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = AttachmentRequest,
    responses(
        (status = 201, description = "Attached", body = AttachmentView),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too large, wrong kind, or copyrighted material on a non-draft", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/products/{id}/attachments")]
pub async fn add_attachment(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<AttachmentRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let limits = state.config.upload_limits;
    let limit = match body.kind.as_str() {
        "image" => limits.image_bytes,
        "video" => limits.video_bytes,
        "document" => limits.document_bytes,
        _ => {
            return Err(ApiError::invalid_field(
                "kind",
                "must be image, video or document",
            ))
        }
    };
    if body.size_bytes > limit {
        return Err(ApiError::Unprocessable {
            code: "file_too_large",
            detail: format!("{} files may be at most {limit} bytes", body.kind),
            errors: vec![ecops_api_types::FieldError {
                field: "size_bytes".into(),
                message: format!("must be at most {limit}"),
            }],
        });
    }
    if !body.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ApiError::invalid_field(
            "sha256",
            "must be 64 hexadecimal digits",
        ));
    }
    let now = state.clock.now();
    let attachment = state
        .run_as(who, move |conn, who| {
            who.require_scope("products:write")?;
            let attachment = Attachment {
                id: Uuid::now_v7(),
                product_id: id,
                kind: body.kind,
                file_name: body.file_name.trim().to_owned(),
                content_type: body.content_type.trim().to_ascii_lowercase(),
                size_bytes: body.size_bytes,
                sha256: body.sha256.to_ascii_lowercase(),
                copyrighted: body.copyrighted,
                added_by: who.user_id,
                added_at: now,
            };
            let act = actor(&who, &meta);
            ecops_app::products::add_attachment(conn, &act, id, &attachment, now)?;
            Ok(attachment)
        })
        .await?;
    Ok(HttpResponse::Created().json(attachment_view(&attachment)?))
}
