//! The product screens' calls.

use super::requests::{request, request_with, ApiFailure};
use ecops_api_types::{
    ApprovalRequestView, CompetitorPriceInput, CreatePageRevisionRequest, CreateProductRequest,
    CreatePromotionRequest, CreateStocktakeRequest, ExecutePageRevisionRequest, Page,
    PageRevisionProposal, PageRevisionView, PageScheduleView, PriceChangeRequest,
    PriceHistoryEntry, ProductView, PromotionProposal, PromotionView, ReasonRequest,
    StockMovementView, StocktakeCountRequest, StocktakeView,
};
use gloo_net::http::Method;
use uuid::Uuid;

/// One page of products; `query` is the page's own URL query (status, search).
pub async fn list(query: String) -> Result<Page<ProductView>, ApiFailure> {
    let sep = if query.is_empty() { "" } else { "&" };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/products?limit=200{sep}{query}"),
        None,
    )
    .await
}

pub async fn get(id: Uuid) -> Result<ProductView, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/products/{id}"), None).await
}

pub async fn price_history(id: Uuid) -> Result<Vec<PriceHistoryEntry>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/products/{id}/price-history"),
        None,
    )
    .await
}

/// Stock movements, for operators; anyone else gets an empty list.
pub async fn movements(id: Uuid) -> Vec<StockMovementView> {
    request::<(), Page<StockMovementView>>(
        Method::GET,
        &format!("/api/v1/products/{id}/stock-movements?limit=50"),
        None,
    )
    .await
    .map(|p| p.items)
    .unwrap_or_default()
}

pub async fn request_listing(id: Uuid, reason: &str) -> Result<ApprovalRequestView, ApiFailure> {
    let body = ReasonRequest {
        reason: reason.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/products/{id}/listing-requests"),
        Some(&body),
    )
    .await
}

pub async fn request_price(
    id: Uuid,
    new_price_fen: i64,
    competitors: Vec<CompetitorPriceInput>,
    reason: &str,
) -> Result<ApprovalRequestView, ApiFailure> {
    let body = PriceChangeRequest {
        new_price_fen,
        effective_at: None,
        competitors,
        reason: reason.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/products/{id}/price-change-requests"),
        Some(&body),
    )
    .await
}

pub async fn apply_price(id: Uuid, price_id: Uuid) -> Result<ProductView, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/products/{id}/prices/{price_id}/apply"),
        None,
    )
    .await
}

/// Drafts a product; `key` makes a doubled submit return the first answer.
pub async fn create(body: &CreateProductRequest, key: &str) -> Result<ProductView, ApiFailure> {
    request_with(
        Method::POST,
        "/api/v1/products",
        Some(body),
        &[("Idempotency-Key", key)],
    )
    .await
}

pub async fn request_delisting(id: Uuid, reason: &str) -> Result<ApprovalRequestView, ApiFailure> {
    let body = ReasonRequest {
        reason: reason.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/products/{id}/delisting-requests"),
        Some(&body),
    )
    .await
}

/// One page of promotions (newest first); `query` carries the state filter and cursor.
pub async fn promotions(query: String) -> Result<Page<PromotionView>, ApiFailure> {
    let sep = if query.is_empty() { "" } else { "&" };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/promotions?limit=100{sep}{query}"),
        None,
    )
    .await
}

pub async fn propose_promotion(
    body: &CreatePromotionRequest,
    key: &str,
) -> Result<PromotionProposal, ApiFailure> {
    request_with(
        Method::POST,
        "/api/v1/promotions",
        Some(body),
        &[("Idempotency-Key", key)],
    )
    .await
}

/// One page of stocktakes (newest first); `query` carries the state filter and cursor.
pub async fn stocktakes(query: String) -> Result<Page<StocktakeView>, ApiFailure> {
    let sep = if query.is_empty() { "" } else { "&" };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/stocktakes?limit=50{sep}{query}"),
        None,
    )
    .await
}

pub async fn stocktake(id: Uuid) -> Result<StocktakeView, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/stocktakes/{id}"), None).await
}

pub async fn start_stocktake(note: &str) -> Result<StocktakeView, ApiFailure> {
    let body = CreateStocktakeRequest {
        note: note.to_owned(),
    };
    request(Method::POST, "/api/v1/stocktakes", Some(&body)).await
}

pub async fn count(id: Uuid, sku: &str, counted_qty: i64) -> Result<StocktakeView, ApiFailure> {
    let body = StocktakeCountRequest {
        sku: sku.to_owned(),
        counted_qty,
    };
    request(
        Method::POST,
        &format!("/api/v1/stocktakes/{id}/counts"),
        Some(&body),
    )
    .await
}

pub async fn post_stocktake(id: Uuid) -> Result<StocktakeView, ApiFailure> {
    request::<(), _>(Method::POST, &format!("/api/v1/stocktakes/{id}/post"), None).await
}

/// One page of page-revision plans; `query` carries the status filter and cursor.
pub async fn revisions(query: String) -> Result<Page<PageRevisionView>, ApiFailure> {
    let sep = if query.is_empty() { "" } else { "&" };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/page-revisions?limit=100{sep}{query}"),
        None,
    )
    .await
}

pub async fn revision_schedule() -> Result<Vec<PageScheduleView>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/page-revisions/schedule", None).await
}

pub async fn propose_revision(
    body: &CreatePageRevisionRequest,
    key: &str,
) -> Result<PageRevisionProposal, ApiFailure> {
    request_with(
        Method::POST,
        "/api/v1/page-revisions",
        Some(body),
        &[("Idempotency-Key", key)],
    )
    .await
}

pub async fn execute_revision(id: Uuid, note: &str) -> Result<PageRevisionView, ApiFailure> {
    let body = ExecutePageRevisionRequest {
        note: note.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/page-revisions/{id}/execute"),
        Some(&body),
    )
    .await
}
