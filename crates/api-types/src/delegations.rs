//! Delegated access (R-ACC-1): job roles lent to a colleague for a task and a period.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// Where a delegation stands now: approved ones are scheduled, active or expired by the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DelegationStanding {
    Pending,
    Scheduled,
    Active,
    Expired,
    Rejected,
    Withdrawn,
    Revoked,
}

/// `POST /delegations`: lend some of one's own job roles to a colleague. It is an approval
/// request to the department manager.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDelegationRequest {
    /// The colleague who acts with the roles.
    pub delegate_id: Uuid,
    /// What the colleague is to do, e.g. "cover the chat desk while I am at the trade fair".
    #[validate(length(min = 4, max = 500))]
    #[cfg_attr(feature = "openapi", schema(min_length = 4, max_length = 500))]
    pub task: String,
    /// Roles the caller holds in their own right.
    #[validate(length(min = 1, max = 20))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub roles: Vec<crate::JobRole>,
    pub starts_at: DateTime<Utc>,
    /// At most the configured maximum after `starts_at` (7 days by default).
    pub ends_at: DateTime<Utc>,
    /// Cover a vacant post (临时代理): the departed colleague (a closed account) whose roles are
    /// lent, asked for by their manager in the org chart or by the department's managers; the
    /// delegate may be the one asking. Absent: the caller lends roles of their own.
    #[serde(default)]
    pub vacant_post_of: Option<Uuid>,
}

/// `POST /delegations/{id}/revoke`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevokeDelegationRequest {
    #[validate(length(min = 4, max = 500))]
    #[cfg_attr(feature = "openapi", schema(min_length = 4, max_length = 500))]
    pub reason: String,
}

/// One delegation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DelegationView {
    pub id: Uuid,
    pub delegator_id: Uuid,
    pub delegator_name: String,
    pub delegate_id: Uuid,
    pub delegate_name: String,
    /// Who asked: the lender, or for a vacant post the holder's superior.
    pub requested_by: Uuid,
    pub requested_by_name: String,
    /// It covers a vacant post: the lender is its departed holder.
    pub covers_vacancy: bool,
    pub task: String,
    pub roles: Vec<crate::JobRole>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub standing: DelegationStanding,
    /// The approval request to the department manager.
    pub approval_request_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<Uuid>,
    pub revoke_reason: Option<String>,
    /// Audited actions the delegate took through it (`GET /audit?delegation_id=`).
    pub actions: i64,
}

/// Which delegations `GET /delegations` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DelegationListView {
    /// Those the caller lends or receives (the default).
    Mine,
    /// Everyone's (the department's managers and IT).
    All,
}

/// Filters of `GET /delegations`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct DelegationQuery {
    pub view: Option<DelegationListView>,
    /// Only those standing so now.
    pub standing: Option<DelegationStanding>,
}

/// A delegation the caller acts under now (`GET /me`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActingFor {
    pub delegation_id: Uuid,
    pub delegator_id: Uuid,
    pub delegator_name: String,
    /// The lent roles the caller does not hold in their own right.
    pub roles: Vec<crate::JobRole>,
    pub ends_at: DateTime<Utc>,
}
