//! Meeting minutes and their action items (R-REP-5).

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, RequestMeta};
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use ecops_api_types::{ActionItemView, CreateMeetingRequest, MeetingQuery, MeetingView, Problem};
use ecops_app::meetings::{Minutes, NewItem};
use ecops_persistence::repo::meetings::{self as repo, ActionItem, Meeting};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use std::collections::HashMap;
use uuid::Uuid;

fn views(
    conn: &mut AnyConnection,
    meetings: &[Meeting],
    today: NaiveDate,
) -> ApiResult<Vec<MeetingView>> {
    let ids: Vec<Uuid> = meetings.iter().map(|m| m.id).collect();
    let items = repo::items_of(conn, &ids)?;
    let people: Vec<Uuid> = meetings
        .iter()
        .flat_map(|m| m.attendees.iter().copied())
        .collect();
    let names: HashMap<Uuid, String> = users::display_names(conn, &people)?;
    let titles: HashMap<Uuid, String> = meetings.iter().map(|m| (m.id, m.title.clone())).collect();
    Ok(meetings
        .iter()
        .map(|m| MeetingView {
            id: m.id,
            held_on: m.held_on,
            title: m.title.clone(),
            attendees: m.attendees.clone(),
            attendee_names: m
                .attendees
                .iter()
                .map(|a| names.get(a).cloned().unwrap_or_default())
                .collect(),
            decisions: m.decisions.clone(),
            written_by: m.written_by,
            created_at: m.created_at,
            action_items: items
                .iter()
                .filter(|i| i.meeting_id == m.id)
                .map(|i| item_view(i, &titles, &names, today))
                .collect(),
        })
        .collect())
}

fn item_view(
    i: &ActionItem,
    titles: &HashMap<Uuid, String>,
    names: &HashMap<Uuid, String>,
    today: NaiveDate,
) -> ActionItemView {
    ActionItemView {
        id: i.id,
        meeting_id: i.meeting_id,
        meeting_title: titles.get(&i.meeting_id).cloned().unwrap_or_default(),
        owner_id: i.owner_id,
        owner_name: names.get(&i.owner_id).cloned().unwrap_or_default(),
        text: i.text.clone(),
        due_on: i.due_on,
        overdue: i.done_at.is_none() && i.due_on < today,
        done_at: i.done_at,
        done_by: i.done_by,
    }
}

/// Records a meeting's minutes: its day (today or before), title, attendees, decisions and
/// action items, each owned by an attendee with a due day. Immutable once recorded; the items
/// appear on their owners' daily reports until done.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    request_body = CreateMeetingRequest,
    responses(
        (status = 201, description = "Recorded", body = MeetingView),
        (status = 422, description = "A day to come, an unknown attendee, an owner who did not attend, an item due before the meeting", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/meetings")]
pub async fn create_meeting(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateMeetingRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let (m, _) = ecops_app::meetings::record(
                conn,
                &a,
                Minutes {
                    held_on: b.held_on,
                    title: b.title,
                    attendees: b.attendee_ids,
                    decisions: b.decisions,
                    items: b
                        .action_items
                        .into_iter()
                        .map(|i| NewItem {
                            owner_id: i.owner_id,
                            text: i.text,
                            due_on: i.due_on,
                        })
                        .collect(),
                },
                now,
            )?;
            let today = ecops_app::workdays::company_date(conn, now)?;
            views(conn, &[m], today)?
                .pop()
                .ok_or_else(|| ApiError::internal("a view went missing"))
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Minutes of the meetings held in a period, newest first, with their action items.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(MeetingQuery),
    responses(
        (status = 200, description = "The minutes", body = Vec<MeetingView>),
        (status = 400, description = "A bad period", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/meetings")]
pub async fn list_meetings(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<MeetingQuery>,
) -> ApiResult<web::Json<Vec<MeetingView>>> {
    let q = query.into_inner();
    if q.to < q.from || (q.to - q.from).num_days() > 366 {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            "must be on or after `from`, at most 366 days later",
        ));
    }
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            ecops_app::read(conn, |conn| {
                let today = ecops_app::workdays::company_date(conn, now)?;
                let rows = repo::between(conn, (q.from, q.to))?;
                views(conn, &rows, today)
            })
        })
        .await?;
    Ok(web::Json(v))
}

/// The caller's action items still open, the earliest due first: what their daily report shows
/// until each is done.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    responses((status = 200, description = "My open action items", body = Vec<ActionItemView>))
)]
#[get("/action-items/mine")]
pub async fn my_action_items(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<Vec<ActionItemView>>> {
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            ecops_app::read(conn, |conn| {
                let today = ecops_app::workdays::company_date(conn, now)?;
                let items = repo::open_of(conn, who.user_id)?;
                let mut titles = HashMap::new();
                for i in &items {
                    if let Some(m) = repo::find(conn, i.meeting_id)? {
                        titles.insert(m.id, m.title);
                    }
                }
                let names = users::display_names(conn, &[who.user_id])?;
                Ok(items
                    .iter()
                    .map(|i| item_view(i, &titles, &names, today))
                    .collect::<Vec<_>>())
            })
        })
        .await?;
    Ok(web::Json(v))
}

/// Marks an action item done (its owner, or whoever wrote the minutes); once only.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Action item id")),
    responses(
        (status = 200, description = "Done", body = ActionItemView),
        (status = 403, description = "Not its owner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Done already", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/action-items/{id}/done")]
pub async fn complete_action_item(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ActionItemView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let item = ecops_app::meetings::complete(conn, &a, id, now)?;
            let today = ecops_app::workdays::company_date(conn, now)?;
            let titles: HashMap<Uuid, String> = repo::find(conn, item.meeting_id)?
                .map(|m| (m.id, m.title))
                .into_iter()
                .collect();
            let names = users::display_names(conn, &[item.owner_id])?;
            Ok(item_view(&item, &titles, &names, today))
        })
        .await?;
    Ok(web::Json(v))
}
