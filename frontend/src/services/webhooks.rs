//! Webhook subscriptions and their delivery log.

use super::requests::{request, ApiFailure};
use ecops_api_types::{
    AttemptView, CreateWebhookRequest, DeliveryView, Page, RedeliverRangeRequest, Redelivered,
    WebhookCreated, WebhookView,
};
use gloo_net::http::Method;
use uuid::Uuid;

pub async fn list() -> Result<Vec<WebhookView>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/webhooks", None).await
}

pub async fn create(body: &CreateWebhookRequest) -> Result<WebhookCreated, ApiFailure> {
    request(Method::POST, "/api/v1/webhooks", Some(body)).await
}

/// `action`: `pause` or `resume`.
pub async fn set_state(id: Uuid, action: &str) -> Result<WebhookView, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/webhooks/{id}/{action}"),
        None,
    )
    .await
}

pub async fn remove(id: Uuid) -> Result<WebhookView, ApiFailure> {
    request::<(), _>(Method::DELETE, &format!("/api/v1/webhooks/{id}"), None).await
}

pub async fn ping(id: Uuid) -> Result<AttemptView, ApiFailure> {
    request::<(), _>(Method::POST, &format!("/api/v1/webhooks/{id}/ping"), None).await
}

/// `state`: empty for all.
pub async fn deliveries(id: Uuid, state: &str) -> Result<Page<DeliveryView>, ApiFailure> {
    let q = if state.is_empty() {
        String::new()
    } else {
        format!("&state={state}")
    };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/webhooks/{id}/deliveries?limit=100{q}"),
        None,
    )
    .await
}

pub async fn attempts(id: Uuid) -> Result<Page<AttemptView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/webhooks/{id}/attempts?limit=100"),
        None,
    )
    .await
}

pub async fn redeliver(id: Uuid, event: Uuid) -> Result<DeliveryView, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/webhooks/{id}/deliveries/{event}/redeliver"),
        None,
    )
    .await
}

pub async fn redeliver_range(
    id: Uuid,
    body: &RedeliverRangeRequest,
) -> Result<Redelivered, ApiFailure> {
    request(
        Method::POST,
        &format!("/api/v1/webhooks/{id}/redeliver"),
        Some(body),
    )
    .await
}
