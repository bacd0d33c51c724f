//! The official-account vault's calls: entries (never a secret), a reveal with its reason, the
//! reveal history, change requests.

use super::requests::{request, ApiFailure};
use ecops_api_types::{
    ApprovalRequestView, CreateVaultEntryRequest, ProposeVaultChangeRequest, RevealRequest,
    RevealView, RevealedSecret, VaultChangeView, VaultEntryView,
};
use gloo_net::http::Method;
use uuid::Uuid;

pub async fn entries() -> Result<Vec<VaultEntryView>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/vault/entries", None).await
}

pub async fn create(body: &CreateVaultEntryRequest) -> Result<VaultEntryView, ApiFailure> {
    request(Method::POST, "/api/v1/vault/entries", Some(body)).await
}

pub async fn reveal(id: Uuid, reason: &str) -> Result<RevealedSecret, ApiFailure> {
    let body = RevealRequest {
        reason: reason.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/vault/entries/{id}/reveal"),
        Some(&body),
    )
    .await
}

pub async fn reveals(id: Uuid) -> Result<Vec<RevealView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/vault/entries/{id}/reveals"),
        None,
    )
    .await
}

pub async fn changes(id: Uuid) -> Result<Vec<VaultChangeView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/vault/entries/{id}/changes"),
        None,
    )
    .await
}

pub async fn propose(
    id: Uuid,
    body: &ProposeVaultChangeRequest,
) -> Result<ApprovalRequestView, ApiFailure> {
    request(
        Method::POST,
        &format!("/api/v1/vault/entries/{id}/changes"),
        Some(body),
    )
    .await
}
