//! The administration screens' calls: accounts with their roles and levels, API tokens, the audit
//! log and the daily order exports.

use super::requests::{download_text, request, ApiFailure};
use ecops_api_types::{
    ApiTokenCreated, ApiTokenView, ApprovalRequestView, AuditEntryView, CreateApiTokenRequest,
    CreateUserRequest, CreateUserResponse, ExportVerification, OrderExportView, Page,
    PermissionLevelChangeRequest, SetRolesRequest, UserView,
};
use gloo_net::http::Method;
use uuid::Uuid;

/// One page of accounts (`query` carries the filters and cursor).
pub async fn users(query: String) -> Result<Page<UserView>, ApiFailure> {
    let more = if query.is_empty() {
        String::new()
    } else {
        format!("&{query}")
    };
    request::<(), _>(Method::GET, &format!("/api/v1/users?limit=50{more}"), None).await
}

pub async fn create_user(body: &CreateUserRequest) -> Result<CreateUserResponse, ApiFailure> {
    request(Method::POST, "/api/v1/users", Some(body)).await
}

pub async fn set_roles(id: Uuid, roles: Vec<String>) -> Result<UserView, ApiFailure> {
    request(
        Method::PUT,
        &format!("/api/v1/users/{id}/roles"),
        Some(&SetRolesRequest { roles }),
    )
    .await
}

pub async fn deactivate(id: Uuid) -> Result<UserView, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/users/{id}/deactivate"),
        None,
    )
    .await
}

/// Files a permission-level change; the marketing director and the IT lead decide it together.
pub async fn request_level(
    id: Uuid,
    level: &str,
    reason: &str,
) -> Result<ApprovalRequestView, ApiFailure> {
    let body = PermissionLevelChangeRequest {
        permission_level: level.to_owned(),
        reason: reason.to_owned(),
    };
    request(
        Method::POST,
        &format!("/api/v1/users/{id}/permission-level-requests"),
        Some(&body),
    )
    .await
}

pub async fn level_requests(id: Uuid) -> Result<Vec<ApprovalRequestView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/users/{id}/permission-level-requests"),
        None,
    )
    .await
}

pub async fn tokens(query: String) -> Result<Page<ApiTokenView>, ApiFailure> {
    let more = if query.is_empty() {
        String::new()
    } else {
        format!("&{query}")
    };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/api-tokens?limit=50{more}"),
        None,
    )
    .await
}

pub async fn create_token(body: &CreateApiTokenRequest) -> Result<ApiTokenCreated, ApiFailure> {
    request(Method::POST, "/api/v1/api-tokens", Some(body)).await
}

pub async fn revoke_token(id: Uuid) -> Result<ApiTokenView, ApiFailure> {
    request::<(), _>(Method::DELETE, &format!("/api/v1/api-tokens/{id}"), None).await
}

/// One page of the audit log for the filters in `query`.
pub async fn audit(query: String) -> Result<Page<AuditEntryView>, ApiFailure> {
    let more = if query.is_empty() {
        String::new()
    } else {
        format!("&{query}")
    };
    request::<(), _>(Method::GET, &format!("/api/v1/audit?limit=50{more}"), None).await
}

/// Every entry the filters in `filters` select, as CSV, handed to the browser as a download.
pub async fn audit_csv(filters: &str) -> Result<(), ApiFailure> {
    download_text(
        &format!("/api/v1/audit/export?{filters}"),
        "audit.csv",
        "text/csv;charset=utf-8",
    )
    .await
}

pub async fn exports(query: String) -> Result<Page<OrderExportView>, ApiFailure> {
    let more = if query.is_empty() {
        String::new()
    } else {
        format!("&{query}")
    };
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/order-exports?limit=50{more}"),
        None,
    )
    .await
}

pub async fn verify_export(date: chrono::NaiveDate) -> Result<ExportVerification, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/order-exports/{date}/verify"),
        None,
    )
    .await
}

/// Changes an account's name, staff level or wage, if nobody changed it since `version` was read.
pub async fn update_user(
    id: Uuid,
    version: i64,
    body: &ecops_api_types::UpdateUserRequest,
) -> Result<UserView, ApiFailure> {
    let tag = format!("\"v{version}\"");
    super::requests::request_with(
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(body),
        &[("If-Match", &tag)],
    )
    .await
}

/// The backups with the schedule and the one this node is taking now.
pub async fn backups() -> Result<ecops_api_types::BackupList, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/backups", None).await
}

/// Takes a backup now; answers when it is complete.
pub async fn back_up_now() -> Result<ecops_api_types::BackupView, ApiFailure> {
    request::<(), _>(Method::POST, "/api/v1/backups", None).await
}

pub async fn verify_backup(id: Uuid) -> Result<ecops_api_types::BackupVerification, ApiFailure> {
    request::<(), _>(Method::POST, &format!("/api/v1/backups/{id}/verify"), None).await
}

/// The archive, handed to the browser as a download.
pub async fn download_backup(id: Uuid, file_name: &str) -> Result<(), ApiFailure> {
    download_text(
        &format!("/api/v1/backups/{id}/download"),
        file_name,
        "application/gzip",
    )
    .await
}

/// Walks the audit log's hash chain.
pub async fn verify_audit_chain() -> Result<ecops_api_types::AuditChainReport, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/audit/verify", None).await
}
