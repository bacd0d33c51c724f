//! Attendance as data over HTTP: the month of the department or of one person (JSON or CSV),
//! closing and reopening it, policy versions, the working-day calendar and employment dates.

use super::sees_staff_records;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, csv_response, RequestMeta};
use actix_web::{delete, get, post, put, web, HttpResponse};
use chrono::{Duration, NaiveDate};
use ecops_api_types::{
    AdjustmentView, AttendancePolicyBody, CalendarEntryView, CalendarQuery, CloseMonthRequest,
    CreateCalendarEntries, CreatePolicyVersion, DayPunchView, DayView, EmploymentBody,
    EmploymentView, LapseKind, LapseView, LeaveKind, MonthQuery, MonthView, PolicyVersionView,
    Problem, PunchDirection, ReopenMonthRequest,
};
use ecops_app::attendance_month::{self as months, MonthFigures, PersonDay, PersonMonth, Scope};
use ecops_app::workdays::{self as flow, NewVersion};
use ecops_domain::attendance::{Arrival, AttendancePolicy, DayVerdict, Departure, Tier};
use ecops_domain::workdays::Month;
use ecops_persistence::repo::workdays::{self as store, Employment, StoredVersion};
use uuid::Uuid;

fn parse_month(raw: &str) -> ApiResult<Month> {
    Month::parse(raw).ok_or_else(|| ApiError::bad_field("invalid_path", "month", "must be YYYY-MM"))
}

fn lapse(kind: LapseKind, by_secs: Option<u32>, tier: Option<Tier>) -> LapseView {
    LapseView {
        kind,
        by_secs,
        tier: tier.and_then(|t| u8::try_from(t.index() + 1).ok()),
    }
}

fn arrival_view(a: Arrival) -> LapseView {
    match a {
        Arrival::OnTime => lapse(LapseKind::OnTime, None, None),
        Arrival::Late { by_secs, tier } => lapse(LapseKind::Late, Some(by_secs), Some(tier)),
        Arrival::Absent { by_secs } => lapse(LapseKind::Absent, Some(by_secs), None),
    }
}

fn departure_view(d: Departure) -> LapseView {
    match d {
        Departure::OnTime => lapse(LapseKind::OnTime, None, None),
        Departure::Early { by_secs, tier } => lapse(LapseKind::Early, Some(by_secs), Some(tier)),
        Departure::Absent { by_secs } => lapse(LapseKind::Absent, Some(by_secs), None),
    }
}

fn span(secs: u32) -> String {
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// Why a day is judged as it is, in words.
fn reason(d: &PersonDay, v: &DayVerdict) -> Option<String> {
    if v.on_leave {
        return Some("approved leave covers the working day".to_owned());
    }
    let mut why = Vec::new();
    if d.clock_in.is_none() && d.clock_out.is_none() {
        why.push("no punch and no approved leave".to_owned());
    }
    match v.arrival {
        Some(Arrival::Late { by_secs, tier }) if d.phoned_ahead && by_secs > 1800 => {
            why.push(format!(
                "late by {} after telephoning ahead: tier {}",
                span(by_secs),
                tier.index() + 1
            ))
        }
        Some(Arrival::Late { by_secs, tier }) => why.push(format!(
            "late by {} (tier {})",
            span(by_secs),
            tier.index() + 1
        )),
        Some(Arrival::Absent { by_secs }) => why.push(format!(
            "late by {} without telephoning ahead: absent",
            span(by_secs)
        )),
        _ => {}
    }
    match v.departure {
        Some(Departure::Early { by_secs, tier }) => why.push(format!(
            "left {} early (tier {})",
            span(by_secs),
            tier.index() + 1
        )),
        Some(Departure::Absent { by_secs }) => why.push(format!(
            "left {} early without leave: absent",
            span(by_secs)
        )),
        _ => {}
    }
    if v.missing_punch {
        let which = if d.clock_out.is_none() {
            "clock-out"
        } else {
            "clock-in"
        };
        why.push(if v.absent {
            format!("no {which}, judged as an absence when the month closed")
        } else {
            format!("no {which}: to be corrected before the month closes")
        });
    }
    (!why.is_empty()).then(|| why.join("; "))
}

fn day_view(d: &PersonDay) -> DayView {
    let v = d.verdict.as_ref();
    DayView {
        day: d.day,
        kind: crate::wire::day_kind(&d.kind),
        calendar_name: d.calendar_name.clone(),
        status: crate::wire::day_status(d.status),
        policy_version: d.policy_version,
        punches: d
            .punches
            .iter()
            .map(|p| DayPunchView {
                id: p.id,
                at: p.at,
                direction: if p.direction == "in" {
                    PunchDirection::In
                } else {
                    PunchDirection::Out
                },
                source: p.source.clone(),
                reason: p.reason.clone(),
            })
            .collect(),
        clock_in: d.clock_in,
        clock_out: d.clock_out,
        arrival: v
            .and_then(|v| v.arrival)
            .or(d.arrival_so_far)
            .map(arrival_view),
        departure: v.and_then(|v| v.departure).map(departure_view),
        phoned_ahead: d.phoned_ahead,
        on_leave: v.is_some_and(|v| v.on_leave),
        absent: v.is_some_and(|v| v.absent),
        missing_punch: v.is_some_and(|v| v.missing_punch),
        deduction_fen: v.map_or(0, |v| v.deduction_fen),
        reason: v.and_then(|v| reason(d, v)),
    }
}

fn month_view(label: &str, closed: bool, p: &PersonMonth) -> MonthView {
    let s = &p.summary;
    MonthView {
        user_id: p.user_id,
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        staff_level: crate::wire::staff_level(p.staff_level),
        month: label.to_owned(),
        closed,
        days_judged: p.days_judged,
        days_worked: s.days_worked,
        days_on_leave: s.days_on_leave,
        late_by_tier: s.late_by_tier,
        early_by_tier: s.early_by_tier,
        absences: s.absences,
        missing_punches: s.missing_punches,
        pending_missing_punches: p.pending_missing_punches,
        deductions_fen: s.deductions_fen,
        adjustments: p
            .adjustments
            .iter()
            .map(|a| AdjustmentView {
                id: a.id,
                concerns_day: a.concerns_day,
                concerns_month: a.concerns_month.clone(),
                deduction_fen: a.deduction_fen,
                loses_bonus: a.loses_bonus,
                reason: a.reason.clone(),
                source: a.source.clone(),
                source_id: a.source_id,
                created_by: a.created_by,
                created_at: a.created_at,
            })
            .collect(),
        total_deductions_fen: p.total_deductions_fen,
        full_attendance_bonus_kept: p.full_attendance_bonus_kept,
        days: p.days.iter().map(day_view).collect(),
    }
}

pub(crate) fn views(m: &MonthFigures) -> Vec<MonthView> {
    m.people
        .iter()
        .map(|p| month_view(&m.month, m.closed.is_some(), p))
        .collect()
}

/// Fen as yuan with two decimals, for the spreadsheet.
fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

fn month_csv(label: &str, views: &[MonthView]) -> ApiResult<HttpResponse> {
    csv_response(
        &format!("attendance-{label}"),
        month_rows(label, views),
        true,
    )
}

/// The month's figures as CSV rows, the header first.
pub(crate) fn month_rows(label: &str, views: &[MonthView]) -> Vec<Vec<String>> {
    let head = [
        "month",
        "username",
        "display_name",
        "staff_level",
        "days_judged",
        "days_worked",
        "days_on_leave",
        "late_tier_1",
        "late_tier_2",
        "late_tier_3",
        "early_tier_1",
        "early_tier_2",
        "early_tier_3",
        "absences",
        "missing_punches",
        "deductions_yuan",
        "adjustments_yuan",
        "total_deductions_yuan",
        "full_attendance_bonus",
        "closed",
    ];
    let mut rows = vec![head.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    for v in views {
        let adjustments: i64 = v.adjustments.iter().map(|a| a.deduction_fen).sum();
        rows.push(vec![
            label.to_owned(),
            v.username.clone(),
            v.display_name.clone(),
            format!("{:?}", v.staff_level),
            v.days_judged.to_string(),
            v.days_worked.to_string(),
            v.days_on_leave.to_string(),
            v.late_by_tier[0].to_string(),
            v.late_by_tier[1].to_string(),
            v.late_by_tier[2].to_string(),
            v.early_by_tier[0].to_string(),
            v.early_by_tier[1].to_string(),
            v.early_by_tier[2].to_string(),
            v.absences.to_string(),
            v.missing_punches.to_string(),
            yuan(v.deductions_fen),
            yuan(adjustments),
            yuan(v.total_deductions_fen),
            if v.full_attendance_bonus_kept {
                "kept"
            } else {
                "lost"
            }
            .to_owned(),
            v.closed.to_string(),
        ]);
    }
    rows
}

/// Each person's month (R-ATT-9): every day, judged by the policy version in force that day and
/// the working-day calendar (R-ATT-2..5) from the punches, corrections included, the telephone
/// notices, approved leave and the person's staff level; the totals, adjustments carried in from
/// closed months, and whether the full-attendance bonus is kept (R-ATT-6). Working days still to
/// come are not judged, nor today before the working day has ended; a closed month answers its
/// frozen figures. Staff see their own month; managers everyone's employed in the month.
/// `format=csv` answers one row per person.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(("month" = String, Path, description = "YYYY-MM"), MonthQuery),
    responses(
        (status = 200, description = "One entry per person", content((Vec<MonthView> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Not a month, or an unknown format", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Someone else's, and not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/attendance/months/{month}")]
pub async fn month(
    state: web::Data<AppState>,
    who: Caller,
    label: web::Path<String>,
    query: Query<MonthQuery>,
) -> ApiResult<HttpResponse> {
    let m = parse_month(&label.into_inner())?;
    let q = query.into_inner();
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::bad_field(
                "invalid_query",
                "format",
                "must be json or csv",
            ))
        }
    };
    let now = state.clock.now();
    let figures = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            let manager = sees_staff_records(&who);
            let scope = match q.user_id {
                Some(u) if u != who.user_id && !manager => {
                    return Err(ApiError::forbidden(
                        "not_yours",
                        "only managers read other people's attendance",
                    ))
                }
                Some(u) => Scope::One(u),
                None if manager => Scope::Everyone,
                None => Scope::One(who.user_id),
            };
            Ok(months::month(conn, scope, m, now)?)
        })
        .await?;
    let views = views(&figures);
    if csv {
        return month_csv(&figures.month, &views);
    }
    Ok(HttpResponse::Ok().json(views))
}

/// The department manager closes a month that is over (months close in order): its figures are
/// frozen as judged now. Working days still missing a clock-in or clock-out refuse the closing
/// unless `confirm_missing_punches` accepts the policy's rule for them (by default: absence).
/// Later corrections and leave for the month show as adjustments in the next open month.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(("month" = String, Path, description = "YYYY-MM")),
    request_body = CloseMonthRequest,
    responses(
        (status = 200, description = "Closed: the frozen figures", body = Vec<MonthView>),
        (status = 403, description = "Not the department manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed already (`month_closed`), or missing punches to confirm (`missing_punches_pending`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not over (`month_not_over`), or the month before is open (`earlier_month_open`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/attendance/months/{month}/close")]
pub async fn close_month(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    label: web::Path<String>,
    body: ValidJson<CloseMonthRequest>,
) -> ApiResult<web::Json<Vec<MonthView>>> {
    let m = parse_month(&label.into_inner())?;
    let confirm = body.into_inner().confirm_missing_punches;
    let now = state.clock.now();
    let figures = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let today = flow::company_date(conn, now)?;
            Ok(months::close(
                conn,
                &actor(&who, &meta),
                m,
                confirm,
                today,
                now,
            )?)
        })
        .await?;
    Ok(web::Json(views(&figures)))
}

/// The general manager reopens the latest closed month, with a reason (audited). Adjustments for
/// it still waiting in open months are withdrawn: the reopened month shows those changes itself.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(("month" = String, Path, description = "YYYY-MM")),
    request_body = ReopenMonthRequest,
    responses(
        (status = 204, description = "Reopened"),
        (status = 403, description = "Not the general manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not closed (`month_open`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A later month is closed (`later_month_closed`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/attendance/months/{month}/reopen")]
pub async fn reopen_month(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    label: web::Path<String>,
    body: ValidJson<ReopenMonthRequest>,
) -> ApiResult<HttpResponse> {
    let m = parse_month(&label.into_inner())?;
    let reason = body.into_inner().reason;
    let now = state.clock.now();
    state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            Ok(months::reopen(
                conn,
                &actor(&who, &meta),
                m,
                reason.trim(),
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn policy_body(p: &AttendancePolicy) -> AttendancePolicyBody {
    AttendancePolicyBody {
        day_start: p.start,
        day_end: p.end,
        late_grace_secs: p.late_grace_secs,
        early_threshold_secs: p.early_threshold_secs,
        tier_limits_secs: p.tier_limits_secs,
        fines_p_fen: p.fines_p_fen,
        fines_m_fen: p.fines_m_fen,
        absence_wage_multiple: p.absence_wage_multiple,
        working_days_per_month_hundredths: p.working_days_per_month_hundredths,
        working_weekdays: p.working_weekdays.clone(),
        missing_punch: crate::wire::missing_punch_rule(p.missing_punch),
        after_the_fact_kinds: p
            .after_the_fact_kinds
            .iter()
            .filter_map(|k| match k.as_str() {
                "personal" => Some(LeaveKind::Personal),
                "sick" => Some(LeaveKind::Sick),
                "annual" => Some(LeaveKind::Annual),
                "other" => Some(LeaveKind::Other),
                _ => None,
            })
            .collect(),
        after_the_fact_days: p.after_the_fact_days,
    }
}

fn policy_of(b: AttendancePolicyBody) -> AttendancePolicy {
    AttendancePolicy {
        start: b.day_start,
        end: b.day_end,
        late_grace_secs: b.late_grace_secs,
        early_threshold_secs: b.early_threshold_secs,
        tier_limits_secs: b.tier_limits_secs,
        fines_p_fen: b.fines_p_fen,
        fines_m_fen: b.fines_m_fen,
        absence_wage_multiple: b.absence_wage_multiple,
        working_days_per_month_hundredths: b.working_days_per_month_hundredths,
        working_weekdays: b.working_weekdays,
        missing_punch: crate::wire::missing_punch_rule_in(b.missing_punch),
        after_the_fact_kinds: b
            .after_the_fact_kinds
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect(),
        after_the_fact_days: b.after_the_fact_days,
    }
}

fn version_view(v: &StoredVersion) -> PolicyVersionView {
    PolicyVersionView {
        id: v.version.id,
        effective_from: v.version.effective_from,
        timezone: v.version.timezone.clone(),
        policy: policy_body(&v.version.policy),
        note: v.note.clone(),
        created_by: v.created_by,
        created_at: v.created_at,
    }
}

/// The attendance policy's versions, oldest first; each judges the days from its
/// `effective_from` until the next one's. Everyone may read the rules they are judged by.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    responses((status = 200, description = "The versions", body = Vec<PolicyVersionView>))
)]
#[get("/attendance/policies")]
pub async fn list_policies(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<Vec<PolicyVersionView>>> {
    let all = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            Ok(store::versions(conn)?)
        })
        .await?;
    Ok(web::Json(all.iter().map(version_view).collect()))
}

/// The department manager adds a policy version (audited). It takes effect tomorrow at the
/// earliest and never inside a closed month: days already begun keep the version that judged
/// them.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    request_body = CreatePolicyVersion,
    responses(
        (status = 201, description = "Added", body = PolicyVersionView),
        (status = 403, description = "Not the department manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A version already takes effect that day (`policy_version_exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A policy that cannot judge a day, an unknown time zone, a day not in the future (`effective_in_past`) or in a closed month (`month_closed`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/attendance/policies")]
pub async fn create_policy(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreatePolicyVersion>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let stored = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let new = NewVersion {
                effective_from: b.effective_from,
                timezone: b.timezone.trim().to_owned(),
                policy: policy_of(b.policy),
                note: b.note.trim().to_owned(),
            };
            Ok(flow::add_version(conn, &actor(&who, &meta), new, now)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(version_view(&stored)))
}

fn entry_view(e: &store::StoredEntry) -> CalendarEntryView {
    CalendarEntryView {
        day: e.entry.day,
        kind: crate::wire::calendar_kind(e.entry.kind),
        name: e.entry.name.clone(),
        created_by: e.created_by,
        created_at: e.created_at,
    }
}

/// The working-day calendar's entries (public holidays, make-up working days) from `from` to
/// `to`, inclusive.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(CalendarQuery),
    responses(
        (status = 200, description = "Entries by day", body = Vec<CalendarEntryView>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/attendance/calendar")]
pub async fn list_calendar(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<CalendarQuery>,
) -> ApiResult<web::Json<Vec<CalendarEntryView>>> {
    let q = query.into_inner();
    if q.to < q.from || (q.to - q.from).num_days() >= flow::MAX_CALENDAR_SPAN {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            format!(
                "must not be before `from`, at most {} days later",
                flow::MAX_CALENDAR_SPAN - 1
            ),
        ));
    }
    let entries = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            Ok(store::calendar(conn, q.from, q.to + Duration::days(1))?)
        })
        .await?;
    Ok(web::Json(entries.iter().map(entry_view).collect()))
}

/// The department manager marks days as public holidays or make-up working days (audited).
/// A day that has an entry already refuses the whole request (`calendar_overlap`), as does a day
/// in a closed month.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    request_body = CreateCalendarEntries,
    responses(
        (status = 201, description = "Entered, one per day", body = Vec<CalendarEntryView>),
        (status = 403, description = "Not the department manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A day already has an entry (`calendar_overlap`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad period, or a day in a closed month (`month_closed`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/attendance/calendar")]
pub async fn create_calendar(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateCalendarEntries>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let entries = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            Ok(flow::add_calendar(
                conn,
                &actor(&who, &meta),
                (b.from, b.to),
                crate::wire::calendar_kind_in(b.kind),
                b.name.trim(),
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(entries.iter().map(entry_view).collect::<Vec<_>>()))
}

/// The department manager removes a day's calendar entry (not in a closed month; audited).
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(("day" = NaiveDate, Path, description = "YYYY-MM-DD")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No entry that day", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The day is in a closed month", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/attendance/calendar/{day}")]
pub async fn delete_calendar(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    day: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let day = NaiveDate::parse_from_str(&day.into_inner(), "%Y-%m-%d")
        .map_err(|_| ApiError::bad_field("invalid_path", "day", "must be YYYY-MM-DD"))?;
    let now = state.clock.now();
    state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            Ok(flow::remove_calendar(conn, &actor(&who, &meta), day, now)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A person's employment dates: recorded ones, or those implied by the account (created,
/// deactivated). Managers read anyone's; staff their own.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The dates", body = EmploymentView),
        (status = 404, description = "No such person (or not yours to see)", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/users/{id}/employment")]
pub async fn get_employment(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<EmploymentView>> {
    let id = id.into_inner();
    let view = state
        .run_as(who, move |conn, who| {
            if id != who.user_id && !sees_staff_records(&who) {
                return Err(ApiError::not_found("no such user"));
            }
            let user = ecops_persistence::repo::users::find(conn, id)?
                .ok_or_else(|| ApiError::not_found("no such user"))?;
            let recorded = store::employment(conn, id)?.is_some();
            let e = flow::employment_of(conn, &user)?;
            Ok(EmploymentView {
                user_id: id,
                started_on: e.started_on,
                ended_on: e.ended_on,
                recorded,
            })
        })
        .await?;
    Ok(web::Json(view))
}

/// The department manager (or IT admin) records when someone started (入职) and, later, ended;
/// days are judged from the start date, so a department loading last month's device files gets
/// them judged. A change that would alter a closed month is refused (`month_closed`). Audited.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = EmploymentBody,
    responses(
        (status = 200, description = "Recorded", body = EmploymentView),
        (status = 403, description = "Not the department manager or IT admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An end before the start, a service account, or a closed month", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/users/{id}/employment")]
pub async fn set_employment(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<EmploymentBody>,
) -> ApiResult<web::Json<EmploymentView>> {
    let id = id.into_inner();
    let b = body.into_inner();
    let now = state.clock.now();
    let e = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:write")?;
            Ok(flow::set_employment(
                conn,
                &actor(&who, &meta),
                Employment {
                    user_id: id,
                    started_on: b.started_on,
                    ended_on: b.ended_on,
                },
                now,
            )?)
        })
        .await?;
    Ok(web::Json(EmploymentView {
        user_id: e.user_id,
        started_on: e.started_on,
        ended_on: e.ended_on,
        recorded: true,
    }))
}
