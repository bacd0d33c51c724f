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

/// What the approval screen reads of a content item (`GET /content/{id}`): only these fields are
/// decoded, which keeps the order desk's bundle small.
#[derive(Clone, PartialEq, serde::Deserialize)]
pub struct ContentBrief {
    pub item: ItemBrief,
    pub revisions: Vec<RevisionBrief>,
}

#[derive(Clone, PartialEq, serde::Deserialize)]
pub struct ItemBrief {
    pub kind: String,
    pub live_revision: Option<i64>,
}

#[derive(Clone, PartialEq, serde::Deserialize)]
pub struct RevisionBrief {
    pub number: i64,
    pub title: String,
    pub body: String,
    pub attachments: Vec<AttachmentBrief>,
}

#[derive(Clone, PartialEq, serde::Deserialize)]
pub struct AttachmentBrief {
    pub file_name: String,
}

/// The content item a request's revision belongs to.
pub async fn content(id: &str) -> Option<ContentBrief> {
    request::<(), _>(Method::GET, &format!("/api/v1/content/{id}"), None)
        .await
        .ok()
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
