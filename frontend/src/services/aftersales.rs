//! The after-sales screens' calls (R-AFS-1..3).

use super::requests::{request, ApiFailure};
use ecops_api_types::{CaseView, Page};
use gloo_net::http::Method;

/// One page of cases; `query` is the page's own URL query (kind, status, escalated).
pub async fn list(query: &str) -> Result<Page<CaseView>, ApiFailure> {
    let sep = if query.is_empty() { "" } else { "&" };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/aftersales?limit=200{sep}{query}"),
        None,
    )
    .await
}
