//! Delegated access (R-ACC-1): lend job roles to a colleague for a task and a period, approved by
//! the department manager; see who acts for whom now; end a delegation early.

use crate::auth::{Caller, Identity};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, RequestMeta};
use crate::wire;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use ecops_api_types::{
    CreateDelegationRequest, DelegationListView, DelegationQuery, DelegationStanding,
    DelegationView, Problem, RevokeDelegationRequest,
};
use ecops_app::delegations as app;
use ecops_domain::lending::Standing;
use ecops_persistence::repo::delegations::{self as repo, Delegation};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use uuid::Uuid;

fn standing_out(s: Standing) -> DelegationStanding {
    match s {
        Standing::Pending => DelegationStanding::Pending,
        Standing::Scheduled => DelegationStanding::Scheduled,
        Standing::Active => DelegationStanding::Active,
        Standing::Expired => DelegationStanding::Expired,
        Standing::Rejected => DelegationStanding::Rejected,
        Standing::Withdrawn => DelegationStanding::Withdrawn,
        Standing::Revoked => DelegationStanding::Revoked,
    }
}

fn views(
    conn: &mut AnyConnection,
    list: Vec<Delegation>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<DelegationView>> {
    let people: Vec<Uuid> = list
        .iter()
        .flat_map(|d| [d.delegator_id, d.delegate_id, d.requested_by])
        .collect();
    let names = users::display_names(conn, &people)?;
    let ids: Vec<Uuid> = list.iter().map(|d| d.id).collect();
    let actions = repo::action_counts(conn, &ids)?;
    Ok(list
        .into_iter()
        .map(|d| DelegationView {
            standing: standing_out(app::standing(&d, now)),
            delegator_name: names.get(&d.delegator_id).cloned().unwrap_or_default(),
            delegate_name: names.get(&d.delegate_id).cloned().unwrap_or_default(),
            requested_by_name: names.get(&d.requested_by).cloned().unwrap_or_default(),
            covers_vacancy: d.covers_vacancy(),
            actions: actions.get(&d.id).copied().unwrap_or(0),
            id: d.id,
            delegator_id: d.delegator_id,
            delegate_id: d.delegate_id,
            requested_by: d.requested_by,
            task: d.task,
            roles: d.roles.into_iter().map(wire::job_role).collect(),
            starts_at: d.starts_at,
            ends_at: d.ends_at,
            approval_request_id: d.approval_request_id,
            created_at: d.created_at,
            decided_at: d.decided_at,
            revoked_at: d.revoked_at,
            revoked_by: d.revoked_by,
            revoke_reason: d.revoke_reason,
        })
        .collect())
}

fn one(conn: &mut AnyConnection, d: Delegation, now: DateTime<Utc>) -> ApiResult<DelegationView> {
    views(conn, vec![d], now)?
        .pop()
        .ok_or_else(|| ApiError::internal("a delegation without its view"))
}

/// Lending roles is a person's act, in their login session.
fn require_session(who: &Identity) -> ApiResult<()> {
    if who.session_id().is_none() {
        return Err(ApiError::forbidden(
            "session_required",
            "delegations are asked for and ended from a login session, never with an API token",
        ));
    }
    Ok(())
}

/// Asks the department manager to let a colleague act with some of the caller's job roles for a
/// task and a period (at most the configured maximum). The colleague acts on the caller's behalf
/// once approved, inside the period; nobody shares a password. With `vacant_post_of`, a departed
/// colleague's manager (or a department manager) covers the vacant post the same way.
#[utoipa::path(tag = "delegations", security(("bearer" = [])), request_body = CreateDelegationRequest,
    responses((status = 202, description = "Requested: waits for the department manager", body = DelegationView),
        (status = 403, description = "Not from a login session; a vacant post that is not the caller's to cover", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A role the caller (or the vacant post) does not hold, a period too long or over, lending to oneself, no such colleague, a post that is not vacant", body = Problem, content_type = "application/problem+json")))]
#[post("/delegations")]
pub async fn create_delegation(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateDelegationRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let policy = state.config.lending;
    let v = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            let input = app::DelegationInput {
                delegate_id: b.delegate_id,
                vacant_post_of: b.vacant_post_of,
                task: b.task,
                roles: b.roles.into_iter().map(wire::role_to_domain).collect(),
                starts_at: b.starts_at,
                ends_at: b.ends_at,
            };
            let (d, _) = app::request(conn, &a, input, &policy, now)?;
            one(conn, d, now)
        })
        .await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/delegations/{}", v.id)))
        .json(v))
}

/// Delegations, newest first (at most 200): those the caller lends or receives, or everyone's
/// (`view=all`, the department's managers and IT).
#[utoipa::path(tag = "delegations", security(("bearer" = [])), params(DelegationQuery),
    responses((status = 200, description = "The delegations", body = Vec<DelegationView>),
        (status = 403, description = "`view=all` without a manager's role; not from a login session", body = Problem, content_type = "application/problem+json")))]
#[get("/delegations")]
pub async fn list_delegations(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<DelegationQuery>,
) -> ApiResult<web::Json<Vec<DelegationView>>> {
    let q = query.into_inner();
    let now = state.clock.now();
    let list = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let mut filter = repo::Filter::default();
            match q.view.unwrap_or(DelegationListView::Mine) {
                DelegationListView::Mine => filter.party = Some(who.user_id),
                DelegationListView::All if app::sees_all(&who.roles) => {}
                DelegationListView::All => {
                    return Err(ApiError::forbidden(
                        "missing_role",
                        "only the department's managers and IT see everyone's delegations",
                    ))
                }
            }
            let list = ecops_app::read(conn, |conn| repo::list(conn, &filter, None, 200))?;
            let list = list
                .into_iter()
                .filter(|d| {
                    q.standing
                        .is_none_or(|s| standing_out(app::standing(d, now)) == s)
                })
                .collect();
            views(conn, list, now)
        })
        .await?;
    Ok(web::Json(list))
}

/// One delegation, for its two people and the department's managers.
#[utoipa::path(tag = "delegations", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "The delegation", body = DelegationView),
        (status = 403, description = "Not from a login session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delegation, or not the caller's to see", body = Problem, content_type = "application/problem+json")))]
#[get("/delegations/{id}")]
pub async fn get_delegation(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<DelegationView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            let d = app::visible(conn, &a, id)?;
            one(conn, d, now)
        })
        .await?;
    Ok(web::Json(v))
}

/// Ends an approved delegation before its time (the lender, the delegate or a manager), with a
/// reason. The delegate's very next request no longer has the roles.
#[utoipa::path(tag = "delegations", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = RevokeDelegationRequest,
    responses((status = 200, description = "Revoked", body = DelegationView),
        (status = 403, description = "Neither a party nor a manager; not from a login session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delegation, or not the caller's to see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Still pending, already over or revoked", body = Problem, content_type = "application/problem+json")))]
#[post("/delegations/{id}/revoke")]
pub async fn revoke_delegation(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<RevokeDelegationRequest>,
) -> ApiResult<web::Json<DelegationView>> {
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            require_session(&who)?;
            let a = actor(&who, &meta);
            let d = app::revoke(conn, &a, id, &reason, now)?;
            one(conn, d, now)
        })
        .await?;
    Ok(web::Json(v))
}
