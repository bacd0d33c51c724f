//! Leave requests (R-ATT-8): asked in advance, naming who takes over the work, approved by the
//! department manager through the approvals engine. Approved leave excuses the hours it covers in
//! the attendance month and keeps the person off duty rosters (R-DUT-4).

use super::{approval_view, sees_staff_records};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, page_limit, RequestMeta};
use actix_web::{get, post, web, HttpResponse};
use ecops_api_types::{
    CreateLeaveRequest, LeaveKind, LeaveProposal, LeaveQuery, LeaveView, Page, Problem,
};
use ecops_domain::approval::ApprovalState;
use ecops_persistence::repo::leave::{self, Leave};
use uuid::Uuid;

fn kind_of(s: &str) -> LeaveKind {
    match s {
        "sick" => LeaveKind::Sick,
        "annual" => LeaveKind::Annual,
        "other" => LeaveKind::Other,
        _ => LeaveKind::Personal,
    }
}

fn view(l: &Leave) -> LeaveView {
    LeaveView {
        id: l.id,
        user_id: l.user_id,
        kind: kind_of(&l.kind),
        starts_at: l.starts_at,
        ends_at: l.ends_at,
        reason: l.reason.clone(),
        handover_to: l.handover_to,
        handover_note: l.handover_note.clone(),
        status: crate::wire::approval_state(l.status),
        approval_request_id: l.approval_request_id,
        created_at: l.created_at,
        updated_at: l.updated_at,
    }
}

/// Asks for leave (for oneself). It must start in the future, last at most 31 days, and name an
/// active colleague who takes over, with what is handed over. It goes to the department manager
/// (R-APR-2); until approved it excuses nothing.
#[utoipa::path(
    tag = "leave",
    security(("bearer" = [])),
    request_body = CreateLeaveRequest,
    responses(
        (status = 202, description = "Filed for approval", body = LeaveProposal),
        (status = 422, description = "Not in advance (or, for the kinds the policy allows after the fact, later than its days after the start), too long, or no valid handover", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/leave-requests")]
pub async fn create_leave(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateLeaveRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let input = ecops_app::leave::LeaveInput {
        kind: body.kind.as_str().to_owned(),
        starts_at: body.starts_at,
        ends_at: body.ends_at,
        reason: body.reason,
        handover_to: body.handover_to,
        handover_note: body.handover_note,
    };
    let now = state.clock.now();
    let (l, request) = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let a = actor(&who, &meta);
            Ok(ecops_app::leave::request(conn, &a, input, now)?)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(LeaveProposal {
        leave: view(&l),
        approval_request: approval_view(&request),
    }))
}

/// Leave requests, newest first: one's own, or anyone's for managers.
#[utoipa::path(
    tag = "leave",
    security(("bearer" = [])),
    params(LeaveQuery),
    responses(
        (status = 200, description = "One page of leave requests", body = Page<LeaveView>),
        (status = 403, description = "Someone else's, and not a manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/leave-requests")]
pub async fn list_leave(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<LeaveQuery>,
) -> ApiResult<web::Json<Page<LeaveView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    let status = q
        .status
        .as_deref()
        .map(|s| {
            s.parse::<ApprovalState>().map_err(|_| {
                ApiError::bad_field(
                    "invalid_query",
                    "status",
                    "must be pending, approved, rejected or withdrawn",
                )
            })
        })
        .transpose()?;
    let rows = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            let everyone = sees_staff_records(&who);
            let user = match q.user_id {
                Some(u) if u != who.user_id && !everyone => {
                    return Err(ApiError::forbidden(
                        "not_yours",
                        "only managers read other people's leave",
                    ))
                }
                Some(u) => Some(u),
                None if everyone => None,
                None => Some(who.user_id),
            };

            Ok(leave::list(
                conn,
                user,
                status,
                before.as_deref(),
                limit + 1,
            )?)
        })
        .await?;
    let (rows, next_cursor) = state.cursors.paginate(rows, limit, |l| l.id.to_string());
    Ok(web::Json(Page {
        items: rows.iter().map(view).collect(),
        next_cursor,
    }))
}

/// One leave request: its owner's, the colleague taking over's, or a manager's to see.
#[utoipa::path(
    tag = "leave",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Leave request id")),
    responses(
        (status = 200, description = "The request", body = LeaveView),
        (status = 404, description = "No such request, or not yours to see", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/leave-requests/{id}")]
pub async fn get_leave(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<LeaveView>> {
    let id = id.into_inner();
    let l = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            let everyone = sees_staff_records(&who);
            let me = who.user_id;

            leave::find(conn, id)?
                .filter(|l| everyone || l.user_id == me || l.handover_to == me)
                .ok_or_else(|| ApiError::not_found("no such leave request"))
        })
        .await?;
    Ok(web::Json(view(&l)))
}
