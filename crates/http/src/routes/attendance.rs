//! Attendance over HTTP (R-ATT-1..7, R-ATT-9): punches from the dashboard and from clocking
//! devices, corrections and telephone notices by the department manager, and each person's month
//! judged by the domain rules.

use super::sees_staff_records;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::idempotency;
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Timelike, Utc};
use ecops_api_types::{
    ApprovalRequestView, CorrectionAskRequest, CorrectionRequest, DevicePunchRequest,
    NoticeRequest, NoticeView, Problem, PunchDirection, PunchQuery, PunchRequest, PunchView,
};
use ecops_persistence::repo::attendance::{self as punches, Direction, Notice, Punch, Source};
use uuid::Uuid;

/// How far ahead of the server's clock a device's punch may be (clock drift).
const DEVICE_SKEW: i64 = 5 * 60;
/// How old a punch a device may still upload, or a correction may concern.
const MAX_AGE_DAYS: i64 = 62;

fn direction(d: PunchDirection) -> Direction {
    match d {
        PunchDirection::In => Direction::In,
        PunchDirection::Out => Direction::Out,
    }
}

fn view(p: &Punch) -> PunchView {
    let (device_id, device_punch_id, reason, approved_by) = p.source.parts();
    PunchView {
        id: p.id,
        user_id: p.user_id,
        direction: match p.direction {
            Direction::In => PunchDirection::In,
            Direction::Out => PunchDirection::Out,
        },
        punched_at: p.punched_at,
        source: crate::wire::punch_source(&p.source),
        device_id: device_id.map(str::to_owned),
        device_punch_id: device_punch_id.map(str::to_owned),
        reason: reason.map(str::to_owned),
        approved_by,
        recorded_by: p.recorded_by,
        created_at: p.created_at,
    }
}

/// R-ATT-2: punches count in whole seconds.
fn whole_second(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0).unwrap_or(t)
}

/// A reported punch time in whole seconds, neither later than `now` (give or take `skew`) nor
/// older than [`MAX_AGE_DAYS`].
fn punch_time(at: DateTime<Utc>, now: DateTime<Utc>, skew: Duration) -> ApiResult<DateTime<Utc>> {
    let at = whole_second(at);
    if at > now + skew {
        return Err(ApiError::invalid_field("at", "is in the future"));
    }
    if at < now - Duration::days(MAX_AGE_DAYS) {
        return Err(ApiError::invalid_field(
            "at",
            format!("is more than {MAX_AGE_DAYS} days ago"),
        ));
    }
    Ok(at)
}

/// The caller clocks in or out, at the server's time (R-ATT-7). Anyone with an account may
/// record their own attendance, whatever their permission level. Honours `Idempotency-Key`: a
/// retry with the same key and body answers the first punch, with another body 422.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    request_body = PunchRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key: the same key and body return the first answer")),
    responses(
        (status = 201, description = "Recorded", body = PunchView),
        (status = 403, description = "A service account, or a token without attendance:write", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad fields, or the Idempotency-Key was used with another body", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/attendance/punches")]
pub async fn punch_now(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<PunchRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let key = idempotency::key_of(&req)?;
    let fingerprint = idempotency::fingerprint(&req, &body);
    let now = state.clock.now();
    idempotency::run_once(
        &state,
        who,
        key,
        fingerprint,
        StatusCode::CREATED,
        move |conn, who| {
            who.require_scope("attendance:write")?;
            let p = Punch {
                id: Uuid::now_v7(),
                user_id: who.user_id,
                direction: direction(body.direction),
                punched_at: whole_second(now),
                source: Source::Web,
                recorded_by: who.user_id,
                created_at: now,
            };
            let a = crate::support::actor(who, &meta);
            let p = ecops_app::attendance::punch_own(conn, &a, p)?;
            Ok(view(&p))
        },
    )
    .await
}

/// A clocking device reports a punch (API token with `attendance:write`). Retries are safe: the
/// same `device_id` + `device_punch_id` answers 200 with the punch recorded first, also when the
/// retries arrive at the same time.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    request_body = DevicePunchRequest,
    responses(
        (status = 201, description = "Recorded", body = PunchView),
        (status = 200, description = "Already recorded (a retry)", body = PunchView),
        (status = 403, description = "Not an API token with attendance:write", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown person, or a time in the future or too long ago", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/attendance/device-punches")]
pub async fn device_punch(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<DevicePunchRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let now = state.clock.now();
    let at = punch_time(body.at, now, Duration::seconds(DEVICE_SKEW))?;
    let device_id = body.device_id.trim().to_owned();
    let device_punch_id = body.device_punch_id.trim().to_owned();
    let (p, created) = state
        .run_as(who, move |conn, who| {
            if who.session_id().is_some() {
                return Err(ApiError::forbidden(
                    "device_only",
                    "devices report punches with an API token; people use POST /attendance/punches",
                ));
            }
            who.require_scope("attendance:write")?;
            let p = Punch {
                id: Uuid::now_v7(),
                user_id: body.user_id,
                direction: direction(body.direction),
                punched_at: at,
                source: Source::Device {
                    device_id: device_id.clone(),
                    device_punch_id: device_punch_id.clone(),
                },
                recorded_by: who.user_id,
                created_at: now,
            };
            let a = crate::support::actor(&who, &meta);

            Ok(ecops_app::attendance::device_punch(
                conn,
                &a,
                p,
                (&device_id, &device_punch_id),
            )?)
        })
        .await?;
    let mut reply = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(reply.json(view(&p)))
}

/// The department manager corrects a missing or wrong punch with a new one, giving the reason;
/// the manager is its approver (R-ATT-7). The original punch stays as it was. Nobody corrects
/// their own attendance.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    request_body = CorrectionRequest,
    responses(
        (status = 201, description = "Recorded", body = PunchView),
        (status = 403, description = "Not the department manager, or one's own attendance", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown person, or a time in the future or too long ago", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/attendance/corrections")]
pub async fn correct(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CorrectionRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let now = state.clock.now();
    let at = punch_time(body.at, now, Duration::zero())?;
    let p = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let p = Punch {
                id: Uuid::now_v7(),
                user_id: body.user_id,
                direction: direction(body.direction),
                punched_at: at,
                source: Source::Correction {
                    reason: body.reason.trim().to_owned(),
                    approved_by: who.user_id,
                },
                recorded_by: who.user_id,
                created_at: now,
            };
            let a = crate::support::actor(&who, &meta);
            Ok(ecops_app::attendance::correct(conn, &a, p)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(view(&p)))
}

/// The caller asks the department manager to correct a punch of their own (补卡, R-ATT-7): a
/// `punch_correction` approval request, which takes effect as a correction punch approved by
/// the manager who decides it. One pending request per day and direction.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    request_body = CorrectionAskRequest,
    responses(
        (status = 202, description = "Filed: the department manager decides", body = ApprovalRequestView),
        (status = 403, description = "A service account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request for this day's punch is already pending", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A time in the future or too long ago, or no reason", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/attendance/correction-requests")]
pub async fn request_correction(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CorrectionAskRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let now = state.clock.now();
    let at = punch_time(body.at, now, Duration::zero())?;
    let req = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let a = crate::support::actor(&who, &meta);
            Ok(ecops_app::attendance::request_correction(
                conn,
                &a,
                (direction(body.direction), at),
                &body.reason,
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(super::approval_view(&req)))
}

/// The department manager records that someone telephoned before the start of a day (R-ATT-5):
/// lateness beyond the last tier that day counts as late at the highest tier, not absenteeism.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    request_body = NoticeRequest,
    responses(
        (status = 201, description = "Recorded", body = NoticeView),
        (status = 409, description = "Already recorded for that day", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/attendance/notices")]
pub async fn record_notice(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<NoticeRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let now = state.clock.now();
    let today = now
        .with_timezone(&state.config.orders.timezone)
        .date_naive();
    let n = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            if body.day > today + Duration::days(1)
                || body.day < today - Duration::days(MAX_AGE_DAYS)
            {
                return Err(ApiError::invalid_field(
                    "day",
                    "a notice concerns today, tomorrow or a recent day",
                ));
            }
            let n = Notice {
                user_id: body.user_id,
                day: body.day,
                note: body.note.trim().to_owned(),
                recorded_by: who.user_id,
                created_at: now,
            };
            let a = crate::support::actor(&who, &meta);
            Ok(ecops_app::attendance::record_notice(conn, &a, n, now)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(NoticeView {
        user_id: n.user_id,
        day: n.day,
        note: n.note,
        recorded_by: n.recorded_by,
        created_at: n.created_at,
    }))
}

/// Punches in a period (at most 62 days): one's own, or anyone's for managers.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(PunchQuery),
    responses(
        (status = 200, description = "Punches in time order", body = Vec<PunchView>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Someone else's, and not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/attendance/punches")]
pub async fn list_punches(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<PunchQuery>,
) -> ApiResult<web::Json<Vec<PunchView>>> {
    let q = query.into_inner();
    if q.to <= q.from || q.to - q.from > Duration::days(MAX_AGE_DAYS) {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            format!("must be after `from`, at most {MAX_AGE_DAYS} days later"),
        ));
    }
    let rows = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            let user = q.user_id.unwrap_or(who.user_id);
            if user != who.user_id && !sees_staff_records(&who) {
                return Err(ApiError::forbidden(
                    "not_yours",
                    "only managers read other people's attendance",
                ));
            }
            Ok(punches::between(conn, Some(user), q.from, q.to)?)
        })
        .await?;
    Ok(web::Json(rows.iter().map(view).collect()))
}
