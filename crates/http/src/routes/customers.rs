//! Customers (R-ORD-9): contact data, classification statistics, order history, and the
//! bad-customer flag through approval.

use super::approval_view;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, etag, if_match, page_limit, RequestMeta};
use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use ecops_api_types::{
    ApprovalRequestView, ClassificationCount, CustomerQuery, CustomerView, Page, Problem,
    ReasonRequest, UpdateCustomerRequest,
};
use ecops_domain::PermissionLevel;
use ecops_persistence::repo::customers::{self, Customer, CustomerChanges, CustomerFilter};
use uuid::Uuid;

fn view(c: &Customer) -> CustomerView {
    CustomerView {
        id: c.id,
        name: c.name.clone(),
        phone: c.phone.clone(),
        email: c.email.clone(),
        address: c.address.clone(),
        classification: c.classification.clone(),
        bad_customer: c.bad_customer,
        bad_customer_reason: c.bad_customer_reason.clone(),
        created_at: c.created_at,
        version: c.version,
    }
}

/// Customers, newest first; filter by classification, bad-customer flag, or text.
#[utoipa::path(tag = "customers", security(("bearer" = [])), params(CustomerQuery),
    responses((status = 200, description = "One page of customers", body = Page<CustomerView>)))]
#[get("/customers")]
pub async fn list_customers(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<CustomerQuery>,
) -> ApiResult<web::Json<Page<CustomerView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    let f = CustomerFilter {
        classification: q.classification,
        bad_customer: q.bad_customer,
        search: q.q.filter(|s| !s.trim().is_empty()),
    };
    let rows = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Operator, &[])?;
            who.require_scope("orders:read")?;
            Ok(customers::list(conn, &f, before.as_deref(), limit + 1)?)
        })
        .await?;
    let (rows, next_cursor) = state.cursors.paginate(rows, limit, |c| c.id.to_string());
    Ok(web::Json(Page {
        items: rows.iter().map(view).collect(),
        next_cursor,
    }))
}

/// Customer counts by classification (客户分类统计).
#[utoipa::path(tag = "customers", security(("bearer" = [])),
    responses((status = 200, description = "Counts", body = Vec<ClassificationCount>)))]
#[get("/customers/statistics")]
pub async fn customer_statistics(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<Vec<ClassificationCount>>> {
    let rows = state
        .run_as(who, |conn, who| {
            who.require_scope("orders:read")?;
            Ok(customers::count_by_classification(conn)?)
        })
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(classification, customers)| ClassificationCount {
                classification,
                customers,
            })
            .collect(),
    ))
}

/// One customer with its `ETag`; their orders are at `GET /orders?customer_id=`.
#[utoipa::path(tag = "customers", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Customer id")),
    responses((status = 200, description = "The customer", body = CustomerView, headers(("ETag" = String))),
        (status = 404, description = "No such customer", body = Problem, content_type = "application/problem+json")))]
#[get("/customers/{id}")]
pub async fn get_customer(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let c = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Operator, &[])?;
            who.require_scope("orders:read")?;
            customers::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such customer"))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(c.version)))
        .json(view(&c)))
}

/// Updates contact data or classification (customer service). Honours `If-Match`. The
/// bad-customer flag is not editable here.
#[utoipa::path(tag = "customers", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Customer id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body = UpdateCustomerRequest,
    responses((status = 200, description = "Updated", body = CustomerView),
        (status = 404, description = "No such customer", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read", body = Problem, content_type = "application/problem+json")))]
#[patch("/customers/{id}")]
pub async fn update_customer(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateCustomerRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let b = body.into_inner();
    let ch = CustomerChanges {
        name: b.name,
        phone: b.phone,
        email: b.email,
        address: b.address,
        classification: b.classification,
    };
    let now = state.clock.now();
    let c = state
        .run_as(who, move |conn, who| {
            who.require_scope("orders:write")?;
            let a = actor(&who, &meta);
            Ok(ecops_app::customers::update(
                conn, &a, id, expected, &ch, now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(c.version)))
        .json(view(&c)))
}

/// R-ORD-9: customer service proposes flagging a bad customer (劣质客户); the department
/// manager confirms through the approvals engine.
#[utoipa::path(tag = "customers", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Customer id")),
    request_body = ReasonRequest,
    responses((status = 202, description = "Filed for approval", body = ApprovalRequestView),
        (status = 404, description = "No such customer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already flagged, or a request is pending", body = Problem, content_type = "application/problem+json")))]
#[post("/customers/{id}/bad-customer-requests")]
pub async fn request_bad_customer(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let now = state.clock.now();
    let r = state
        .run_as(who, move |conn, who| {
            who.require_scope("orders:write")?;
            let a = actor(&who, &meta);
            Ok(ecops_app::customers::propose_bad_customer(
                conn, &a, id, &reason, now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(approval_view(&r)))
}
