//! Users, job roles, permission-level requests, API tokens and the audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// The job role keys (SPEC §1, and the quality inspector of R-QA-2).
pub const JOB_ROLES: [&str; 11] = [
    "general_manager",
    "marketing_director",
    "dept_manager",
    "planner",
    "storefront_specialist",
    "designer",
    "customer_service",
    "cs_supervisor",
    "qa_inspector",
    "warehouse",
    "it_admin",
];

/// Scopes an API token can carry.
pub const API_SCOPES: [&str; 18] = [
    "users:read",
    "users:write",
    "audit:read",
    "products:read",
    "products:write",
    "orders:read",
    "orders:write",
    "approvals:read",
    "approvals:write",
    "content:read",
    "content:write",
    "attendance:read",
    "attendance:write",
    "reports:read",
    "reports:write",
    // R-SEC-5: taking customer and order data out of the system (export files).
    "exports:read",
    // R-ACL-3: taking, listing, verifying and downloading backups (db_admin accounts only).
    "backups:write",
    // Reading the event feed (it carries orders and customers: R-SEC-5).
    "events:read",
];

/// A staff account as others see it. `monthly_wage_fen` is present only for callers allowed to
/// read wages (dept_manager, general_manager, it_admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// Job role keys.
    pub roles: Vec<crate::JobRole>,
    /// `viewer`, `operator` or `db_admin`.
    pub permission_level: crate::PermissionLevel,
    /// `P` (technical staff) or `M` (management).
    pub staff_level: crate::StaffLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_wage_fen: Option<i64>,
    /// A service or external account (R-ACL-4).
    pub is_special: bool,
    /// A work phone number; present only for callers who see staff records, and for oneself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub active: bool,
    pub password_expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
    /// `GET /me` only: the delegations the caller acts under now, with the roles they lend
    /// (R-ACC-1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acting_for: Vec<crate::ActingFor>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// 3-32 characters: lower-case letters, digits, `.`, `_`, `-`; starts with a letter.
    #[validate(length(min = 3, max = 32))]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 3, max_length = 32, pattern = "^[a-z][a-z0-9._-]{2,31}$")
    )]
    pub username: String,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub display_name: String,
    /// The initial password; it must pass the password policy.
    #[validate(length(min = 1, max = 256))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub password: String,
    #[serde(default)]
    pub roles: Vec<String>,
    /// `P` or `M` (default `P`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[PM]$"))]
    pub staff_level: Option<String>,
    #[validate(range(min = 0, max = 100_000_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100_000_000))]
    pub monthly_wage_fen: Option<i64>,
    /// A work phone number (shown to the staff who need to reach whoever is on duty).
    #[serde(default)]
    #[validate(custom(function = "phone_number"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 32, example = "+86 138 0013 8000")
    )]
    pub phone: Option<String>,
    /// A service or external account.
    #[serde(default)]
    pub is_special: bool,
    /// Every account starts as `viewer`. Asking for more here files a permission-level request
    /// that takes effect only once approved (R-ACL-4).
    pub permission_level: Option<String>,
    /// The first working day (入职), from which attendance is judged; the account's creation
    /// day when omitted. May lie in the past, not in a closed month.
    pub employed_from: Option<chrono::NaiveDate>,
}

/// The created user and, if a higher level was asked for, the request that awaits approval.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUserResponse {
    pub user: UserView,
    pub permission_request: Option<ApprovalRequestView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub display_name: Option<String>,
    pub staff_level: Option<String>,
    #[validate(range(min = 0, max = 100_000_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100_000_000))]
    pub monthly_wage_fen: Option<i64>,
    /// A work phone number; `""` clears it.
    #[validate(custom(function = "phone_number"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetRolesRequest {
    #[validate(length(max = 10))]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PermissionLevelChangeRequest {
    /// The level asked for: `viewer`, `operator` or `db_admin`.
    pub permission_level: String,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

/// One approval request (R-APR-1) with the chain it was submitted under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalRequestView {
    pub id: Uuid,
    pub kind: crate::ApprovalKind,
    pub subject_type: String,
    pub subject_id: String,
    pub proposer_id: Uuid,
    /// The proposed change.
    pub payload: serde_json::Value,
    pub reason: String,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub state: crate::ApprovalState,
    /// Steps in order; each lists the job roles that must all approve it.
    pub chain: Vec<Vec<crate::JobRole>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiTokenRequest {
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// The (usually special) account the token acts as; defaults to the caller.
    pub user_id: Option<Uuid>,
    #[validate(length(min = 1, max = 12))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 12))]
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests a minute the token may make, 1 to 100000 (default: the server's
    /// `api.token_rate_per_minute`). Beyond it the API answers 429 with `Retry-After`.
    #[validate(range(min = 1, max = 100_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000))]
    pub rate_per_minute: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenView {
    pub id: Uuid,
    pub name: String,
    pub user_id: Uuid,
    pub scopes: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Requests a minute allowed to this token.
    pub rate_per_minute: u32,
}

/// The token itself is shown only in this answer; only its hash is kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenCreated {
    pub token: String,
    #[serde(flatten)]
    pub info: ApiTokenView,
}

/// One append-only audit entry (R-SEC-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntryView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_username: Option<String>,
    pub action: String,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub client_addr: Option<String>,
    /// `success`, `failure` or `refused`.
    pub outcome: String,
    pub detail: serde_json::Value,
    /// R-ACC-1: the person the action was taken for, with roles they lent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<Uuid>,
    /// R-ACC-1: the delegation that lent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation_id: Option<Uuid>,
}

/// Filters of `GET /api/v1/audit`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Page size, 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub action: Option<String>,
    pub actor_id: Option<Uuid>,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub outcome: Option<String>,
    /// Entries at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this instant.
    pub to: Option<DateTime<Utc>>,
    /// R-ACC-1: the actions taken through one delegation, and its own entries.
    pub delegation_id: Option<Uuid>,
}

/// `GET /audit/export` filters: as the log's, without paging.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditExportQuery {
    pub action: Option<String>,
    pub actor_id: Option<Uuid>,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    /// `success`, `failure` or `refused`.
    pub outcome: Option<String>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
}

/// Filters of `GET /api/v1/users`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Page size, 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub active: Option<bool>,
    pub role: Option<String>,
}

/// Where the first run stands (R-ACL-4 on a fresh install): while the permission-level chain has
/// no deciders besides `admin`, an IT admin raises them to `operator`; the window then closes for
/// good and every level change goes through the joint approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BootstrapView {
    /// Whether levels may still be raised without the joint approval.
    pub open: bool,
    /// When the window closed (`null` while open).
    pub closed_at: Option<DateTime<Utc>>,
    /// The roles the permission-level chain needs, one distinct person each.
    pub roles_needed: Vec<String>,
    /// Active operators (other than `admin`) who hold one of those roles.
    pub deciders: Vec<BootstrapDecider>,
}

/// An operator who can decide permission-level requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BootstrapDecider {
    pub user_id: Uuid,
    pub username: String,
    pub roles: Vec<String>,
}

/// Raises one of the chain's deciders to `operator` during the first run.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BootstrapGrantRequest {
    pub user_id: Uuid,
    /// Only `operator` during the first run.
    pub permission_level: String,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

/// The raised account and the first run's state after the grant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BootstrapGrantResponse {
    pub user: UserView,
    pub bootstrap: BootstrapView,
}

/// A phone number as staff write it: digits with `+`, spaces, `-` and parentheses, 3 to 32
/// characters, at least three digits.
pub fn phone_number(p: &str) -> Result<(), validator::ValidationError> {
    let p = p.trim();
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let allowed = p
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
    if p.is_empty() || (allowed && digits >= 3 && p.len() <= 32) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("phone")
            .with_message("digits with +, spaces, - or parentheses, at most 32 characters".into()))
    }
}

/// `PUT /users/{id}/manager`: whom the person reports to (R-EVAL-1); `null`: the top.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetManagerRequest {
    pub manager_id: Option<Uuid>,
}

/// A person's place in the org chart: the manager and the chain above up to the top.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManagerView {
    pub user_id: Uuid,
    pub manager_id: Option<Uuid>,
    /// The manager, the manager's manager, … up to the top.
    pub chain: Vec<Uuid>,
}

/// One active account in the org chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgChartEntry {
    pub user_id: Uuid,
    pub display_name: String,
    pub manager_id: Option<Uuid>,
}
