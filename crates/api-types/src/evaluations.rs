//! The monthly staff evaluation (R-EVAL-1).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// Where an item's score comes from: the manager, or one of the month's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvaluationSource {
    Manager,
    Attendance,
    ContactDeadline,
    ServiceReview,
    DailyReports,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluationFormItem {
    #[validate(length(min = 1, max = 60))]
    pub key: String,
    #[validate(length(min = 1, max = 200))]
    pub label_zh: String,
    #[validate(length(min = 1, max = 200))]
    pub label_en: String,
    /// Share of the total in percent; the weights of a form sum to 100.
    pub weight: u32,
    pub source: EvaluationSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationFormView {
    pub version: i64,
    pub items: Vec<EvaluationFormItem>,
}

/// `PUT /evaluations/form`: a new version (the department manager).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetEvaluationFormRequest {
    #[validate(length(min = 1, max = 30), nested)]
    pub items: Vec<EvaluationFormItem>,
}

/// `POST /evaluations/drafts`: the month's drafts, one per direct report of the caller.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftEvaluationsRequest {
    /// YYYY-MM
    #[validate(length(equal = 7))]
    pub month: String,
}

/// The month's figures an evaluation was filled with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationFigures {
    pub days_judged: i64,
    pub late: i64,
    pub early: i64,
    pub absent: i64,
    pub full_attendance: bool,
    pub contact_met: i64,
    pub contact_missed: i64,
    pub reviews: i64,
    pub review_average: Option<f64>,
    pub daily_reports_filed: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationItemView {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub weight: u32,
    pub source: EvaluationSource,
    /// What the month's figures gave (system items).
    pub figure: Option<i32>,
    /// The score that counts (0–100).
    pub score: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationView {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub manager_id: Uuid,
    pub manager_name: String,
    pub month: String,
    pub form_version: i64,
    pub items: Vec<EvaluationItemView>,
    pub figures: EvaluationFigures,
    /// The weighted total once every item is scored.
    pub total: Option<f64>,
    pub comment: String,
    /// `draft`, `submitted`, `acknowledged` or `disputed`.
    pub state: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub dispute_comment: Option<String>,
    /// Whom a dispute went to: the manager's own manager.
    pub escalated_to: Option<Uuid>,
    /// How the one the dispute went to settled it.
    pub resolution: Option<EvaluationResolution>,
    pub resolution_comment: Option<String>,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Closed month: never changes again.
    pub closed: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemScore {
    #[validate(length(min = 1, max = 60))]
    pub key: String,
    pub score: i32,
}

/// `PATCH /evaluations/{id}`: the manager's scores and comment (drafts only).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreEvaluationRequest {
    #[validate(length(max = 30), nested)]
    #[serde(default)]
    pub scores: Vec<ItemScore>,
    /// The comment; absent: unchanged.
    #[validate(length(max = 4000))]
    pub comment: Option<String>,
}

/// `POST /evaluations/{id}/dispute`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DisputeEvaluationRequest {
    #[validate(length(min = 1, max = 2000))]
    pub comment: String,
}

/// Filters of `GET /evaluations`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct EvaluationQuery {
    /// YYYY-MM
    pub month: String,
}

/// How a disputed evaluation is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvaluationResolution {
    /// The evaluation stands as submitted.
    Upheld,
    /// Back to the manager as a draft, to score again and submit.
    Returned,
}

/// `POST /evaluations/{id}/resolve`: the manager's manager settles a dispute.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolveEvaluationRequest {
    pub resolution: EvaluationResolution,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub comment: String,
}
