//! Delegated access (R-ACC-1) and the service-phrase library's calls.

use super::requests::{request, ApiFailure};
use ecops_api_types::{
    CreateDelegationRequest, DelegationView, OrgChartEntry, Page, PhraseView, ProposePhraseRequest,
    RetirePhraseRequest, RevokeDelegationRequest, UserView,
};
use gloo_net::http::Method;
use uuid::Uuid;

/// Everyone active, by name: the colleagues a delegation can go to.
pub async fn colleagues() -> Result<Vec<OrgChartEntry>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/org-chart", None).await
}

/// Closed accounts: the posts that may be vacant.
pub async fn departed() -> Result<Page<UserView>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/users?active=false&limit=200", None).await
}

/// `view`: `mine` or `all`.
pub async fn list(view: &str) -> Result<Vec<DelegationView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/delegations?view={view}"),
        None,
    )
    .await
}

pub async fn create(body: &CreateDelegationRequest) -> Result<DelegationView, ApiFailure> {
    request(Method::POST, "/api/v1/delegations", Some(body)).await
}

pub async fn revoke(id: Uuid, reason: &str) -> Result<DelegationView, ApiFailure> {
    let body = RevokeDelegationRequest {
        reason: reason.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/delegations/{id}/revoke"),
        Some(&body),
    )
    .await
}

/// `query`: the query string of `GET /qa/phrases` (`q=…&situation=…&state=…`).
pub async fn phrases(query: &str) -> Result<Vec<PhraseView>, ApiFailure> {
    request::<(), _>(Method::GET, &format!("/api/v1/qa/phrases?{query}"), None).await
}

pub async fn propose_phrase(body: &ProposePhraseRequest) -> Result<PhraseView, ApiFailure> {
    request(Method::POST, "/api/v1/qa/phrases", Some(body)).await
}

pub async fn retire_phrase(id: Uuid, reason: &str) -> Result<PhraseView, ApiFailure> {
    let body = RetirePhraseRequest {
        reason: reason.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/qa/phrases/{id}/retire"),
        Some(&body),
    )
    .await
}
