//! The calls of the content screens: drafts, submission, publication, takedowns, revisions and
//! attachments.

use super::requests::{request, upload_file, ApiFailure};
use ecops_api_types::{
    ContentAttachmentView, ContentDetailView, ContentItemView, ContentSubmission,
    CreateContentRequest, Page, SubmitContentRequest, TakedownRequest, TakedownView,
    UpdateContentRequest,
};
use gloo_net::http::Method;
use uuid::Uuid;

/// Items, newest first; `filter` is a query string (`status=draft&author_id=…`) or empty.
pub async fn list(filter: &str) -> Result<Page<ContentItemView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/content?limit=100&{filter}"),
        None,
    )
    .await
}

/// Approved items waiting to be published, the most urgent first.
pub async fn due() -> Result<Vec<ContentItemView>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/content/due", None).await
}

pub async fn takedowns() -> Result<Vec<TakedownView>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/content/takedowns", None).await
}

pub async fn get(id: Uuid) -> Result<ContentDetailView, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/content/{id}"), None).await
}

pub async fn create(body: &CreateContentRequest) -> Result<ContentItemView, ApiFailure> {
    request(Method::POST, "/api/v1/content", Some(body)).await
}

pub async fn save(id: Uuid, body: &UpdateContentRequest) -> Result<ContentItemView, ApiFailure> {
    request(Method::PUT, &format!("/api/v1/content/{id}"), Some(body)).await
}

pub async fn submit(id: Uuid, reason: &str) -> Result<ContentSubmission, ApiFailure> {
    let body = SubmitContentRequest {
        reason: reason.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/content/{id}/submit"),
        Some(&body),
    )
    .await
}

pub async fn publish(id: Uuid) -> Result<ContentItemView, ApiFailure> {
    request::<(), _>(Method::POST, &format!("/api/v1/content/{id}/publish"), None).await
}

pub async fn take_down(id: Uuid, reason: &str) -> Result<ContentItemView, ApiFailure> {
    let body = TakedownRequest {
        reason: reason.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/content/{id}/takedown"),
        Some(&body),
    )
    .await
}

pub async fn revise(id: Uuid) -> Result<ContentItemView, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/content/{id}/revisions"),
        None,
    )
    .await
}

pub async fn attach(id: Uuid, file: &web_sys::File) -> Result<ContentAttachmentView, ApiFailure> {
    let name = js_sys::encode_uri_component(&file.name());
    upload_file(
        &format!("/api/v1/content/{id}/attachments?file_name={name}"),
        file,
    )
    .await
}

pub async fn detach(id: Uuid, attachment: Uuid) -> Result<ContentItemView, ApiFailure> {
    request::<(), _>(
        Method::DELETE,
        &format!("/api/v1/content/{id}/attachments/{attachment}"),
        None,
    )
    .await
}
