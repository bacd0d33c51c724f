//! Work reports (R-REP-1): the caller's daily report, filed and rewritten on its day, and the
//! reports of a period (one's own, or everyone's for managers).

use super::sees_staff_records;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::{get, put, web, HttpResponse};
use chrono::NaiveDate;
use ecops_api_types::{
    DailyReportBody, DailyReportQuery, DailyReportView, MissingReport, MissingReportQuery, Problem,
};
use ecops_app::reports::DailyText;
use ecops_persistence::repo::reports::{self, DailyReport};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// The longest period one listing covers.
const MAX_DAYS: i64 = 92;

fn views(
    conn: &mut AnyConnection,
    rows: &[DailyReport],
    today: NaiveDate,
) -> ApiResult<Vec<DailyReportView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.user_id).collect();
    let names: HashMap<Uuid, String> = users::display_names(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|r| DailyReportView {
            id: r.id,
            user_id: r.user_id,
            display_name: names.get(&r.user_id).cloned().unwrap_or_default(),
            day: r.day,
            done: r.done.clone(),
            problems: r.problems.clone(),
            plan: r.plan.clone(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            editable: r.day == today,
        })
        .collect())
}

/// R-REP-1: files or rewrites the caller's daily report of `day`, which must be today in the
/// company's time zone: a report is written on its day and immutable after it. 201 when filed
/// now, 200 when rewritten (or saved unchanged).
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("day" = NaiveDate, Path, description = "The report's day: today (company time)")),
    request_body = DailyReportBody,
    responses(
        (status = 200, description = "Rewritten", body = DailyReportView),
        (status = 201, description = "Filed", body = DailyReportView),
        (status = 403, description = "A service account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A day that is over (`report_day_over`) or to come (`report_day_to_come`), or nothing written", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/reports/daily/{day}")]
pub async fn put_daily_report(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    day: web::Path<NaiveDate>,
    body: ValidJson<DailyReportBody>,
) -> ApiResult<HttpResponse> {
    let (day, body) = (day.into_inner(), body.into_inner());
    let now = state.clock.now();
    let (view, created) = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = crate::support::actor(&who, &meta);
            let (r, created) = ecops_app::reports::file_daily(
                conn,
                &a,
                day,
                DailyText {
                    done: body.done,
                    problems: body.problems,
                    plan: body.plan,
                },
                now,
            )?;
            let mut v = views(conn, &[r], day)?;
            Ok((v.remove(0), created))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Daily reports of a period, newest day first: the caller's own, or anyone's for those who see
/// staff records (the department manager, the general manager, IT).
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(DailyReportQuery),
    responses(
        (status = 200, description = "The reports", body = Vec<DailyReportView>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Someone else's, and not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/daily")]
pub async fn list_daily_reports(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<DailyReportQuery>,
) -> ApiResult<web::Json<Vec<DailyReportView>>> {
    let q = query.into_inner();
    if q.to < q.from || (q.to - q.from).num_days() > MAX_DAYS {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            format!("must be on or after `from` and at most {MAX_DAYS} days after it"),
        ));
    }
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let whose = match q.user_id {
                Some(u) if u != who.user_id && !sees_staff_records(&who) => {
                    return Err(ApiError::forbidden(
                        "not_yours",
                        "only managers read other people's reports",
                    ))
                }
                Some(u) => Some(u),
                None if sees_staff_records(&who) => None,
                None => Some(who.user_id),
            };
            let today = ecops_app::workdays::company_date(conn, now)?;
            let rows = reports::between(conn, whose, (q.from, q.to))?;
            views(conn, &rows, today)
        })
        .await?;
    Ok(web::Json(v))
}

/// R-REP-3: who has not filed their daily report, for each day of a period up to today (newest
/// first): the people employed then, on their working days (the policy's weekdays and the
/// calendar), not on approved leave all day. For those who see staff records.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(MissingReportQuery),
    responses(
        (status = 200, description = "One row per person and day not filed", body = Vec<MissingReport>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/reports/daily/missing")]
pub async fn missing_daily_reports(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<MissingReportQuery>,
) -> ApiResult<web::Json<Vec<MissingReport>>> {
    let q = query.into_inner();
    if q.to < q.from || (q.to - q.from).num_days() > 62 {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            "must be on or after `from` and at most 62 days after it",
        ));
    }
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            if !sees_staff_records(&who) {
                return Err(ApiError::forbidden(
                    "missing_role",
                    "who has not filed is for the managers",
                ));
            }
            Ok(ecops_app::reports::missing(conn, (q.from, q.to), now)?
                .into_iter()
                .map(|m| MissingReport {
                    day: m.day,
                    user_id: m.user_id,
                    display_name: m.display_name,
                    due_today: m.due_today,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(v))
}
