//! The monthly evaluation's calls.

use super::requests::{request, request_with, ApiFailure};
use ecops_api_types::{
    DisputeEvaluationRequest, DraftEvaluationsRequest, EvaluationResolution, EvaluationView,
    ResolveEvaluationRequest, ScoreEvaluationRequest,
};
use gloo_net::http::Method;
use uuid::Uuid;

pub async fn month(month: &str) -> Result<Vec<EvaluationView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/evaluations?month={month}"),
        None,
    )
    .await
}

pub async fn draft(month: &str) -> Result<Vec<EvaluationView>, ApiFailure> {
    let body = DraftEvaluationsRequest {
        month: month.to_owned(),
    };
    request(Method::POST, "/api/v1/evaluations/drafts", Some(&body)).await
}

pub async fn score(
    id: Uuid,
    version: i64,
    body: &ScoreEvaluationRequest,
) -> Result<EvaluationView, ApiFailure> {
    let tag = format!("\"v{version}\"");
    request_with(
        Method::PATCH,
        &format!("/api/v1/evaluations/{id}"),
        Some(body),
        &[("If-Match", &tag)],
    )
    .await
}

pub async fn submit(id: Uuid) -> Result<EvaluationView, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/evaluations/{id}/submit"),
        None,
    )
    .await
}

pub async fn acknowledge(id: Uuid) -> Result<EvaluationView, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/evaluations/{id}/acknowledge"),
        None,
    )
    .await
}

pub async fn dispute(id: Uuid, comment: &str) -> Result<EvaluationView, ApiFailure> {
    let body = DisputeEvaluationRequest {
        comment: comment.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/evaluations/{id}/dispute"),
        Some(&body),
    )
    .await
}

pub async fn resolve(
    id: Uuid,
    resolution: EvaluationResolution,
    comment: &str,
) -> Result<EvaluationView, ApiFailure> {
    let body = ResolveEvaluationRequest {
        resolution,
        comment: comment.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/evaluations/{id}/resolve"),
        Some(&body),
    )
    .await
}
