//! The approvals engine: requests, decisions, inboxes, chains.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// One decision on a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionView {
    pub id: Uuid,
    /// Index of the chain step decided (0-based).
    pub step: usize,
    /// The job role the decider acted in.
    pub role: crate::JobRole,
    pub decider_id: Uuid,
    /// `approve` or `reject`.
    pub verdict: crate::Verdict,
    pub comment: String,
    pub decided_at: DateTime<Utc>,
    /// Taken by the colleague a leave named as taking over, on behalf of this absent holder of
    /// the role (R-ATT-8).
    pub on_behalf_of: Option<Uuid>,
}

/// A request with its full history of decisions and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalDetail {
    #[serde(flatten)]
    pub request: crate::ApprovalRequestView,
    /// The configured chain version it was submitted under; `null` for the built-in default.
    pub chain_version: Option<i64>,
    pub decisions: Vec<DecisionView>,
    /// The step waiting for decisions (pending requests only).
    pub current_step: Option<usize>,
    /// Roles the current step still needs.
    pub waiting_for: Vec<crate::JobRole>,
    pub decided_at: Option<DateTime<Utc>>,
    /// R-APR-5: approved content must be published by then.
    pub publish_by: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    /// Past `publish_by` and not yet published.
    pub publish_overdue: bool,
    /// In the `waiting` and `delegated` views: the colleagues on leave now whose waiting step
    /// is yours to take, their leave naming you as taking over (R-ATT-8). Empty otherwise, and
    /// once their leave ends.
    pub delegated_from: Vec<Uuid>,
}

/// `POST /approvals/{id}/decisions`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecideRequest {
    /// `approve` or `reject`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(approve|reject)$"))]
    pub verdict: String,
    /// Every decision carries a comment (R-APR-3).
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub comment: String,
    /// The role to decide in, when you hold several roles the step needs.
    pub as_role: Option<String>,
}

/// Filters of `GET /approvals`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ApprovalQuery {
    /// Page size, 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// `waiting` (needs my decision, the default), `delegated` (waiting steps of colleagues on
    /// leave now whose leave names me as taking over), `mine` (I proposed), `all` (managers), or
    /// `unattended` (managers: pending requests whose current step nobody at work can take).
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^(waiting|delegated|mine|all|unattended)$")
    )]
    pub view: Option<String>,
    pub kind: Option<String>,
    pub state: Option<String>,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    /// Submitted at or after.
    pub from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub to: Option<DateTime<Utc>>,
}

/// A chain step for `PUT /approval-chains/{kind}`: every listed role must approve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChainStepInput {
    #[validate(length(min = 1, max = 10))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 10))]
    pub all_of: Vec<String>,
}

/// A new version of a kind's chain, in force from `effective_from` for requests submitted then.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetChainRequest {
    #[validate(length(min = 1, max = 10), nested)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 10))]
    pub steps: Vec<ChainStepInput>,
    pub effective_from: DateTime<Utc>,
    /// R-APR-7: every role of every step needs a different person. Default `false`: a person
    /// holding the roles of consecutive steps decides them in one decision. Always `true` for
    /// `permission_level`, whatever is sent.
    #[serde(default)]
    pub distinct_deciders: bool,
}

/// One version of a chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainVersionView {
    /// `null` for the built-in default.
    pub version: Option<i64>,
    pub steps: Vec<Vec<String>>,
    /// R-APR-7: whether every role of every step needs a different person.
    pub distinct_deciders: bool,
    pub effective_from: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
}

/// A kind's chains: the one in force now and every configured version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainView {
    pub kind: crate::ApprovalKind,
    pub in_force: ChainVersionView,
    pub default: ChainVersionView,
    pub versions: Vec<ChainVersionView>,
}
