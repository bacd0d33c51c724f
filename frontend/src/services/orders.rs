//! The order desk's calls: the queue, one order, its events; the header's pending counts.

use super::requests::request_with;
use super::requests::{request, ApiFailure};
use ecops_api_types::{
    ApprovalDetail, CreateOrderRequest, ImportReport, OrderEventInput, OrderView, Page, ProductView,
};
use gloo_net::http::Method;
use uuid::Uuid;

/// One page of the queue; `query` is the page's own URL query (filters and sort).
pub async fn queue(query: String) -> Result<Page<OrderView>, ApiFailure> {
    let sep = if query.is_empty() { "" } else { "&" };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/orders?limit=200{sep}{query}"),
        None,
    )
    .await
}

pub async fn get(id: Uuid) -> Result<OrderView, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/orders/{id}"), None).await
}

/// Records what happened to an order; the answer is the order as it is now.
pub async fn record(id: Uuid, event: &OrderEventInput) -> Result<OrderView, ApiFailure> {
    request(
        Method::POST,
        &format!("/api/v1/orders/{id}/events"),
        Some(event),
    )
    .await
}

/// How many requests wait for a decision by one of my roles.
pub async fn approvals_waiting() -> Result<usize, ApiFailure> {
    let page: Page<ApprovalDetail> = request::<(), _>(
        Method::GET,
        "/api/v1/approvals?view=waiting&limit=200",
        None,
    )
    .await?;
    Ok(page.items.len())
}

/// How many orders are past their contact deadline without a contact.
pub async fn overdue() -> Result<usize, ApiFailure> {
    let page: Page<OrderView> =
        request::<(), _>(Method::GET, "/api/v1/orders?overdue=true&limit=200", None).await?;
    Ok(page.items.len())
}

/// Listed products whose SKU or title matches, with live stock and effective price.
pub async fn find_products(q: &str) -> Result<Page<ProductView>, ApiFailure> {
    let q: String = js_sys::encode_uri_component(q).into();
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/products?status=listed&limit=20&q={q}"),
        None,
    )
    .await
}

/// Takes an order; `key` makes a retried or doubled submit return the first answer.
pub async fn create(body: &CreateOrderRequest, key: &str) -> Result<OrderView, ApiFailure> {
    request_with(
        Method::POST,
        "/api/v1/orders",
        Some(body),
        &[("Idempotency-Key", key)],
    )
    .await
}

/// Imports orders from a CSV file (one row per order line); `dry_run` checks every row and
/// writes nothing. The real run carries `key`, so a retry does not import twice.
pub async fn import(csv: &str, dry_run: bool, key: &str) -> Result<ImportReport, ApiFailure> {
    let path = format!("/api/v1/orders/import?dry_run={dry_run}");
    super::requests::request_document(&path, csv, "text/csv", &[("Idempotency-Key", key)]).await
}

/// Checks the order's event hash chain (R-ORD-2): intact, or what is wrong.
pub async fn verify(id: Uuid) -> Result<ecops_api_types::OrderVerification, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/orders/{id}/verification"),
        None,
    )
    .await
}
