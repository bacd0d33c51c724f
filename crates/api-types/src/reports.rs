//! Work reports (R-REP-1..3).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// `PUT /reports/daily/{day}`: the caller's report of today (company time): what was done, the
/// problems met, the plan for tomorrow. Saving again rewrites it until the day is over.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DailyReportBody {
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub done: String,
    #[serde(default)]
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub problems: String,
    #[serde(default)]
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub plan: String,
}

/// A daily report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyReportView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub display_name: String,
    pub day: NaiveDate,
    pub done: String,
    pub problems: String,
    pub plan: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Still today's: its author may change it.
    pub editable: bool,
}

/// `GET /reports/daily` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DailyReportQuery {
    /// One person's; the caller's own for staff, everyone's for managers when omitted.
    pub user_id: Option<Uuid>,
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive), at most 92 days after `from`.
    pub to: NaiveDate,
}

/// A working day someone has not filed their daily report of (R-REP-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingReport {
    pub day: NaiveDate,
    pub user_id: Uuid,
    pub display_name: String,
    /// Today: still to be filed before the day is over.
    pub due_today: bool,
}

/// `GET /reports/daily/missing`: a period of days (company time).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct MissingReportQuery {
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive), at most 62 days after `from`; days after today are not counted.
    pub to: NaiveDate,
}
