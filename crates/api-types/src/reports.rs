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

/// One table of the department's figures, for its CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FigureTable {
    OrdersByDay,
    OrdersByStatus,
    Contact,
    Aftersales,
    Approvals,
    Attendance,
}

impl FigureTable {
    pub const ALL: [FigureTable; 6] = [
        FigureTable::OrdersByDay,
        FigureTable::OrdersByStatus,
        FigureTable::Contact,
        FigureTable::Aftersales,
        FigureTable::Approvals,
        FigureTable::Attendance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FigureTable::OrdersByDay => "orders_by_day",
            FigureTable::OrdersByStatus => "orders_by_status",
            FigureTable::Contact => "contact",
            FigureTable::Aftersales => "aftersales",
            FigureTable::Approvals => "approvals",
            FigureTable::Attendance => "attendance",
        }
    }
}

/// `GET /reports/figures`: the period, and for a CSV the table.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct FiguresQuery {
    /// First day (company time, inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive), at most 366 days after `from`.
    pub to: NaiveDate,
    /// `json` (the default) or `csv`; a CSV needs `table`.
    pub format: Option<String>,
    pub table: Option<FigureTable>,
}

/// Orders taken on one day (company time) through one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrdersDayRow {
    pub day: NaiveDate,
    pub channel: String,
    pub orders: i64,
    pub total_fen: i64,
}

/// Orders of one channel in one status now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrdersStatusRow {
    pub channel: String,
    pub status: String,
    pub orders: i64,
}

/// R-ORD-3 for one person: orders they took, customers contacted within the deadline, and not
/// (contacted late, or past the deadline and not yet contacted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactRow {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub orders: i64,
    pub met: i64,
    pub missed: i64,
}

/// After-sales cases of one kind opened in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AftersalesRow {
    pub kind: String,
    pub opened: i64,
    pub closed: i64,
    pub refund_fen: i64,
    pub gift_fen: i64,
}

/// Approval requests of one kind submitted in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalRow {
    pub kind: String,
    pub requests: i64,
    pub approved: i64,
    pub rejected: i64,
    pub pending: i64,
    /// Approved content published after its deadline, or not yet and past it.
    pub publish_overdue: i64,
    /// Median hours from submission to the final decision; `null` when none is decided.
    pub median_hours_to_decision: Option<f64>,
}

/// One week (from its Monday) of the department's attendance as judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceWeekRow {
    pub week_start: NaiveDate,
    pub days_judged: i64,
    pub late: i64,
    pub early: i64,
    pub absent: i64,
    pub deduction_fen: i64,
}

/// The department's figures for a period (R-REP-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentFigures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub orders_by_day: Vec<OrdersDayRow>,
    pub orders_by_status: Vec<OrdersStatusRow>,
    pub contact: Vec<ContactRow>,
    pub aftersales: Vec<AftersalesRow>,
    pub approvals: Vec<ApprovalRow>,
    pub attendance: Vec<AttendanceWeekRow>,
}

/// `PUT /reports/monthly/{month}`: the caller's monthly summary (R-REP-2).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MonthlySummaryBody {
    /// This month's work.
    #[validate(length(min = 1, max = 20000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20000))]
    pub done: String,
    /// Work not finished, and why.
    #[serde(default)]
    #[validate(length(max = 20000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub unfinished: String,
    /// Next month's plan.
    #[serde(default)]
    #[validate(length(max = 20000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub plan: String,
}

/// A monthly summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthlySummaryView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub display_name: String,
    /// `YYYY-MM`.
    pub month: String,
    pub done: String,
    pub unfinished: String,
    pub plan: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `GET /reports/monthly`: a month's window and its summaries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthlySummaries {
    pub month: String,
    /// The first day the summaries may be filed: the month's last working day.
    pub opens_on: NaiveDate,
    /// The last day they may be filed or changed.
    pub closes_after: NaiveDate,
    /// Today is inside the window.
    pub open: bool,
    pub summaries: Vec<MonthlySummaryView>,
}

/// `GET /reports/monthly` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct MonthlySummaryQuery {
    /// `YYYY-MM`.
    pub month: String,
    /// One person's; the caller's own for staff, everyone's for managers when omitted.
    pub user_id: Option<Uuid>,
}

/// `POST /reports/daily/notes`: a manager's note beside someone's report of a past day.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LateNoteRequest {
    pub user_id: Uuid,
    /// A day before today.
    pub day: NaiveDate,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub note: String,
}

/// A note beside a day's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LateNoteView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub day: NaiveDate,
    pub note: String,
    pub written_by: Uuid,
    pub written_at: DateTime<Utc>,
}

/// `GET /reports/daily/export`: a period's reports for the weekly collection.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DailyExportQuery {
    pub from: NaiveDate,
    /// At most 31 days after `from`.
    pub to: NaiveDate,
    /// `markdown` (default) or `csv`.
    pub format: Option<String>,
}

/// An action item as written in the minutes.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewActionItem {
    /// One of the attendees.
    pub owner_id: Uuid,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub text: String,
    /// The meeting's day or later.
    pub due_on: NaiveDate,
}

/// `POST /meetings`: a meeting's minutes (R-REP-5).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateMeetingRequest {
    /// Today or before.
    pub held_on: NaiveDate,
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub attendee_ids: Vec<Uuid>,
    #[validate(length(max = 20000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub decisions: String,
    #[serde(default)]
    #[validate(length(max = 100), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub action_items: Vec<NewActionItem>,
}

/// An action item and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionItemView {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub meeting_title: String,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub text: String,
    pub due_on: NaiveDate,
    /// Past its day and not done.
    pub overdue: bool,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<Uuid>,
}

/// A meeting's minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingView {
    pub id: Uuid,
    pub held_on: NaiveDate,
    pub title: String,
    pub attendees: Vec<Uuid>,
    pub attendee_names: Vec<String>,
    pub decisions: String,
    pub written_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub action_items: Vec<ActionItemView>,
}

/// `GET /meetings` period.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct MeetingQuery {
    pub from: NaiveDate,
    /// At most 366 days after `from`.
    pub to: NaiveDate,
}

/// Which statement: the past week's (sent on Mondays) or the past month's (sent on the 1st).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    Week,
    Month,
}

/// One person's figures of a period, as the system assembles them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementFigures {
    pub orders_taken: i64,
    pub orders_total_fen: i64,
    pub contact_met: i64,
    pub contact_missed: i64,
    pub cases_opened: i64,
    pub cases_closed: i64,
    pub days_judged: i64,
    pub late: i64,
    pub early: i64,
    pub absent: i64,
    pub deduction_fen: i64,
    pub daily_reports_filed: i64,
}

/// `GET /reports/statements/mine`: my statement of the last week or month: sent (as it was sent)
/// or a draft of the figures as they stand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementView {
    pub user_id: Uuid,
    pub display_name: String,
    pub kind: StatementKind,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub figures: StatementFigures,
    pub comment: String,
    /// When it was sent; `null` for a draft.
    pub submitted_at: Option<DateTime<Utc>>,
}

/// `GET /reports/statements/mine` and `GET /reports/statements`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct StatementQuery {
    pub kind: StatementKind,
}

/// `POST /reports/statements`: I confirm the figures and send them, with a comment.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendStatementRequest {
    pub kind: StatementKind,
    #[serde(default)]
    #[validate(length(max = 5000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub comment: String,
}

/// `GET /reports/statements` (managers): the last period's statements sent, and who has not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementsOfPeriod {
    pub kind: StatementKind,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub sent: Vec<StatementView>,
    /// Active staff who have not sent theirs.
    pub not_sent: Vec<StaffName>,
}

/// A colleague by id and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffName {
    pub user_id: Uuid,
    pub display_name: String,
}
