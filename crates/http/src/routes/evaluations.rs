//! The monthly staff evaluation (R-EVAL-1): the form, the month's drafts per direct report
//! prefilled with the figures, the manager's scores and submission, the person's
//! acknowledgement or dispute, the month's closing.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, if_match, RequestMeta};
use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use ecops_api_types::{
    DisputeEvaluationRequest, DraftEvaluationsRequest, EvaluationFigures, EvaluationFormItem,
    EvaluationFormView, EvaluationItemView, EvaluationQuery, EvaluationResolution,
    EvaluationSource, EvaluationView, Problem, ResolveEvaluationRequest, ScoreEvaluationRequest,
    SetEvaluationFormRequest,
};
use ecops_app::evaluations as app;
use ecops_domain::evaluation::{FormItem, Source};
use ecops_persistence::repo::evaluations::{self as repo, Evaluation};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use uuid::Uuid;

fn source_out(s: Source) -> EvaluationSource {
    match s {
        Source::Manager => EvaluationSource::Manager,
        Source::Attendance => EvaluationSource::Attendance,
        Source::ContactDeadline => EvaluationSource::ContactDeadline,
        Source::ServiceReview => EvaluationSource::ServiceReview,
        Source::DailyReports => EvaluationSource::DailyReports,
    }
}

fn source_in(s: EvaluationSource) -> Source {
    match s {
        EvaluationSource::Manager => Source::Manager,
        EvaluationSource::Attendance => Source::Attendance,
        EvaluationSource::ContactDeadline => Source::ContactDeadline,
        EvaluationSource::ServiceReview => Source::ServiceReview,
        EvaluationSource::DailyReports => Source::DailyReports,
    }
}

fn views(conn: &mut AnyConnection, list: Vec<Evaluation>) -> ApiResult<Vec<EvaluationView>> {
    let people: Vec<Uuid> = list
        .iter()
        .flat_map(|e| [e.person_id, e.manager_id])
        .collect();
    let names = users::display_names(conn, &people)?;
    list.into_iter()
        .map(|e| {
            let closed = repo::is_closed(conn, &e.month)?;
            Ok(EvaluationView {
                total: app::total(&e),
                person_name: names.get(&e.person_id).cloned().unwrap_or_default(),
                manager_name: names.get(&e.manager_id).cloned().unwrap_or_default(),
                id: e.id,
                person_id: e.person_id,
                manager_id: e.manager_id,
                month: e.month,
                form_version: e.form_version,
                items: e
                    .items
                    .into_iter()
                    .map(|i| EvaluationItemView {
                        key: i.key,
                        label_zh: i.label_zh,
                        label_en: i.label_en,
                        weight: i.weight,
                        source: source_out(i.source),
                        figure: i.figure,
                        score: i.score,
                    })
                    .collect(),
                figures: EvaluationFigures {
                    full_attendance: e.figures.full_attendance(),
                    days_judged: e.figures.days_judged,
                    late: e.figures.late,
                    early: e.figures.early,
                    absent: e.figures.absent,
                    contact_met: e.figures.contact_met,
                    contact_missed: e.figures.contact_missed,
                    reviews: e.figures.reviews,
                    review_average: e.figures.review_average,
                    daily_reports_filed: e.figures.daily_reports_filed,
                },
                comment: e.comment,
                state: e.state,
                submitted_at: e.submitted_at,
                answered_at: e.answered_at,
                dispute_comment: e.dispute_comment,
                escalated_to: e.escalated_to,
                resolution: match e.resolution.as_deref() {
                    Some("upheld") => Some(EvaluationResolution::Upheld),
                    Some("returned") => Some(EvaluationResolution::Returned),
                    Some(other) => {
                        return Err(crate::error::ApiError::internal(format!(
                            "stored resolution `{other}`"
                        )))
                    }
                    None => None,
                },
                resolution_comment: e.resolution_comment,
                resolved_by: e.resolved_by,
                resolved_at: e.resolved_at,
                closed,
                version: e.version,
            })
        })
        .collect()
}

fn one(conn: &mut AnyConnection, e: Evaluation) -> ApiResult<EvaluationView> {
    Ok(views(conn, vec![e])?.remove(0))
}

fn form_view(version: i64, items: Vec<FormItem>) -> EvaluationFormView {
    EvaluationFormView {
        version,
        items: items
            .into_iter()
            .map(|i| EvaluationFormItem {
                key: i.key,
                label_zh: i.label_zh,
                label_en: i.label_en,
                weight: i.weight,
                source: source_out(i.source),
            })
            .collect(),
    }
}

/// The evaluation form in force.
#[utoipa::path(tag = "evaluations", security(("bearer" = [])),
    responses((status = 200, description = "The form", body = EvaluationFormView)))]
#[get("/evaluations/form")]
pub async fn get_evaluation_form(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<EvaluationFormView>> {
    let (v, items) = state
        .run_as(who, |conn, who| {
            who.require_scope("reports:read")?;
            Ok(app::form(conn)?)
        })
        .await?;
    Ok(web::Json(form_view(v, items)))
}

/// A new version of the form (the department manager): distinct keys, weights summing to 100.
#[utoipa::path(tag = "evaluations", security(("bearer" = [])), request_body = SetEvaluationFormRequest,
    responses((status = 200, description = "The new version", body = EvaluationFormView),
        (status = 422, description = "Weights not summing to 100, a key twice", body = Problem, content_type = "application/problem+json")))]
#[put("/evaluations/form")]
pub async fn set_evaluation_form(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<SetEvaluationFormRequest>,
) -> ApiResult<web::Json<EvaluationFormView>> {
    let items: Vec<FormItem> = body
        .into_inner()
        .items
        .into_iter()
        .map(|i| FormItem {
            key: i.key,
            label_zh: i.label_zh,
            label_en: i.label_en,
            weight: i.weight,
            source: source_in(i.source),
        })
        .collect();
    let now = state.clock.now();
    let (v, items) = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let v = app::set_form(conn, &a, items.clone(), now)?;
            Ok((v, items))
        })
        .await?;
    Ok(web::Json(form_view(v, items)))
}

/// The month's evaluations of the caller's direct reports: drafted with the month's figures
/// where missing, the figures of drafts taken again.
#[utoipa::path(tag = "evaluations", security(("bearer" = [])), request_body = DraftEvaluationsRequest,
    responses((status = 200, description = "One per direct report", body = Vec<EvaluationView>),
        (status = 409, description = "The month is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nobody reports to the caller, a bad month", body = Problem, content_type = "application/problem+json")))]
#[post("/evaluations/drafts")]
pub async fn draft_evaluations(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<DraftEvaluationsRequest>,
) -> ApiResult<web::Json<Vec<EvaluationView>>> {
    let month = body.into_inner().month;
    let now = state.clock.now();
    let list = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let list = app::draft_month(conn, &a, &month, now)?;
            views(conn, list)
        })
        .await?;
    Ok(web::Json(list))
}

/// The month's evaluations the caller may read: their own, their reports', those disputed to
/// them; all for the general manager and the department manager.
#[utoipa::path(tag = "evaluations", security(("bearer" = [])), params(EvaluationQuery),
    responses((status = 200, description = "The evaluations", body = Vec<EvaluationView>),
        (status = 422, description = "Not a month (YYYY-MM)", body = Problem, content_type = "application/problem+json")))]
#[get("/evaluations")]
pub async fn list_evaluations(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    query: Query<EvaluationQuery>,
) -> ApiResult<web::Json<Vec<EvaluationView>>> {
    let month = query.into_inner().month;
    let list = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let a = actor(&who, &meta);
            let list = app::list(conn, &a, &month)?;
            views(conn, list)
        })
        .await?;
    Ok(web::Json(list))
}

/// One evaluation; 404 for anyone who may not read it.
#[utoipa::path(tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "The evaluation", body = EvaluationView),
        (status = 404, description = "No such evaluation, or not the caller's to read", body = Problem, content_type = "application/problem+json")))]
#[get("/evaluations/{id}")]
pub async fn get_evaluation(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let a = actor(&who, &meta);
            let e = app::get(conn, &a, id)?;
            one(conn, e)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", crate::support::etag(v.version)))
        .json(v))
}

/// The manager's scores and comment on a draft. `If-Match` guards against a concurrent change.
#[utoipa::path(tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ScoreEvaluationRequest,
    responses((status = 200, description = "Scored", body = EvaluationView),
        (status = 403, description = "Not the person's manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such evaluation, or not the caller's to read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted, or the month is closed", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read (If-Match)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown item, an item the figures score, a score outside 0–100", body = Problem, content_type = "application/problem+json")))]
#[patch("/evaluations/{id}")]
pub async fn score_evaluation(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ScoreEvaluationRequest>,
) -> ApiResult<web::Json<EvaluationView>> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let b = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let scores = b.scores.into_iter().map(|s| (s.key, s.score)).collect();
            let e = app::score(conn, &a, id, expected, scores, b.comment, now)?;
            one(conn, e)
        })
        .await?;
    Ok(web::Json(v))
}

/// The manager submits a fully scored draft to the person.
#[utoipa::path(tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "Submitted", body = EvaluationView),
        (status = 403, description = "Not the person's manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such evaluation, or not the caller's to read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already, or the month is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An item without a score", body = Problem, content_type = "application/problem+json")))]
#[post("/evaluations/{id}/submit")]
pub async fn submit_evaluation(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<EvaluationView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let e = app::submit(conn, &a, id, now)?;
            one(conn, e)
        })
        .await?;
    Ok(web::Json(v))
}

/// The person acknowledges their submitted evaluation.
#[utoipa::path(tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "Acknowledged", body = EvaluationView),
        (status = 404, description = "No such evaluation, or not the caller's to read", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the evaluated person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted, answered already, or the month is closed", body = Problem, content_type = "application/problem+json")))]
#[post("/evaluations/{id}/acknowledge")]
pub async fn acknowledge_evaluation(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<EvaluationView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let e = app::acknowledge(conn, &a, id, now)?;
            one(conn, e)
        })
        .await?;
    Ok(web::Json(v))
}

/// The person disputes their submitted evaluation with a comment; it goes to the manager's own
/// manager.
#[utoipa::path(tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = DisputeEvaluationRequest,
    responses((status = 200, description = "Disputed", body = EvaluationView),
        (status = 404, description = "No such evaluation, or not the caller's to read", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the evaluated person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted, answered already, or the month is closed", body = Problem, content_type = "application/problem+json")))]
#[post("/evaluations/{id}/dispute")]
pub async fn dispute_evaluation(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<DisputeEvaluationRequest>,
) -> ApiResult<web::Json<EvaluationView>> {
    let id = id.into_inner();
    let comment = body.into_inner().comment;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let e = app::dispute(conn, &a, id, &comment, now)?;
            one(conn, e)
        })
        .await?;
    Ok(web::Json(v))
}

/// The one a dispute went to settles it: `upheld` (it stands) or `returned` (a draft again, for
/// the manager to score and submit anew).
#[utoipa::path(tag = "evaluations", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ResolveEvaluationRequest,
    responses((status = 200, description = "Settled", body = EvaluationView),
        (status = 403, description = "Not the one the dispute went to", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such evaluation, or not the caller's to read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not disputed, settled already, or the month is closed", body = Problem, content_type = "application/problem+json")))]
#[post("/evaluations/{id}/resolve")]
pub async fn resolve_evaluation(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ResolveEvaluationRequest>,
) -> ApiResult<web::Json<EvaluationView>> {
    let id = id.into_inner();
    let b = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let resolution = match b.resolution {
                EvaluationResolution::Upheld => app::Resolution::Upheld,
                EvaluationResolution::Returned => app::Resolution::Returned,
            };
            let e = app::resolve(conn, &a, id, resolution, &b.comment, now)?;
            one(conn, e)
        })
        .await?;
    Ok(web::Json(v))
}

/// The scheduler: once a month is over, drafts the evaluations nobody drafted (R-EVAL-1).
pub async fn run_scheduler(state: web::Data<AppState>) {
    if !state.config.draft_evaluations {
        return;
    }
    let tick = std::time::Duration::from_millis(state.config.orders.scheduler_tick_ms.max(10));
    loop {
        let node = state.config.orders.node.clone();
        let now = state.clock.now();
        match state
            .run(move |conn| Ok(app::draft_due(conn, &node, now)?))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(drafted = n, "monthly evaluations drafted"),
            Err(e) => {
                tracing::warn!(error = %e, "drafting the monthly evaluations failed; retrying at the next tick")
            }
        }
        tokio::time::sleep(tick).await;
    }
}

/// Closes a month's evaluations (the department manager): they never change afterwards.
#[utoipa::path(tag = "evaluations", security(("bearer" = [])), params(("month" = String, Path, description = "YYYY-MM")),
    responses((status = 204, description = "Closed"),
        (status = 409, description = "Closed already, not over, or evaluations not answered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a month (YYYY-MM)", body = Problem, content_type = "application/problem+json")))]
#[post("/evaluations/months/{month}/close")]
pub async fn close_evaluation_month(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    month: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let month = month.into_inner();
    let now = state.clock.now();
    state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            Ok(app::close_month(conn, &a, &month, now)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
