//! Page revisions (改版, R-APR-6): a designer files a plan document; the department manager and
//! then the marketing director approve it; only then is it carried out, within the publication
//! deadline of R-APR-5. The schedule shows each page's rhythm and what is due.

use super::approval_view;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, page_limit, RequestMeta};
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use ecops_api_types::{
    CreatePageRevisionRequest, ExecutePageRevisionRequest, Page, PageRevisionProposal,
    PageRevisionQuery, PageRevisionView, PageScheduleView, Problem, RevisionArea, RevisionCadence,
    RevisionStatusView,
};
use ecops_domain::revision::{self as rules, Area, Cadence, RevisionStatus};
use ecops_persistence::repo::approvals;
use ecops_persistence::repo::page_revisions::{self, Filter, PageRevision};
use ecops_persistence::AnyConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// The shop's home page, revised when no other page is named.
const HOME: &str = "home";

fn cadence_in(c: RevisionCadence) -> Cadence {
    match c {
        RevisionCadence::Biweekly => Cadence::Biweekly,
        RevisionCadence::Monthly => Cadence::Monthly,
    }
}

fn cadence_out(c: Cadence) -> RevisionCadence {
    match c {
        Cadence::Biweekly => RevisionCadence::Biweekly,
        Cadence::Monthly => RevisionCadence::Monthly,
    }
}

fn area_in(a: RevisionArea) -> Area {
    match a {
        RevisionArea::Animation => Area::Animation,
        RevisionArea::Colors => Area::Colors,
        RevisionArea::Sections => Area::Sections,
        RevisionArea::Banners => Area::Banners,
        RevisionArea::Layout => Area::Layout,
        RevisionArea::Copy => Area::Copy,
    }
}

fn area_out(a: Area) -> RevisionArea {
    match a {
        Area::Animation => RevisionArea::Animation,
        Area::Colors => RevisionArea::Colors,
        Area::Sections => RevisionArea::Sections,
        Area::Banners => RevisionArea::Banners,
        Area::Layout => RevisionArea::Layout,
        Area::Copy => RevisionArea::Copy,
    }
}

fn status_in(s: RevisionStatusView) -> RevisionStatus {
    match s {
        RevisionStatusView::Pending => RevisionStatus::Pending,
        RevisionStatusView::Approved => RevisionStatus::Approved,
        RevisionStatusView::Rejected => RevisionStatus::Rejected,
        RevisionStatusView::Withdrawn => RevisionStatus::Withdrawn,
        RevisionStatusView::Executed => RevisionStatus::Executed,
    }
}

fn status_out(s: RevisionStatus) -> RevisionStatusView {
    match s {
        RevisionStatus::Pending => RevisionStatusView::Pending,
        RevisionStatus::Approved => RevisionStatusView::Approved,
        RevisionStatus::Rejected => RevisionStatusView::Rejected,
        RevisionStatus::Withdrawn => RevisionStatusView::Withdrawn,
        RevisionStatus::Executed => RevisionStatusView::Executed,
    }
}

fn view(
    r: &PageRevision,
    execute_by: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> PageRevisionView {
    PageRevisionView {
        id: r.id,
        page: r.page.clone(),
        title: r.title.clone(),
        cadence: cadence_out(r.cadence),
        areas: r.areas.iter().copied().map(area_out).collect(),
        plan: r.plan.clone(),
        planned_for: r.planned_for,
        status: status_out(r.status),
        approval_request_id: r.approval_request_id,
        proposer_id: r.proposer_id,
        execute_by,
        overdue: r.status == RevisionStatus::Approved && execute_by.is_some_and(|d| d < now),
        executed_at: r.executed_at,
        executed_by: r.executed_by,
        execution_note: r.execution_note.clone(),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// Views of plans with the publication deadlines of their approval requests.
fn views(
    conn: &mut AnyConnection,
    rows: &[PageRevision],
    now: DateTime<Utc>,
) -> ApiResult<Vec<PageRevisionView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.approval_request_id).collect();
    let deadlines: HashMap<Uuid, Option<DateTime<Utc>>> = approvals::find_many(conn, &ids)?
        .into_iter()
        .map(|a| (a.id, a.publish_by))
        .collect();
    Ok(rows
        .iter()
        .map(|r| {
            let by = deadlines.get(&r.approval_request_id).copied().flatten();
            view(r, by, now)
        })
        .collect())
}

fn load(conn: &mut AnyConnection, id: Uuid) -> ApiResult<PageRevision> {
    page_revisions::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such page revision"))
}

fn one_view(
    conn: &mut AnyConnection,
    r: &PageRevision,
    now: DateTime<Utc>,
) -> ApiResult<PageRevisionView> {
    views(conn, std::slice::from_ref(r), now)?
        .pop()
        .ok_or_else(|| ApiError::internal("a view went missing"))
}

fn parse_page(raw: Option<&str>, field: &str) -> ApiResult<String> {
    let page = raw.map(str::trim).filter(|p| !p.is_empty()).unwrap_or(HOME);
    if page.len() > 64
        || !page
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(ApiError::invalid_field(
            field,
            "a page key is up to 64 lower-case letters, digits and `-`",
        ));
    }
    Ok(page.to_owned())
}

/// Files a revision plan (designer). It goes at once to its chain: the department manager checks
/// it, then the marketing director approves it (R-APR-2); nothing is carried out before that.
#[utoipa::path(
    tag = "page-revisions",
    security(("bearer" = [])),
    request_body = CreatePageRevisionRequest,
    responses(
        (status = 202, description = "Filed for approval", body = PageRevisionProposal),
        (status = 422, description = "A bad page, area list or planned day", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/page-revisions")]
pub async fn create_page_revision(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreatePageRevisionRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let page = parse_page(body.page.as_deref(), "page")?;
    let mut areas: Vec<Area> = Vec::with_capacity(body.areas.len());
    for (i, a) in body.areas.iter().copied().map(area_in).enumerate() {
        if areas.contains(&a) {
            return Err(ApiError::invalid_field(
                &format!("areas.{i}"),
                format!("`{}` is listed twice", a.as_str()),
            ));
        }
        areas.push(a);
    }
    areas.sort();
    let now = state.clock.now();
    let today = now
        .with_timezone(&state.config.orders.timezone)
        .date_naive();
    rules::check_planned_for(body.planned_for, today)
        .map_err(|m| ApiError::invalid_field("planned_for", m))?;
    let reason = body.reason.trim().to_owned();
    let (revision, request) = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:write")?;
            let revision = PageRevision {
                id: Uuid::now_v7(),
                page,
                title: body.title.trim().to_owned(),
                cadence: cadence_in(body.cadence),
                areas,
                plan: body.plan,
                planned_for: body.planned_for,
                status: RevisionStatus::Pending,
                approval_request_id: Uuid::nil(),
                proposer_id: who.user_id,
                executed_at: None,
                executed_by: None,
                execution_note: None,
                created_at: now,
                updated_at: now,
            };
            let a = actor(&who, &meta);

            Ok(ecops_app::page_revisions::file(
                conn, &a, revision, &reason, now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(PageRevisionProposal {
        revision: view(&revision, None, now),
        approval_request: approval_view(&request),
    }))
}

/// Revision plans, newest first, filterable by page and status.
#[utoipa::path(
    tag = "page-revisions",
    security(("bearer" = [])),
    params(PageRevisionQuery),
    responses(
        (status = 200, description = "One page of plans", body = Page<PageRevisionView>),
        (status = 400, description = "A bad filter or cursor", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/page-revisions")]
pub async fn list_page_revisions(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<PageRevisionQuery>,
) -> ApiResult<web::Json<Page<PageRevisionView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    let filter = Filter {
        page: q
            .page
            .as_deref()
            .map(|p| {
                parse_page(Some(p), "page")
                    .map_err(|_| ApiError::bad_field("invalid_query", "page", "is not a page key"))
            })
            .transpose()?,
        status: q.status.map(status_in),
    };
    let now = state.clock.now();
    let cursors = state.cursors.clone();
    let (items, next_cursor) = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:read")?;
            ecops_app::read(conn, |conn| {
                let rows = page_revisions::list(conn, &filter, before.as_deref(), limit + 1)?;
                let (rows, next) = cursors.paginate(rows, limit, |r| r.id.to_string());
                Ok((views(conn, &rows, now)?, next))
            })
        })
        .await?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// One plan.
#[utoipa::path(
    tag = "page-revisions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan", body = PageRevisionView),
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/page-revisions/{id}")]
pub async fn get_page_revision(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<PageRevisionView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:read")?;
            ecops_app::read(conn, |conn| {
                let r = load(conn, id)?;
                one_view(conn, &r, now)
            })
        })
        .await?;
    Ok(web::Json(v))
}

/// Records that an approved plan was carried out on the live page (designer or storefront
/// specialist). This is the plan's publication: its R-APR-5 deadline is met. A plan that is
/// pending, rejected, withdrawn or already carried out is refused with 409.
#[utoipa::path(
    tag = "page-revisions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Plan id")),
    request_body = ExecutePageRevisionRequest,
    responses(
        (status = 200, description = "Carried out", body = PageRevisionView),
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The plan is not approved (or was carried out already)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/page-revisions/{id}/execute")]
pub async fn execute_page_revision(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ExecutePageRevisionRequest>,
) -> ApiResult<web::Json<PageRevisionView>> {
    let id = id.into_inner();
    let note = body.into_inner().note.trim().to_owned();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:write")?;
            let a = actor(&who, &meta);
            let r = ecops_app::page_revisions::execute(conn, &a, id, &note, now)?;
            one_view(conn, &r, now)
        })
        .await?;
    Ok(web::Json(v))
}

/// Each page's revision rhythm (R-APR-6): its cadence, when it was last revised, the day the
/// next revision is due and how many days it is overdue, the plans waiting for approval, and the
/// approved plans waiting to be carried out with their deadlines (R-APR-5). The home page is
/// always listed, even before its first plan.
#[utoipa::path(
    tag = "page-revisions",
    security(("bearer" = [])),
    responses((status = 200, description = "Every page's schedule", body = Vec<PageScheduleView>))
)]
#[get("/page-revisions/schedule")]
pub async fn page_revision_schedule(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<Vec<PageScheduleView>>> {
    let now = state.clock.now();
    let tz = state.config.orders.timezone;
    let today = now.with_timezone(&tz).date_naive();
    let out = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:read")?;
            ecops_app::read(conn, |conn| {
                let mut pages = page_revisions::pages(conn)?;
                if !pages.iter().any(|p| p == HOME) {
                    pages.insert(0, HOME.to_owned());
                }
                let mut out = Vec::with_capacity(pages.len());
                for page in pages {
                    let last = page_revisions::last_executed(conn, &page)?;
                    let pending =
                        page_revisions::in_states(conn, &page, &[RevisionStatus::Pending])?;
                    let approved =
                        page_revisions::in_states(conn, &page, &[RevisionStatus::Approved])?;
                    // The rhythm is the newest live plan's.
                    let cadence = pending
                        .iter()
                        .chain(&approved)
                        .chain(&last)
                        .max_by_key(|r| r.created_at)
                        .map_or(Cadence::Biweekly, |r| r.cadence);
                    let last_day = last
                        .as_ref()
                        .and_then(|r| r.executed_at)
                        .map(|t| t.with_timezone(&tz).date_naive());
                    let s = rules::schedule(cadence, last_day, today);
                    out.push(PageScheduleView {
                        page,
                        cadence: cadence_out(cadence),
                        last_executed_at: last.as_ref().and_then(|r| r.executed_at),
                        last_revision_id: last.as_ref().map(|r| r.id),
                        next_due: s.next_due,
                        days_overdue: s.days_overdue,
                        pending: views(conn, &pending, now)?,
                        awaiting_execution: views(conn, &approved, now)?,
                    });
                }
                Ok(out)
            })
        })
        .await?;
    Ok(web::Json(out))
}
