//! The official-account vault (R-SEC-1), backups (R-SEC-2) and the audit chain (R-SEC-4).

use crate::JobRole;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;
use validator::Validate;

/// What kind of official account an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    ShopBackoffice,
    Payment,
    Domain,
    Trademark,
    Mailbox,
    Blog,
    SourceHosting,
    Other,
}

impl AccountKind {
    pub const ALL: [AccountKind; 8] = [
        AccountKind::ShopBackoffice,
        AccountKind::Payment,
        AccountKind::Domain,
        AccountKind::Trademark,
        AccountKind::Mailbox,
        AccountKind::Blog,
        AccountKind::SourceHosting,
        AccountKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::ShopBackoffice => "shop_backoffice",
            AccountKind::Payment => "payment",
            AccountKind::Domain => "domain",
            AccountKind::Trademark => "trademark",
            AccountKind::Mailbox => "mailbox",
            AccountKind::Blog => "blog",
            AccountKind::SourceHosting => "source_hosting",
            AccountKind::Other => "other",
        }
    }
}

/// `POST /vault/entries`: a new official account. `custodian_roles` defaults to the department
/// manager (shop-operations lead), IT and the general manager; `custodian_users` names people
/// beyond them (the supervising leader).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateVaultEntryRequest {
    #[validate(length(min = 1, max = 120))]
    pub name: String,
    pub kind: AccountKind,
    #[validate(length(max = 500))]
    pub url: Option<String>,
    #[validate(length(max = 200))]
    pub login: Option<String>,
    #[validate(length(max = 4000))]
    #[serde(default)]
    pub notes: String,
    /// The secret (password, key, recovery code): sealed at once, never returned but by a reveal.
    #[validate(length(min = 1, max = 4000))]
    pub secret: String,
    pub custodian_roles: Option<Vec<JobRole>>,
    #[serde(default)]
    pub custodian_users: Vec<Uuid>,
}

/// `PATCH /vault/entries/{id}`: the descriptive fields (the secret and the custodians change only
/// through a change request).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateVaultEntryRequest {
    #[validate(length(min = 1, max = 120))]
    pub name: String,
    #[validate(length(max = 500))]
    pub url: Option<String>,
    #[validate(length(max = 200))]
    pub login: Option<String>,
    #[validate(length(max = 4000))]
    #[serde(default)]
    pub notes: String,
}

/// A change of an entry waiting for (or past) the general manager's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaultChangeView {
    pub id: Uuid,
    pub approval_request_id: Uuid,
    pub secret_changes: bool,
    pub custodian_roles: Option<Vec<JobRole>>,
    pub custodian_users: Option<Vec<Uuid>>,
    pub reason: String,
    /// `pending`, `applied`, `rejected` or `withdrawn`.
    pub state: String,
    pub proposed_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// An entry as its custodians see it. It never holds the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaultEntryView {
    pub id: Uuid,
    pub name: String,
    pub kind: AccountKind,
    pub url: Option<String>,
    pub login: Option<String>,
    pub notes: String,
    pub custodian_roles: Vec<JobRole>,
    pub custodian_users: Vec<Uuid>,
    pub custodian_names: Vec<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub secret_changed_at: DateTime<Utc>,
    pub pending_change: Option<VaultChangeView>,
}

/// `POST /vault/entries/{id}/reveal`: why the secret is needed (recorded in the audit log).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    #[validate(length(min = 4, max = 500))]
    pub reason: String,
}

/// The secret, in this answer only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealedSecret {
    pub secret: String,
    pub revealed_at: DateTime<Utc>,
}

/// One reveal of a secret: who, when, why and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealView {
    pub at: DateTime<Utc>,
    pub by: Option<Uuid>,
    pub by_name: Option<String>,
    pub reason: String,
    pub client_addr: Option<String>,
}

/// `POST /vault/entries/{id}/changes`: a new secret and/or new custodians, for the general
/// manager's approval (R-APR-2 `official_account_change`).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposeVaultChangeRequest {
    #[validate(length(min = 1, max = 4000))]
    pub secret: Option<String>,
    pub custodian_roles: Option<Vec<JobRole>>,
    pub custodian_users: Option<Vec<Uuid>>,
    #[validate(length(min = 1, max = 1000))]
    pub reason: String,
}

/// One recorded backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackupView {
    pub id: Uuid,
    pub file_name: String,
    pub size_bytes: i64,
    /// SHA-256 of the archive file.
    pub sha256: String,
    pub schema_version: String,
    pub row_counts: BTreeMap<String, i64>,
    pub total_rows: i64,
    /// `api`, `cli` or `schedule`.
    pub origin: String,
    pub made_by: Option<Uuid>,
    pub made_by_name: Option<String>,
    pub node: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// When the retention removed the file (the record stays).
    pub removed_at: Option<DateTime<Utc>>,
}

/// `GET /backups`: the backups and the schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackupList {
    pub items: Vec<BackupView>,
    /// The schedule's cron expression in company time (`None`: no scheduled backups).
    pub schedule: Option<String>,
    pub timezone: String,
    pub keep: usize,
    pub next_due: Option<DateTime<Utc>>,
    /// A backup this node is taking now.
    pub running: Option<BackupProgress>,
}

/// A backup in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackupProgress {
    pub started_at: DateTime<Utc>,
    pub table: String,
    pub tables_done: usize,
    pub rows_done: u64,
}

/// The result of checking an archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackupVerification {
    pub ok: bool,
    pub problem: Option<String>,
    pub total_rows: Option<i64>,
    pub schema_version: Option<String>,
}

/// One break in the audit chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainProblemView {
    /// `altered`, `broken_link`, `gap` or `unchained`.
    pub kind: String,
    pub seq: Option<i64>,
    pub entry_id: String,
}

/// `GET /audit/verify`: the audit log's hash chain walked end to end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditChainReport {
    pub intact: bool,
    pub entries_checked: i64,
    /// Entries written before the chain existed (an older version); they carry no hash.
    pub legacy_entries: i64,
    pub last_seq: Option<i64>,
    pub head_hash: Option<String>,
    pub problem_count: i64,
    /// The first problems, in chain order.
    pub problems: Vec<ChainProblemView>,
    pub checked_at: DateTime<Utc>,
}
