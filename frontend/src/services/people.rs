//! The calls of the people screens: attendance (punches, months, closing, corrections),
//! leave, and duty rosters with their swaps.

use super::requests::{download_text, request, request_with, ApiFailure};
use chrono::{DateTime, NaiveDate, Utc};
use ecops_api_types::{
    CloseMonthRequest, CorrectionRequest, CoverageGap, CreateLeaveRequest, CreateShiftRequest,
    DutyKindView, DutyNowView, FairnessRow, LeaveClash, LeaveProposal, LeaveView, MonthView, Page,
    PunchDirection, PunchRequest, PunchView, RotationRequest, RotationResult, ShiftView,
    SwapAnswer, SwapRequest, SwapView,
};
use gloo_net::http::Method;
use uuid::Uuid;

/// An instant as a query value (`+` would read as a space).
fn q(t: DateTime<Utc>) -> String {
    t.to_rfc3339().replace('+', "%2B")
}

/// Clocks the logged-in user in or out at the server's time; `key` makes a double click one punch.
pub async fn punch(direction: PunchDirection, key: &str) -> Result<PunchView, ApiFailure> {
    request_with(
        Method::POST,
        "/api/v1/attendance/punches",
        Some(&PunchRequest { direction }),
        &[("Idempotency-Key", key)],
    )
    .await
}

/// One person's month (`user` `None`: the caller's own), day by day.
pub async fn month_of(month: &str, user: Option<Uuid>) -> Result<MonthView, ApiFailure> {
    let who = user.map(|u| format!("?user_id={u}")).unwrap_or_default();
    let mut rows: Vec<MonthView> = request::<(), _>(
        Method::GET,
        &format!("/api/v1/attendance/months/{month}{who}"),
        None,
    )
    .await?;
    rows.pop().ok_or(ApiFailure {
        status: 404,
        problem: None,
        transport: Some("no month for this person".to_owned()),
    })
}

/// Every active person's month (managers).
pub async fn department_month(month: &str) -> Result<Vec<MonthView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/attendance/months/{month}"),
        None,
    )
    .await
}

/// The department month as the CSV the API writes, handed to the browser as a download.
pub async fn download_month_csv(month: &str) -> Result<(), ApiFailure> {
    download_text(
        &format!("/api/v1/attendance/months/{month}?format=csv"),
        &format!("attendance-{month}.csv"),
        "text/csv;charset=utf-8",
    )
    .await
}

pub async fn close_month(month: &str, confirm_missing: bool) -> Result<Vec<MonthView>, ApiFailure> {
    request(
        Method::POST,
        &format!("/api/v1/attendance/months/{month}/close"),
        Some(&CloseMonthRequest {
            confirm_missing_punches: confirm_missing,
        }),
    )
    .await
}

/// The department manager's correction of a missing or wrong punch (R-ATT-7).
pub async fn correct(body: &CorrectionRequest) -> Result<PunchView, ApiFailure> {
    request(Method::POST, "/api/v1/attendance/corrections", Some(body)).await
}

/// Asks the department manager to correct a punch of one's own (补卡).
pub async fn ask_correction(
    body: &ecops_api_types::CorrectionAskRequest,
) -> Result<ecops_api_types::ApprovalRequestView, ApiFailure> {
    request(
        Method::POST,
        "/api/v1/attendance/correction-requests",
        Some(body),
    )
    .await
}

pub async fn request_leave(body: &CreateLeaveRequest) -> Result<LeaveProposal, ApiFailure> {
    request(Method::POST, "/api/v1/leave-requests", Some(body)).await
}

/// Leave requests, newest first: the caller's own, or everyone's for managers (`all`).
pub async fn leave(user: Option<Uuid>, status: Option<&str>) -> Result<Vec<LeaveView>, ApiFailure> {
    let mut query = vec!["limit=200".to_owned()];
    if let Some(u) = user {
        query.push(format!("user_id={u}"));
    }
    if let Some(s) = status {
        query.push(format!("status={s}"));
    }
    request::<(), Page<LeaveView>>(
        Method::GET,
        &format!("/api/v1/leave-requests?{}", query.join("&")),
        None,
    )
    .await
    .map(|p| p.items)
}

pub async fn duty_now() -> Result<DutyNowView, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/duty/now", None).await
}

pub async fn shifts(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<ShiftView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/duty/shifts?from={}&to={}", q(from), q(to)),
        None,
    )
    .await
}

pub async fn coverage(from: NaiveDate, to: NaiveDate) -> Result<Vec<CoverageGap>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/duty/coverage?from={from}&to={to}"),
        None,
    )
    .await
}

pub async fn clashes(from: NaiveDate, to: NaiveDate) -> Result<Vec<LeaveClash>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/duty/clashes?from={from}&to={to}"),
        None,
    )
    .await
}

pub async fn fairness(from: NaiveDate, to: NaiveDate) -> Result<Vec<FairnessRow>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/duty/fairness?from={from}&to={to}"),
        None,
    )
    .await
}

pub async fn roster(body: &CreateShiftRequest) -> Result<ShiftView, ApiFailure> {
    request(Method::POST, "/api/v1/duty/shifts", Some(body)).await
}

pub async fn cancel_shift(id: Uuid) -> Result<ShiftView, ApiFailure> {
    request::<(), _>(Method::DELETE, &format!("/api/v1/duty/shifts/{id}"), None).await
}

pub async fn rotate(
    kind: DutyKindView,
    from: NaiveDate,
    to: NaiveDate,
    staff: Vec<Uuid>,
) -> Result<RotationResult, ApiFailure> {
    let body = RotationRequest {
        kind: Some(kind),
        from,
        to,
        staff,
    };
    request(Method::POST, "/api/v1/duty/rotations", Some(&body)).await
}

pub async fn swaps() -> Result<Vec<SwapView>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/duty/swaps", None).await
}

pub async fn request_swap(body: &SwapRequest) -> Result<SwapView, ApiFailure> {
    request(Method::POST, "/api/v1/duty/swaps", Some(body)).await
}

pub async fn answer_swap(id: Uuid, accept: bool) -> Result<SwapView, ApiFailure> {
    request(
        Method::POST,
        &format!("/api/v1/duty/swaps/{id}/answer"),
        Some(&SwapAnswer { accept }),
    )
    .await
}

/// Resignations and transfers: one's own, or everyone's for managers.
pub async fn departures() -> Result<Vec<ecops_api_types::DepartureView>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/departures", None).await
}

pub async fn request_departure(
    body: &ecops_api_types::DepartureRequest,
) -> Result<ecops_api_types::DepartureView, ApiFailure> {
    request(Method::POST, "/api/v1/departures", Some(body)).await
}

/// The witness confirms one item of the handover.
pub async fn confirm_item(
    id: Uuid,
    seq: i32,
) -> Result<ecops_api_types::DepartureView, ApiFailure> {
    request(
        Method::POST,
        &format!("/api/v1/departures/{id}/items/{seq}/confirm"),
        Some(&ecops_api_types::ConfirmItemRequest { note: None }),
    )
    .await
}

pub async fn complete_departure(id: Uuid) -> Result<ecops_api_types::DepartureView, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/departures/{id}/complete"),
        None,
    )
    .await
}

pub async fn withdraw_departure(id: Uuid) -> Result<ecops_api_types::DepartureView, ApiFailure> {
    request::<(), _>(
        Method::POST,
        &format!("/api/v1/departures/{id}/withdraw"),
        None,
    )
    .await
}

pub async fn policies() -> Result<Vec<ecops_api_types::PolicyVersionView>, ApiFailure> {
    request::<(), _>(Method::GET, "/api/v1/attendance/policies", None).await
}

pub async fn create_policy(
    body: &ecops_api_types::CreatePolicyVersion,
) -> Result<ecops_api_types::PolicyVersionView, ApiFailure> {
    request(Method::POST, "/api/v1/attendance/policies", Some(body)).await
}

pub async fn calendar(
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ecops_api_types::CalendarEntryView>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/attendance/calendar?from={from}&to={to}"),
        None,
    )
    .await
}

pub async fn add_calendar(
    body: &ecops_api_types::CreateCalendarEntries,
) -> Result<Vec<ecops_api_types::CalendarEntryView>, ApiFailure> {
    request(Method::POST, "/api/v1/attendance/calendar", Some(body)).await
}

pub async fn remove_calendar_day(day: NaiveDate) -> Result<(), ApiFailure> {
    request::<(), ()>(
        Method::DELETE,
        &format!("/api/v1/attendance/calendar/{day}"),
        None,
    )
    .await
}

/// R-ATT-5: the manager records that someone telephoned before the start of `day`.
pub async fn record_notice(
    user: Uuid,
    day: NaiveDate,
    note: &str,
) -> Result<ecops_api_types::NoticeView, ApiFailure> {
    request(
        Method::POST,
        "/api/v1/attendance/notices",
        Some(&ecops_api_types::NoticeRequest {
            user_id: user,
            day,
            note: note.to_owned(),
        }),
    )
    .await
}

/// A clocking device's file (CSV or NDJSON) of punches; `dry_run` checks without writing.
pub async fn import_punches(
    text: &str,
    ndjson: bool,
    dry_run: bool,
) -> Result<ecops_api_types::PunchImportReport, ApiFailure> {
    super::requests::request_document(
        &format!("/api/v1/attendance/punch-imports?dry_run={dry_run}"),
        text,
        if ndjson {
            "application/x-ndjson"
        } else {
            "text/csv"
        },
        &[],
    )
    .await
}

/// The general manager reopens a closed month, saying why.
pub async fn reopen_month(month: &str, reason: &str) -> Result<(), ApiFailure> {
    request::<_, ()>(
        Method::POST,
        &format!("/api/v1/attendance/months/{month}/reopen"),
        Some(&ecops_api_types::ReopenMonthRequest {
            reason: reason.to_owned(),
        }),
    )
    .await
}

/// One page of leave requests for `query` (filters and cursor).
pub async fn leave_page(query: String) -> Result<Page<LeaveView>, ApiFailure> {
    request::<(), Page<LeaveView>>(
        Method::GET,
        &format!("/api/v1/leave-requests?limit=50&{query}"),
        None,
    )
    .await
}

/// Daily reports of `[from, to]`: one person's, or everyone's (managers, `None`).
pub async fn daily_reports(
    user: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ecops_api_types::DailyReportView>, ApiFailure> {
    let who = user.map(|u| format!("&user_id={u}")).unwrap_or_default();
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/reports/daily?from={from}&to={to}{who}"),
        None,
    )
    .await
}

/// Saves my report of `day` (today).
pub async fn save_daily_report(
    day: NaiveDate,
    body: &ecops_api_types::DailyReportBody,
) -> Result<ecops_api_types::DailyReportView, ApiFailure> {
    request(
        Method::PUT,
        &format!("/api/v1/reports/daily/{day}"),
        Some(body),
    )
    .await
}

/// Who has not filed a daily report, per day of `[from, to]` (managers).
pub async fn missing_reports(
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ecops_api_types::MissingReport>, ApiFailure> {
    request::<(), _>(
        Method::GET,
        &format!("/api/v1/reports/daily/missing?from={from}&to={to}"),
        None,
    )
    .await
}
