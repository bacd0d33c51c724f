//! The customer screens' calls (R-ORD-9).

use super::requests::{request, ApiFailure};
use ecops_api_types::{ApprovalRequestView, CustomerView, OrderView, Page, ReasonRequest};
use gloo_net::http::Method;
use uuid::Uuid;

/// Customers whose name or phone matches `query`'s search (`q=…`) and cursor.
pub async fn search(query: String) -> Result<Page<CustomerView>, ApiFailure> {
    let filter = if query.is_empty() {
        String::new()
    } else {
        format!("&{query}")
    };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/customers?limit=100{filter}"),
        None,
    )
    .await
}

pub async fn get(id: Uuid) -> Result<CustomerView, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/customers/{id}"), None).await
}

pub async fn orders_of(id: Uuid) -> Result<Page<OrderView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/orders?customer_id={id}&limit=200"),
        None,
    )
    .await
}

/// Proposes flagging a bad customer; the department manager decides (R-ORD-9).
pub async fn propose_bad(id: Uuid, reason: &str) -> Result<ApprovalRequestView, ApiFailure> {
    let body = ReasonRequest {
        reason: reason.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/customers/{id}/bad-customer-requests"),
        Some(&body),
    )
    .await
}
