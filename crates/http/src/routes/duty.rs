//! Duty rosters (R-DUT-1..4): shifts inside their duty's window, held by the right role, never
//! during approved leave; the weekend rotation of customer service; and "who is on duty now".

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use ecops_api_types::{
    CoverageGap, CreateShiftRequest, DayPeriodQuery, DutyCount, DutyKindView, DutyNowQuery,
    DutyNowView, FairnessRow, LeaveClash, Problem, RotationRequest, RotationResult, ShiftQuery,
    ShiftView, SwapAnswer, SwapRequest, SwapStateView, SwapView,
};
use ecops_domain::duty::{DutyKind, DutyPolicy};
use ecops_persistence::repo::duty::{self, ShiftRow, Swap, SwapState};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use uuid::Uuid;

/// Who draws up rosters.
/// The longest period one listing or rotation covers.
const MAX_DAYS: i64 = 92;

fn kind_in(k: DutyKindView) -> DutyKind {
    match k {
        DutyKindView::HotlineManager => DutyKind::HotlineManager,
        DutyKindView::WeekendService => DutyKind::WeekendService,
        DutyKindView::Storefront => DutyKind::Storefront,
        DutyKindView::Restaurant => DutyKind::Restaurant,
    }
}

fn kind_out(k: DutyKind) -> DutyKindView {
    match k {
        DutyKind::HotlineManager => DutyKindView::HotlineManager,
        DutyKind::WeekendService => DutyKindView::WeekendService,
        DutyKind::Storefront => DutyKindView::Storefront,
        DutyKind::Restaurant => DutyKindView::Restaurant,
    }
}

fn local(t: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

fn views(conn: &mut AnyConnection, rows: &[ShiftRow]) -> ApiResult<Vec<ShiftView>> {
    let ids: Vec<Uuid> = rows.iter().map(|s| s.user_id).collect();
    let names = users::display_names(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|s| ShiftView {
            id: s.id,
            user_id: s.user_id,
            display_name: names.get(&s.user_id).cloned().unwrap_or_default(),
            kind: kind_out(s.kind),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            created_by: s.created_by,
            created_at: s.created_at,
            cancelled_at: s.cancelled_at,
            cancelled_by: s.cancelled_by,
            released_for_leave: s.released_for_leave,
            phone: None,
        })
        .collect())
}

/// Who needs the phone numbers of the people on duty: the hotline's staff (the hotline manager's)
/// and the managers (anyone's). From the second on they see leave clashes too (rosterers and
/// managers); from the third on they are managers.
const REACH_DUTY: [ecops_domain::JobRole; 5] = [
    ecops_domain::JobRole::CustomerService,
    ecops_domain::JobRole::CsSupervisor,
    ecops_domain::JobRole::DeptManager,
    ecops_domain::JobRole::GeneralManager,
    ecops_domain::JobRole::ItAdmin,
];

/// Puts someone on duty (department manager or customer-service supervisor). The shift lies
/// within its duty's window (R-DUT-1/3), the person holds the role it needs, and is neither on
/// approved leave (R-DUT-4) nor already on duty then.
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    request_body = CreateShiftRequest,
    responses(
        (status = 201, description = "Rostered", body = ShiftView),
        (status = 422, description = "Outside the duty's window, wrong role, on leave or double-booked", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/duty/shifts")]
pub async fn create_shift(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateShiftRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let input = ecops_app::duty::ShiftInput {
        user_id: body.user_id,
        kind: kind_in(body.kind),
        starts_at: body.starts_at,
        ends_at: body.ends_at,
    };
    let tz = state.config.orders.timezone;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let a = crate::support::actor(&who, &meta);
            let row = ecops_app::duty::roster(conn, &a, input, tz, now)?;
            views(conn, std::slice::from_ref(&row))
        })
        .await?;
    Ok(HttpResponse::Created().json(v.into_iter().next()))
}

/// Cancels a shift (it stays on record as cancelled).
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Shift id")),
    responses(
        (status = 200, description = "Cancelled", body = ShiftView),
        (status = 404, description = "No such shift", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/duty/shifts/{id}")]
pub async fn cancel_shift(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ShiftView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let a = crate::support::actor(&who, &meta);
            let s = ecops_app::duty::cancel(conn, &a, id, now)?;
            views(conn, std::slice::from_ref(&s))?
                .pop()
                .ok_or_else(|| ApiError::internal("a view went missing"))
        })
        .await?;
    Ok(web::Json(v))
}

/// Rosters weekend customer service in rotation (R-DUT-2), carrying on after whoever had the
/// last weekend day, skipping anyone on approved leave that day (R-DUT-4). Days nobody can take
/// are returned as uncovered. A period that already has weekend shifts is refused: cancel them
/// first.
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    request_body = RotationRequest,
    responses(
        (status = 201, description = "Rostered", body = RotationResult),
        (status = 409, description = "The period already has weekend shifts", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad period, or staff who cannot take the duty", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/duty/rotations")]
pub async fn create_rotation(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<RotationRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    if body.to <= body.from || body.to - body.from > Duration::days(MAX_DAYS) {
        return Err(ApiError::invalid_field(
            "to",
            format!("must be after `from`, at most {MAX_DAYS} days later"),
        ));
    }
    let mut staff: Vec<Uuid> = Vec::new();
    for (i, s) in body.staff.iter().enumerate() {
        if staff.contains(s) {
            return Err(ApiError::invalid_field(
                &format!("staff.{i}"),
                "is listed twice",
            ));
        }
        staff.push(*s);
    }
    let tz = state.config.orders.timezone;
    let now = state.clock.now();
    let (from_day, to_day) = (body.from, body.to);
    let kind = body.kind.map_or(DutyKind::WeekendService, kind_in);
    let result = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let a = crate::support::actor(&who, &meta);
            let r = ecops_app::duty::rotate(conn, &a, kind, &staff, (from_day, to_day), tz, now)?;
            Ok(RotationResult {
                shifts: views(conn, &r.shifts)?,
                uncovered_days: r.uncovered,
                gaps: gap_views(&r.gaps, tz),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(result))
}

/// Live shifts overlapping a period (at most 92 days), by start. Rosters are visible to all staff.
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    params(ShiftQuery),
    responses(
        (status = 200, description = "Shifts", body = Vec<ShiftView>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/duty/shifts")]
pub async fn list_shifts(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<ShiftQuery>,
) -> ApiResult<web::Json<Vec<ShiftView>>> {
    let q = query.into_inner();
    if q.to <= q.from || q.to - q.from > Duration::days(MAX_DAYS) {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            format!("must be after `from`, at most {MAX_DAYS} days later"),
        ));
    }
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            let rows = duty::live_between(conn, q.user_id, q.from, q.to)?;
            views(conn, &rows)
        })
        .await?;
    Ok(web::Json(v))
}

/// Who is on duty at a moment, now by default (R-DUT-1): within 08:30–21:00 customer service
/// answers; outside, the hotline goes to the customer-service manager on duty (an empty list is a
/// gap in the roster).
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    params(DutyNowQuery),
    responses((status = 200, description = "Who answers, and who is on duty", body = DutyNowView))
)]
#[get("/duty/now")]
pub async fn duty_now(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<DutyNowQuery>,
) -> ApiResult<web::Json<DutyNowView>> {
    let at = query.into_inner().at.unwrap_or_else(|| state.clock.now());
    let tz = state.config.orders.timezone;
    let policy = DutyPolicy::default();
    let in_hours = policy.in_service_hours(local(at, tz));
    let on_duty = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            let rows = duty::live_between(conn, None, at, at + Duration::microseconds(1))?;
            let mut shifts = views(conn, &rows)?;
            // The hotline's staff reach the hotline manager; managers reach anyone on duty.
            let managers = REACH_DUTY[2..].iter().any(|r| who.has_role(*r));
            if REACH_DUTY.iter().any(|r| who.has_role(*r)) {
                for s in &mut shifts {
                    if managers || s.kind == DutyKindView::HotlineManager {
                        s.phone = users::find(conn, s.user_id)?.and_then(|u| u.phone);
                    }
                }
            }
            Ok(shifts)
        })
        .await?;
    let hotline = if in_hours {
        Vec::new()
    } else {
        on_duty
            .iter()
            .filter(|s| s.kind == DutyKindView::HotlineManager)
            .cloned()
            .collect()
    };
    Ok(web::Json(DutyNowView {
        at,
        in_service_hours: in_hours,
        hotline,
        on_duty,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecops_domain::JobRole;

    #[test]
    fn every_kind_round_trips_and_needs_its_role() {
        for k in DutyKind::ALL {
            assert_eq!(kind_in(kind_out(k)), k);
        }
        assert_eq!(
            DutyKind::HotlineManager.role_needed(),
            Some(JobRole::CsSupervisor)
        );
        let names: std::collections::HashMap<&str, DutyKind> =
            DutyKind::ALL.iter().map(|k| (k.as_str(), *k)).collect();
        assert_eq!(names.len(), 4);
    }
}

fn swap_view(s: &Swap) -> SwapView {
    SwapView {
        id: s.id,
        shift_id: s.shift_id,
        exchange_shift_id: s.exchange_shift_id,
        requested_by: s.requested_by,
        colleague_id: s.colleague_id,
        reason: s.reason.clone(),
        state: match s.state {
            SwapState::Requested => SwapStateView::Requested,
            SwapState::Accepted => SwapStateView::Accepted,
            SwapState::Declined => SwapStateView::Declined,
            SwapState::Approved => SwapStateView::Approved,
            SwapState::Rejected => SwapStateView::Rejected,
            SwapState::Withdrawn => SwapStateView::Withdrawn,
            SwapState::Superseded => SwapStateView::Superseded,
        },
        approval_request_id: s.approval_request_id,
        created_at: s.created_at,
        answered_at: s.answered_at,
        decided_at: s.decided_at,
    }
}

/// Asks a colleague to take one of the caller's future shifts (optionally in exchange for one of
/// theirs). The colleague must be active staff holding the duty's role; nothing changes on the
/// roster until they accept and the department manager approves.
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    request_body = SwapRequest,
    responses(
        (status = 201, description = "Asked", body = SwapView),
        (status = 422, description = "A swap with oneself (`swap_with_self`), not the caller's live shift, a shift that has begun (`shift_started`), or a colleague who is inactive or lacks the duty's role", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/duty/swaps")]
pub async fn create_swap(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<SwapRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let input = ecops_app::duty::SwapInput {
        shift_id: body.shift_id,
        colleague_id: body.colleague_id,
        exchange_shift_id: body.exchange_shift_id,
        reason: body.reason,
    };
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let a = crate::support::actor(&who, &meta);
            Ok(swap_view(&ecops_app::duty::request_swap(
                conn, &a, input, now,
            )?))
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// The colleague asked accepts (the approval request goes to the department manager; refused
/// if they are on leave, on another duty then, or lack the role) or declines.
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Swap id")),
    request_body = SwapAnswer,
    responses(
        (status = 200, description = "Answered; when accepted, `approval_request_id` names the request", body = SwapView),
        (status = 403, description = "Not the colleague asked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such swap", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already answered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The colleague cannot take the shift (`on_leave`, `double_booked`) or it has begun", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/duty/swaps/{id}/answer")]
pub async fn answer_swap(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    path: web::Path<Uuid>,
    body: ValidJson<SwapAnswer>,
) -> ApiResult<web::Json<SwapView>> {
    let id = path.into_inner();
    let accept = body.into_inner().accept;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let a = crate::support::actor(&who, &meta);
            let (swap, _) = ecops_app::duty::answer_swap(conn, &a, id, accept, now)?;
            Ok(swap_view(&swap))
        })
        .await?;
    Ok(web::Json(v))
}

/// Swaps the caller asked for or was asked to take, newest first; the department manager and
/// the rosterers see everyone's.
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    responses((status = 200, description = "Swaps (at most 200)", body = Vec<SwapView>))
)]
#[get("/duty/swaps")]
pub async fn list_swaps(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<Vec<SwapView>>> {
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            let everyone = ecops_domain::access::ROSTERERS
                .iter()
                .any(|r| who.roles.contains(r));
            let rows = duty::swaps(conn, (!everyone).then_some(who.user_id), 200)?;
            Ok(rows.iter().map(swap_view).collect())
        })
        .await?;
    Ok(web::Json(v))
}

fn gap_views(gaps: &[ecops_domain::duty::Gap], tz: Tz) -> Vec<CoverageGap> {
    use chrono::TimeZone;
    let utc = |t: NaiveDateTime| {
        tz.from_local_datetime(&t)
            .earliest()
            .map_or_else(|| t.and_utc(), |x| x.with_timezone(&Utc))
    };
    gaps.iter()
        .map(|g| CoverageGap {
            kind: kind_out(g.kind),
            day: g.day,
            starts_at: utc(g.start),
            ends_at: utc(g.end),
        })
        .collect()
}

fn day_period(q: &DayPeriodQuery) -> ApiResult<(chrono::NaiveDate, chrono::NaiveDate)> {
    if q.to <= q.from || q.to - q.from > Duration::days(MAX_DAYS) {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            format!("must be after `from`, at most {MAX_DAYS} days later"),
        ));
    }
    Ok((q.from, q.to))
}

/// The coverage rule over a period: for every duty, the stretches of its window (from its
/// template) that no live shift covers.
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    params(DayPeriodQuery),
    responses(
        (status = 200, description = "Gaps in order of day and duty", body = Vec<CoverageGap>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/duty/coverage")]
pub async fn duty_coverage(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<DayPeriodQuery>,
) -> ApiResult<web::Json<Vec<CoverageGap>>> {
    let period = day_period(&query.into_inner())?;
    let tz = state.config.orders.timezone;
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            let gaps = ecops_app::duty::coverage_in(conn, &DutyKind::ALL, period, tz)?;
            Ok(gap_views(&gaps, tz))
        })
        .await?;
    Ok(web::Json(v))
}

/// Leave clashes over a period (R-DUT-4), for the rosterers and managers: the shifts not yet
/// over that were released because their person's leave was approved after the roster was made, each with whoever took it over or, while open, the next
/// free person of the duty's rotation.
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    params(DayPeriodQuery),
    responses(
        (status = 200, description = "Released shifts by start", body = Vec<LeaveClash>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a rosterer or manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/duty/clashes")]
pub async fn duty_clashes(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<DayPeriodQuery>,
) -> ApiResult<web::Json<Vec<LeaveClash>>> {
    let period = day_period(&query.into_inner())?;
    let tz = state.config.orders.timezone;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            // Whose leave clashes with what is for the rosterers and managers to see.
            if !REACH_DUTY[1..].iter().any(|r| who.has_role(*r)) {
                return Err(ApiError::forbidden(
                    "missing_role",
                    "leave clashes are for the rosterers and managers",
                ));
            }
            let clashes = ecops_app::duty::clashes(conn, period, tz, now)?;
            let shifts: Vec<ShiftRow> = clashes.iter().map(|c| c.shift.clone()).collect();
            let shift_views = views(conn, &shifts)?;
            let ids: Vec<Uuid> = clashes.iter().filter_map(|c| c.suggested).collect();
            let names = users::display_names(conn, &ids)?;
            Ok(clashes
                .into_iter()
                .zip(shift_views)
                .map(|(c, shift)| LeaveClash {
                    shift,
                    leave_id: c.leave_id,
                    filled_by: c.filled_by,
                    suggested: c.suggested,
                    suggested_name: c.suggested.and_then(|p| names.get(&p).cloned()),
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(v))
}

/// Fairness over a period: each person's shifts per duty and weekend days on duty.
#[utoipa::path(
    tag = "duty",
    security(("bearer" = [])),
    params(DayPeriodQuery),
    responses(
        (status = 200, description = "One row per person with a shift in the period, most weekend days first", body = Vec<FairnessRow>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/duty/fairness")]
pub async fn duty_fairness(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<DayPeriodQuery>,
) -> ApiResult<web::Json<Vec<FairnessRow>>> {
    let period = day_period(&query.into_inner())?;
    let tz = state.config.orders.timezone;
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            let rows = ecops_app::duty::fairness(conn, period, tz)?;
            let ids: Vec<Uuid> = rows.iter().map(|r| r.user_id).collect();
            let names = users::display_names(conn, &ids)?;
            let mut out: Vec<FairnessRow> = rows
                .into_iter()
                .map(|r| FairnessRow {
                    user_id: r.user_id,
                    display_name: names.get(&r.user_id).cloned().unwrap_or_default(),
                    shifts: r
                        .shifts
                        .into_iter()
                        .map(|(k, count)| DutyCount {
                            kind: kind_out(k),
                            count,
                        })
                        .collect(),
                    weekend_days: r.weekend_days,
                })
                .collect();
            out.sort_by(|a, b| {
                b.weekend_days
                    .cmp(&a.weekend_days)
                    .then_with(|| a.display_name.cmp(&b.display_name))
            });
            Ok(out)
        })
        .await?;
    Ok(web::Json(v))
}
