//! Service quality's calls: contacts, the checklist, reviews and responses, the sample, the
//! figures.

use super::requests::{request, ApiFailure};
use ecops_api_types::{
    ChecklistView, ContactView, CreateReviewRequest, QualityFigures, ReviewResponseRequest,
    ReviewView, SampleGroup, SampleRequest,
};
use gloo_net::http::Method;
use uuid::Uuid;

pub async fn checklist() -> Result<ChecklistView, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/qa/checklist", None).await
}

pub async fn contact(id: Uuid) -> Result<ContactView, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/contacts/{id}"), None).await
}

/// Reviews of the period in `query` (`from=…&to=…`): one's own, or everyone's for overseers.
pub async fn reviews(query: &str) -> Result<Vec<ReviewView>, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/qa/reviews?{query}"), None).await
}

pub async fn review(body: &CreateReviewRequest) -> Result<ReviewView, ApiFailure> {
    request(Method::POST, "/api/v1/qa/reviews", Some(body)).await
}

pub async fn respond(id: Uuid, text: &str) -> Result<ReviewView, ApiFailure> {
    let body = ReviewResponseRequest {
        text: text.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/qa/reviews/{id}/response"),
        Some(&body),
    )
    .await
}

pub async fn sample(body: &SampleRequest) -> Result<Vec<SampleGroup>, ApiFailure> {
    request(Method::POST, "/api/v1/qa/samples", Some(body)).await
}

pub async fn figures(query: &str) -> Result<QualityFigures, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/qa/figures?{query}"), None).await
}
