//! The after-sales screens' calls (R-AFS-1..3).

use super::requests::{download_text, request, request_with, ApiFailure};
use ecops_api_types::{
    CaseView, CreateCaseRequest, DailyAftersales, FactoryRow, Page, UpdateCaseRequest,
};
use gloo_net::http::Method;
use uuid::Uuid;

/// One page of cases; `query` is the page's own URL query (kind, status, escalated, cursor).
pub async fn list(query: String) -> Result<Page<CaseView>, ApiFailure> {
    let sep = if query.is_empty() { "" } else { "&" };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/aftersales?limit=200{sep}{query}"),
        None,
    )
    .await
}

pub async fn get(id: Uuid) -> Result<CaseView, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/aftersales/{id}"), None).await
}

/// The cases opened on one order.
pub async fn of_order(id: Uuid) -> Vec<CaseView> {
    request::<(), Page<CaseView>>(
        Method::GET,
        &format!("/api/v1/aftersales?order_id={id}&limit=200"),
        None,
    )
    .await
    .map(|p| p.items)
    .unwrap_or_default()
}

/// Opens a case; `key` makes a doubled submit return the first answer.
pub async fn open(body: &CreateCaseRequest, key: &str) -> Result<CaseView, ApiFailure> {
    request_with(
        Method::POST,
        "/api/v1/aftersales",
        Some(body),
        &[("Idempotency-Key", key)],
    )
    .await
}

/// Moves a case on, refused when someone changed it since `version` was read.
pub async fn update(
    id: Uuid,
    version: i64,
    body: &UpdateCaseRequest,
) -> Result<CaseView, ApiFailure> {
    let tag = format!("\"v{version}\"");
    request_with(
        Method::PATCH,
        &format!("/api/v1/aftersales/{id}"),
        Some(body),
        &[("If-Match", &tag)],
    )
    .await
}

pub async fn daily(from: &str, to: &str) -> Result<Vec<DailyAftersales>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/aftersales/reports/daily?from={from}&to={to}"),
        None,
    )
    .await
}

pub async fn factory(from: &str, to: &str) -> Result<Vec<FactoryRow>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/aftersales/reports/factory?from={from}&to={to}"),
        None,
    )
    .await
}

/// Saves a report as CSV (`report` is `daily` or `factory`).
pub async fn save_csv(report: &str, from: &str, to: &str) -> Result<(), ApiFailure> {
    download_text(
        &format!("/api/v1/aftersales/reports/{report}?from={from}&to={to}&format=csv"),
        &format!("aftersales-{report}-{from}-{to}.csv"),
        "text/csv",
    )
    .await
}
