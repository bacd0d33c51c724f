//! Attendance: punches, corrections, lateness notices and the month's summary.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// Clock-in or clock-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PunchDirection {
    In,
    Out,
}

/// `POST /attendance/punches`: the caller clocks in or out now (the server's clock decides).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PunchRequest {
    pub direction: PunchDirection,
}

/// `POST /attendance/device-punches`: a clocking device reports a punch it took. Sending the same
/// `device_id` + `device_punch_id` again returns the punch already recorded.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DevicePunchRequest {
    pub user_id: Uuid,
    pub direction: PunchDirection,
    /// When the device took the punch (counted in whole seconds).
    pub at: DateTime<Utc>,
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub device_id: String,
    /// The device's own id for this punch.
    #[validate(length(min = 1, max = 128))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub device_punch_id: String,
}

/// `POST /attendance/corrections` (department manager): a missing or wrong punch is corrected by
/// a new punch with its reason; the manager recording it is its approver. Never for oneself.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    pub user_id: Uuid,
    pub direction: PunchDirection,
    pub at: DateTime<Utc>,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

/// `POST /attendance/notices` (department manager): the person telephoned before the start of
/// `day`, so a lateness beyond the last tier counts as late at the highest tier (R-ATT-5).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoticeRequest {
    pub user_id: Uuid,
    pub day: NaiveDate,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeView {
    pub user_id: Uuid,
    pub day: NaiveDate,
    pub note: String,
    pub recorded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PunchView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub direction: PunchDirection,
    pub punched_at: DateTime<Utc>,
    /// `web`, `device` or `correction`.
    pub source: crate::PunchSource,
    pub device_id: Option<String>,
    pub device_punch_id: Option<String>,
    /// Corrections only.
    pub reason: Option<String>,
    /// Corrections only: the manager who approved it.
    pub approved_by: Option<Uuid>,
    pub recorded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// `GET /attendance/punches` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PunchQuery {
    /// Whose punches; the caller's own when omitted.
    pub user_id: Option<Uuid>,
    /// From this instant (inclusive).
    pub from: DateTime<Utc>,
    /// To this instant (exclusive); at most 62 days after `from`.
    pub to: DateTime<Utc>,
}

/// `GET /attendance/months/{month}` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct MonthQuery {
    /// One person. When omitted: everyone for managers (department manager, general manager,
    /// IT admin), the caller alone for anyone else.
    pub user_id: Option<Uuid>,
}

/// A lateness or early-leave judgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LapseView {
    /// `on_time`, `late`, `early` or `absent`.
    pub kind: crate::LapseKind,
    /// Seconds late or early.
    pub by_secs: Option<u32>,
    /// Tier 1, 2 or 3 (R-ATT-3).
    pub tier: Option<u8>,
}

/// One working day of one person (R-ATT-2..5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayView {
    pub day: NaiveDate,
    /// The first clock-in and last clock-out, company time.
    pub clock_in: Option<NaiveTime>,
    pub clock_out: Option<NaiveTime>,
    pub arrival: Option<LapseView>,
    pub departure: Option<LapseView>,
    pub phoned_ahead: bool,
    pub on_leave: bool,
    pub absent: bool,
    /// A clock-in without a clock-out or the reverse: to be corrected.
    pub missing_punch: bool,
    pub deduction_fen: i64,
}

/// One person's month (R-ATT-9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    /// `P` or `M`.
    pub staff_level: crate::StaffLevel,
    /// `YYYY-MM`.
    pub month: String,
    /// Working days judged so far (past days, and today once it has ended).
    pub days_judged: u32,
    pub days_worked: u32,
    pub days_on_leave: u32,
    /// Late arrivals in tiers 1, 2, 3.
    pub late_by_tier: [u32; 3],
    /// Early leaves in tiers 1, 2, 3.
    pub early_by_tier: [u32; 3],
    pub absences: u32,
    pub missing_punches: u32,
    pub deductions_fen: i64,
    /// R-ATT-6.
    pub full_attendance_bonus_kept: bool,
    pub days: Vec<DayView>,
}

/// The kinds of leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaveKind {
    Personal,
    Sick,
    Annual,
    Other,
}

impl LeaveKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaveKind::Personal => "personal",
            LeaveKind::Sick => "sick",
            LeaveKind::Annual => "annual",
            LeaveKind::Other => "other",
        }
    }
}

/// `POST /leave-requests`: leave for oneself, asked in advance of the department manager,
/// naming who takes over the work (R-ATT-8).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateLeaveRequest {
    pub kind: LeaveKind,
    /// Later than now: leave is asked for in advance.
    pub starts_at: DateTime<Utc>,
    /// After `starts_at`, at most 31 days later.
    pub ends_at: DateTime<Utc>,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
    /// The colleague who takes over the work.
    pub handover_to: Uuid,
    /// What is handed over.
    #[validate(length(min = 1, max = 4000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4000))]
    pub handover_note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: LeaveKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: String,
    pub handover_to: Uuid,
    pub handover_note: String,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: crate::ApprovalState,
    pub approval_request_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A leave request and the approval request it filed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveProposal {
    pub leave: LeaveView,
    pub approval_request: crate::ApprovalRequestView,
}

/// `GET /leave-requests` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct LeaveQuery {
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// One person's; the caller's own for staff, everyone's for managers when omitted.
    pub user_id: Option<Uuid>,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^(pending|approved|rejected|withdrawn)$")
    )]
    pub status: Option<String>,
}
