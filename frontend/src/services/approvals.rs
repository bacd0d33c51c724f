//! The approvals inbox's calls.

use super::requests::{request, ApiFailure};
use ecops_api_types::{ApprovalDetail, DecideRequest, Page};
use gloo_net::http::Method;
use uuid::Uuid;

/// `waiting` (for my roles), `mine` (proposed by me) or `all` (managers).
pub async fn list(view: &str) -> Result<Page<ApprovalDetail>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/approvals?view={view}&limit=200"),
        None,
    )
    .await
}

pub async fn get(id: Uuid) -> Result<ApprovalDetail, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/approvals/{id}"), None).await
}

/// Approves or rejects the current step, with the comment every decision carries (R-APR-3).
pub async fn decide(id: Uuid, approve: bool, comment: &str) -> Result<ApprovalDetail, ApiFailure> {
    let body = DecideRequest {
        verdict: if approve { "approve" } else { "reject" }.to_owned(),
        comment: comment.to_owned(),
        as_role: None,
    };
    request(
        Method::POST,
        &format!("/api/v1/approvals/{id}/decisions"),
        Some(&body),
    )
    .await
}

/// Withdraws my own pending request.
pub async fn withdraw(id: Uuid) -> Result<ApprovalDetail, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/approvals/{id}/withdraw"),
        None,
    )
    .await
}

/// What a request refers to, fetched to show its change readably.
pub async fn promotion(id: &str) -> Option<ecops_api_types::PromotionView> {
    request::<(), _>(Method::GET, &format!("/api/v1/promotions/{id}"), None)
        .await
        .ok()
}

pub async fn page_revision(id: &str) -> Option<ecops_api_types::PageRevisionView> {
    request::<(), _>(Method::GET, &format!("/api/v1/page-revisions/{id}"), None)
        .await
        .ok()
}

pub async fn leave(id: &str) -> Option<ecops_api_types::LeaveView> {
    request::<(), _>(Method::GET, &format!("/api/v1/leave-requests/{id}"), None)
        .await
        .ok()
}

pub async fn product(id: &str) -> Option<ecops_api_types::ProductView> {
    request::<(), _>(Method::GET, &format!("/api/v1/products/{id}"), None)
        .await
        .ok()
}
