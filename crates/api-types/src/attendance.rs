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

/// `POST /attendance/correction-requests`: asks the department manager to correct a punch of
/// one's own that was forgotten or is wrong (补卡). Approved, it becomes a correction punch.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectionAskRequest {
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
    /// `json` (default) or `csv` (one row per person, UTF-8 with a byte-order mark so that
    /// spreadsheet programs read the names right).
    #[cfg_attr(feature = "openapi", param(pattern = "^(json|csv)$"))]
    pub format: Option<String>,
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

/// What kind of day a date is (the policy's weekdays and the calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Working,
    /// A make-up working day in the calendar (调休上班).
    MakeUpWorkday,
    RestDay,
    /// A public holiday in the calendar.
    Holiday,
}

/// Where a day stands for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    /// Before the start date or after the end date of employment.
    NotEmployed,
    /// A rest day or a public holiday.
    Off,
    /// A working day still to come, or today before the working day has ended.
    Upcoming,
    /// A working day judged.
    Judged,
}

/// A punch as a day shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayPunchView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub direction: PunchDirection,
    /// `web`, `device` or `correction`.
    pub source: String,
    /// A correction's reason.
    pub reason: Option<String>,
}

/// One day of one person (R-ATT-2..5): every day of the month, judged when it is a working day
/// that is over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayView {
    pub day: NaiveDate,
    pub kind: DayKind,
    /// The calendar's name for a holiday or a make-up working day.
    pub calendar_name: Option<String>,
    pub status: DayStatus,
    /// The policy version that judges the day.
    pub policy_version: Uuid,
    pub punches: Vec<DayPunchView>,
    /// The first clock-in and last clock-out, company time.
    pub clock_in: Option<NaiveTime>,
    pub clock_out: Option<NaiveTime>,
    /// The clock-in's judgement; today it shows as soon as the person has clocked in.
    pub arrival: Option<LapseView>,
    pub departure: Option<LapseView>,
    pub phoned_ahead: bool,
    pub on_leave: bool,
    pub absent: bool,
    /// A clock-in without a clock-out or the reverse: to be corrected. While the month is open
    /// it costs nothing; when it closes the policy's rule applies.
    pub missing_punch: bool,
    pub deduction_fen: i64,
    /// Why the day is judged as it is, in words.
    pub reason: Option<String>,
}

/// A change to a closed month (a correction, leave approved later), shown in the first open
/// month after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustmentView {
    pub id: Uuid,
    pub concerns_day: NaiveDate,
    /// `YYYY-MM`: the closed month it concerns.
    pub concerns_month: String,
    /// Positive: more deducted; negative: given back.
    pub deduction_fen: i64,
    /// The change costs the concerned month's full-attendance bonus after the fact.
    pub loses_bonus: bool,
    pub reason: String,
    /// `correction` or `leave`.
    pub source: String,
    pub source_id: Uuid,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
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
    /// Closed: these figures are frozen.
    pub closed: bool,
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
    /// Missing punches not yet corrected in an open month.
    pub pending_missing_punches: u32,
    /// The month's own deductions.
    pub deductions_fen: i64,
    pub adjustments: Vec<AdjustmentView>,
    /// Deductions plus adjustments.
    pub total_deductions_fen: i64,
    /// R-ATT-6 (and not lost by an adjustment).
    pub full_attendance_bonus_kept: bool,
    pub days: Vec<DayView>,
}

/// `POST /attendance/months/{month}/close`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseMonthRequest {
    /// Confirms that working days still missing a clock-in or clock-out are judged by the
    /// policy's rule (by default: as absences). Without it, such days refuse the closing.
    #[serde(default)]
    pub confirm_missing_punches: bool,
}

/// `POST /attendance/months/{month}/reopen` (general manager).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReopenMonthRequest {
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

/// What a day with a missing clock-in or clock-out becomes when its month closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MissingPunchRule {
    /// An absence (leaving the post without leave), once the manager confirms at closing.
    AbsenceOnConfirmation,
    /// Judged by the punch that is there.
    JudgedByPunches,
}

/// The attendance policy's values (R-ATT-1..6). Times are company time, seconds are whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttendancePolicyBody {
    /// Start of the working day (`08:00:00`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "08:00:00"))]
    pub day_start: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "17:30:00"))]
    pub day_end: NaiveTime,
    /// A clock-in up to this many seconds after the start is on time (59).
    #[cfg_attr(feature = "openapi", schema(maximum = 86400))]
    pub late_grace_secs: u32,
    /// Leaving at least this many seconds before the end is early (300).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 86400))]
    pub early_threshold_secs: u32,
    /// Upper bounds of tiers 1, 2, 3 in seconds (600, 1200, 1800); beyond: absenteeism.
    pub tier_limits_secs: [u32; 3],
    /// Deduction per occurrence by tier for P-level staff, fen.
    pub fines_p_fen: [i64; 3],
    /// Deduction per occurrence by tier for M-level staff, fen.
    pub fines_m_fen: [i64; 3],
    /// An unapproved absence costs this many daily wages (3).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 31))]
    pub absence_wage_multiple: i64,
    /// The daily wage divides the monthly wage by this many days, in hundredths (2175).
    #[cfg_attr(feature = "openapi", schema(minimum = 100, maximum = 3100))]
    pub working_days_per_month_hundredths: i64,
    /// The working weekdays (`Mon` … `Sun`) unless the calendar says otherwise.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["Mon", "Tue", "Wed", "Thu", "Fri"])))]
    #[validate(length(min = 1, max = 7))]
    pub working_weekdays: Vec<chrono::Weekday>,
    pub missing_punch: MissingPunchRule,
    /// Leave kinds that may be filed after they began (`sick`).
    pub after_the_fact_kinds: Vec<LeaveKind>,
    /// … within this many days of their start.
    #[cfg_attr(feature = "openapi", schema(maximum = 31))]
    pub after_the_fact_days: u32,
}

/// `POST /attendance/policies` (department manager): a new version, effective from a future day.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePolicyVersion {
    /// Tomorrow at the earliest, and after the last closed month.
    pub effective_from: NaiveDate,
    /// IANA time zone of the company under this version (`Asia/Shanghai`).
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub timezone: String,
    #[validate(nested)]
    pub policy: AttendancePolicyBody,
    /// Why the policy changes.
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub note: String,
}

/// A policy version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyVersionView {
    pub id: Uuid,
    /// The first day it judges (1970-01-01 for the version written at first start).
    pub effective_from: NaiveDate,
    pub timezone: String,
    pub policy: AttendancePolicyBody,
    pub note: String,
    /// None for the version written at first start from the configuration.
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// What a calendar entry says about its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CalendarKind {
    /// A public holiday: not a working day.
    Holiday,
    /// A make-up working day: a working day whatever the weekday.
    Workday,
}

/// `POST /attendance/calendar` (department manager): the days `from` to `to` (inclusive, at most
/// 366) become holidays or make-up working days. A day that has an entry refuses the request.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCalendarEntries {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kind: CalendarKind,
    /// `国庆节`, `调休上班` …
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarEntryView {
    pub day: NaiveDate,
    pub kind: CalendarKind,
    pub name: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// `GET /attendance/calendar` period.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CalendarQuery {
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive), at most 366 days after `from`.
    pub to: NaiveDate,
}

/// A person's employment dates: days are judged from `started_on` (入职) to `ended_on`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmploymentBody {
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmploymentView {
    pub user_id: Uuid,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// Recorded through the API (`false`: implied by the account's creation and deactivation).
    pub recorded: bool,
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
    /// Later than now: leave is asked for in advance; the policy's `after_the_fact_kinds` (sick
    /// leave by default) may start up to `after_the_fact_days` calendar days before today.
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

/// One row of a punch import that needs attention: refused (nothing of it written), or reported
/// by the device before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PunchImportRow {
    /// 1-based row (line) number, header excluded.
    pub row: usize,
    pub device_id: Option<String>,
    pub device_punch_id: Option<String>,
    /// `already_recorded` or `error`.
    pub outcome: crate::PunchImportOutcome,
    /// The punch recorded earlier under this device punch id.
    pub punch_id: Option<Uuid>,
    /// A stable code of the refusal (`unknown_user`, `not_employed`, `month_closed`,
    /// `punch_in_future`, `invalid_time`, `duplicate_row`, `device_punch_reused`, `invalid_row`).
    pub code: Option<String>,
    pub errors: Vec<crate::FieldError>,
}

/// The answer to `POST /attendance/punch-imports`: counts over the whole file, and the rows that
/// were not recorded now (at most the first 1,000 of them; `rows_truncated` says if more).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PunchImportReport {
    pub dry_run: bool,
    pub total: usize,
    /// Recorded now.
    pub created: usize,
    /// Would be recorded (dry run).
    pub valid: usize,
    /// Reported before with the same device punch id: nothing written (retries are safe).
    pub already_recorded: usize,
    /// Refused rows: nothing of them written.
    pub failed: usize,
    pub rows: Vec<PunchImportRow>,
    pub rows_truncated: bool,
}

/// Resignation or transfer (R-ATT-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DepartureKind {
    Resignation,
    /// 调动: a move to other job roles.
    Transfer,
}

/// Where a resignation or transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DepartureState {
    /// The handover is being confirmed item by item.
    Requested,
    /// Every item confirmed by the witness; waiting for the effective date.
    HandedOver,
    Completed,
    Withdrawn,
}

/// `POST /departures`: the caller resigns or asks for a transfer, in writing, at least one month
/// ahead, listing what they hand over to the successor.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DepartureRequest {
    pub kind: DepartureKind,
    /// The first day in the new situation (no longer employed, or in the new roles): at least one
    /// month after today.
    pub effective_on: chrono::NaiveDate,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
    /// Who takes over the work: an active colleague.
    pub successor_id: Uuid,
    /// The handover checklist (1 to 50 items).
    #[validate(length(min = 1, max = 50))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub items: Vec<String>,
    /// The job roles after a transfer; empty for a resignation.
    #[serde(default)]
    #[validate(length(max = 10))]
    pub new_roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverItemView {
    pub seq: i32,
    pub item: String,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// The witness who confirmed it.
    pub confirmed_by: Option<Uuid>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartureView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: DepartureKind,
    pub effective_on: chrono::NaiveDate,
    pub reason: String,
    pub successor_id: Uuid,
    pub new_roles: Vec<crate::JobRole>,
    pub state: DepartureState,
    pub items: Vec<HandoverItemView>,
    pub created_at: DateTime<Utc>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<Uuid>,
}

/// `POST /departures/{id}/items/{seq}/confirm`: the witness confirms one handover item.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmItemRequest {
    #[serde(default)]
    #[validate(length(max = 2000))]
    pub note: Option<String>,
}
