//! Resignation and transfer with the witnessed handover (R-ATT-10).

use super::{parse_roles, sees_staff_records};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::{get, post, web, HttpResponse};
use ecops_api_types::{
    ConfirmItemRequest, DepartureKind, DepartureRequest, DepartureState, DepartureView,
    HandoverItemView, Problem,
};
use ecops_app::departures::{self as flow, DepartureInput};
use ecops_persistence::repo::departures::{self as store, Departure};
use uuid::Uuid;

fn view(d: &Departure) -> DepartureView {
    DepartureView {
        id: d.id,
        user_id: d.user_id,
        kind: match d.kind {
            store::DepartureKind::Resignation => DepartureKind::Resignation,
            store::DepartureKind::Transfer => DepartureKind::Transfer,
        },
        effective_on: d.effective_on,
        reason: d.reason.clone(),
        successor_id: d.successor_id,
        new_roles: d
            .new_roles
            .iter()
            .map(|r| crate::wire::job_role(*r))
            .collect(),
        state: match d.state {
            store::DepartureState::Requested => DepartureState::Requested,
            store::DepartureState::HandedOver => DepartureState::HandedOver,
            store::DepartureState::Completed => DepartureState::Completed,
            store::DepartureState::Withdrawn => DepartureState::Withdrawn,
        },
        items: d
            .items
            .iter()
            .map(|i| HandoverItemView {
                seq: i.seq,
                item: i.item.clone(),
                confirmed_at: i.confirmed_at,
                confirmed_by: i.confirmed_by,
                note: i.note.clone(),
            })
            .collect(),
        created_at: d.created_at,
        handed_over_at: d.handed_over_at,
        completed_at: d.completed_at,
        completed_by: d.completed_by,
    }
}

/// The caller resigns or asks for a transfer: in writing, at least one month ahead
/// (`notice_too_short`), with the handover checklist to an active successor.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    request_body = DepartureRequest,
    responses(
        (status = 201, description = "Asked; the handover waits for the witness", body = DepartureView),
        (status = 409, description = "An open resignation or transfer exists (`departure_open`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Less than a month ahead, a successor who is oneself or not active staff, no checklist, or roles that do not fit the kind", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/departures")]
pub async fn create_departure(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<DepartureRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let input = DepartureInput {
                kind: match body.kind {
                    DepartureKind::Resignation => store::DepartureKind::Resignation,
                    DepartureKind::Transfer => store::DepartureKind::Transfer,
                },
                effective_on: body.effective_on,
                reason: body.reason,
                successor_id: body.successor_id,
                items: body.items,
                new_roles: parse_roles("new_roles", &body.new_roles)?,
            };
            let a = crate::support::actor(&who, &meta);
            Ok(view(&flow::request(conn, &a, input, now)?))
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Resignations and transfers: the caller's own, or everyone's for those who see staff records.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    responses((status = 200, description = "Newest first, with their checklists", body = Vec<DepartureView>))
)]
#[get("/departures")]
pub async fn list_departures(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<Vec<DepartureView>>> {
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:read")?;
            let whose = (!sees_staff_records(&who)).then_some(who.user_id);
            Ok(store::list(conn, whose)?.iter().map(view).collect())
        })
        .await?;
    Ok(web::Json(v))
}

/// The supervisor (department manager) witnesses one item of the handover; neither the person
/// leaving nor the successor may. The last confirmation completes the handover.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Departure id"), ("seq" = i32, Path, description = "Item number")),
    request_body = ConfirmItemRequest,
    responses(
        (status = 200, description = "Confirmed", body = DepartureView),
        (status = 403, description = "Not the department manager, or one of the two people in the handover", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resignation or transfer (or item)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already confirmed, or the handover is closed", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/departures/{id}/items/{seq}/confirm")]
pub async fn confirm_handover_item(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    path: web::Path<(Uuid, i32)>,
    body: ValidJson<ConfirmItemRequest>,
) -> ApiResult<web::Json<DepartureView>> {
    let (id, seq) = path.into_inner();
    let note = body.into_inner().note;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let a = crate::support::actor(&who, &meta);
            Ok(view(&flow::confirm_item(conn, &a, id, seq, note, now)?))
        })
        .await?;
    Ok(web::Json(v))
}

/// The department manager completes a departure on or after its effective date and only once
/// the handover is confirmed (`handover_pending`): a resignation deactivates the account and
/// ends the employment the day before; a transfer sets the new job roles.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Departure id")),
    responses(
        (status = 200, description = "Completed", body = DepartureView),
        (status = 404, description = "No such resignation or transfer (or item)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The handover is not confirmed (`handover_pending`) or it is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Before the effective date (`not_yet_effective`)", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/departures/{id}/complete")]
pub async fn complete_departure(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    path: web::Path<Uuid>,
) -> ApiResult<web::Json<DepartureView>> {
    let id = path.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let a = crate::support::actor(&who, &meta);
            Ok(view(&flow::complete(conn, &a, id, now)?))
        })
        .await?;
    Ok(web::Json(v))
}

/// The person withdraws their resignation or transfer before it completes.
#[utoipa::path(
    tag = "attendance",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Departure id")),
    responses(
        (status = 200, description = "Withdrawn", body = DepartureView),
        (status = 403, description = "Not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resignation or transfer (or item)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Completed or withdrawn already", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/departures/{id}/withdraw")]
pub async fn withdraw_departure(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    path: web::Path<Uuid>,
) -> ApiResult<web::Json<DepartureView>> {
    let id = path.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("attendance:write")?;
            let a = crate::support::actor(&who, &meta);
            Ok(view(&flow::withdraw(conn, &a, id, now)?))
        })
        .await?;
    Ok(web::Json(v))
}
