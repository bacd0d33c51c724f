//! Duty rosters (R-DUT-1..4).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// What a duty is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DutyKindView {
    /// The customer-service manager whose phone takes the hotline outside 08:30–21:00.
    HotlineManager,
    /// Back-office customer service on Saturdays and Sundays.
    WeekendService,
    /// The storefront specialist's 18:00–21:00 (Sundays 08:30–21:00).
    Storefront,
    /// The restaurant's 18:00–20:00.
    Restaurant,
}

/// `POST /duty/shifts`: puts someone on duty. The shift must lie in its kind's window, the
/// person must hold the role the duty needs, and must not be on approved leave then (R-DUT-4).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateShiftRequest {
    pub user_id: Uuid,
    pub kind: DutyKindView,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShiftView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub display_name: String,
    pub kind: DutyKindView,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<Uuid>,
    /// Cancelled because this leave was approved after the roster was made (R-DUT-4).
    pub released_for_leave: Option<Uuid>,
    /// The person's work phone: in `GET /duty/now`, for the hotline's staff and the managers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// A shift released because its person's leave was approved after the roster was made
/// (R-DUT-4), with whoever took it over or the next free person of the duty's rotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveClash {
    /// The released shift (cancelled, naming the leave).
    pub shift: ShiftView,
    pub leave_id: Uuid,
    /// Rostered on the same duty over the shift's whole time now; `null` while the clash is open.
    pub filled_by: Option<Uuid>,
    /// While open: the next person of the rotation after the one on leave who is active and free.
    pub suggested: Option<Uuid>,
    pub suggested_name: Option<String>,
}

/// `POST /duty/rotations`: rosters weekend customer service (R-DUT-2) for the Saturdays and
/// Sundays in `[from, to)`, in turn through `staff`, carrying on after whoever had the last
/// weekend day before `from`, skipping anyone on approved leave (R-DUT-4).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RotationRequest {
    /// The duty to roster from its template (its window on each day); weekend service when
    /// omitted.
    #[serde(default)]
    pub kind: Option<DutyKindView>,
    pub from: NaiveDate,
    /// Exclusive; at most 92 days after `from`.
    pub to: NaiveDate,
    /// The people in rotation order (each holding the duty's role).
    #[validate(length(min = 1, max = 50))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub staff: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotationResult {
    pub shifts: Vec<ShiftView>,
    /// Days nobody could take (everyone on leave or already rostered).
    pub uncovered_days: Vec<NaiveDate>,
    /// What the duty's coverage rule finds uncovered over the period afterwards.
    pub gaps: Vec<CoverageGap>,
}

/// A stretch of a duty's window that no shift covers (the coverage rule: every minute of each
/// duty's window has someone on it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageGap {
    pub kind: DutyKindView,
    /// The day whose window it belongs to (company time).
    pub day: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// `GET /duty/coverage` and `GET /duty/fairness`: a period of days (company time).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DayPeriodQuery {
    pub from: NaiveDate,
    /// Exclusive; at most 92 days after `from`.
    pub to: NaiveDate,
}

/// One person's share of duty over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FairnessRow {
    pub user_id: Uuid,
    pub display_name: String,
    /// Shifts per duty.
    pub shifts: Vec<DutyCount>,
    /// Saturdays and Sundays on any duty (the weekend rotation's count).
    pub weekend_days: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyCount {
    pub kind: DutyKindView,
    pub count: usize,
}

/// `GET /duty/shifts` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ShiftQuery {
    pub from: DateTime<Utc>,
    /// At most 92 days after `from`.
    pub to: DateTime<Utc>,
    pub user_id: Option<Uuid>,
}

/// `GET /duty/now` parameters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DutyNowQuery {
    /// The moment asked about; now when omitted.
    pub at: Option<DateTime<Utc>>,
}

/// Who answers and who is on duty at a moment (R-DUT-1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyNowView {
    pub at: DateTime<Utc>,
    /// Customer service answers the hotline itself (08:30–21:00).
    pub in_service_hours: bool,
    /// Outside service hours: the hotline managers on duty (empty: nobody is rostered, a gap).
    pub hotline: Vec<ShiftView>,
    /// Every shift under way.
    pub on_duty: Vec<ShiftView>,
}

/// `POST /duty/swaps`: the person on a shift asks a colleague to take it, optionally in exchange
/// for one of the colleague's shifts. The roster changes only when the colleague accepts and the
/// department manager approves (approval kind `shift_swap`).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SwapRequest {
    pub shift_id: Uuid,
    pub colleague_id: Uuid,
    #[serde(default)]
    pub exchange_shift_id: Option<Uuid>,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

/// Where a shift swap stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SwapStateView {
    /// Asked; the colleague has not answered.
    Requested,
    /// The colleague agreed; waiting for the department manager's approval.
    Accepted,
    Declined,
    Approved,
    Rejected,
    Withdrawn,
    /// Another swap of the same shift was approved first.
    Superseded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SwapView {
    pub id: Uuid,
    pub shift_id: Uuid,
    pub exchange_shift_id: Option<Uuid>,
    pub requested_by: Uuid,
    pub colleague_id: Uuid,
    pub reason: String,
    pub state: SwapStateView,
    /// The approval request filed when the colleague accepted.
    pub approval_request_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// `POST /duty/swaps/{id}/answer`: the colleague accepts or declines.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SwapAnswer {
    pub accept: bool,
}
