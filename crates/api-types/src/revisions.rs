//! Page revision plans (R-APR-6) and the pages' revision rhythm.

use crate::ApprovalRequestView;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// How often a page is revised: every two weeks or every month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevisionCadence {
    Biweekly,
    Monthly,
}

/// A part of the page a revision changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevisionArea {
    Animation,
    Colors,
    Sections,
    Banners,
    Layout,
    Copy,
}

/// Where a plan stands: `pending` its chain, `approved` (may be carried out), `rejected`,
/// `withdrawn`, or `executed` (carried out on the live page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevisionStatusView {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
    Executed,
}

/// `POST /page-revisions` (designer): a revision plan, filed at once for approval by the
/// department manager and then the marketing director.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePageRevisionRequest {
    /// The page revised; `home` (the shop's home page) when omitted. Lower-case letters, digits
    /// and `-`.
    #[serde(default)]
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", schema(max_length = 64, pattern = "^[a-z0-9-]*$"))]
    pub page: Option<String>,
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    pub cadence: RevisionCadence,
    /// What the revision changes (at least one, no repeats).
    #[validate(length(min = 1, max = 6))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 6))]
    pub areas: Vec<RevisionArea>,
    /// The plan document: what changes, why, and how it will look.
    #[validate(length(min = 20, max = 20000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 20, max_length = 20000))]
    pub plan: String,
    /// The day the revision is to go live (today or later, at most about a year ahead).
    pub planned_for: NaiveDate,
    /// Why now; shown to the approvers.
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

/// `POST /page-revisions/{id}/execute`: the approved plan was carried out.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExecutePageRevisionRequest {
    /// What was done, and anything that differs from the plan.
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageRevisionView {
    pub id: Uuid,
    pub page: String,
    pub title: String,
    pub cadence: RevisionCadence,
    pub areas: Vec<RevisionArea>,
    pub plan: String,
    pub planned_for: NaiveDate,
    pub status: RevisionStatusView,
    pub approval_request_id: Uuid,
    pub proposer_id: Uuid,
    /// R-APR-5: the approved plan is to be carried out by then.
    pub execute_by: Option<DateTime<Utc>>,
    /// Approved, not carried out, and past `execute_by`.
    pub overdue: bool,
    pub executed_at: Option<DateTime<Utc>>,
    pub executed_by: Option<Uuid>,
    pub execution_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A proposed plan and the approval request it filed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageRevisionProposal {
    pub revision: PageRevisionView,
    pub approval_request: ApprovalRequestView,
}

/// `GET /page-revisions` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PageRevisionQuery {
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub page: Option<String>,
    pub status: Option<RevisionStatusView>,
}

/// One page's revision rhythm (R-APR-6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageScheduleView {
    pub page: String,
    /// The cadence of the page's newest live plan (approved, pending or carried out).
    pub cadence: RevisionCadence,
    /// When the last revision was carried out; `null` if never.
    pub last_executed_at: Option<DateTime<Utc>>,
    pub last_revision_id: Option<Uuid>,
    /// The day the next revision is due (a calendar day in the configured time zone).
    pub next_due: NaiveDate,
    pub days_overdue: i64,
    /// Plans waiting for their chain.
    pub pending: Vec<PageRevisionView>,
    /// Approved plans not yet carried out, with their deadline.
    pub awaiting_execution: Vec<PageRevisionView>,
}
