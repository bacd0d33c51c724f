//! The product screens' calls.

use super::requests::{request, ApiFailure};
use ecops_api_types::{
    ApprovalRequestView, CompetitorPriceInput, Page, PriceChangeRequest, PriceHistoryEntry,
    ProductView, ReasonRequest, StockMovementView,
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
