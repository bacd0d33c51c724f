//! The first-run window (R-ACL-4 on a fresh install): who may decide permission levels, and
//! raising those deciders while nobody else can. The rules live in
//! [`ecops_app::bootstrap`].

use super::{parse_level, user_view};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::{actor, RequestMeta};
use actix_web::{get, post, web};
use ecops_api_types::{
    BootstrapDecider, BootstrapGrantRequest, BootstrapGrantResponse, BootstrapView, Problem,
};
use ecops_app::bootstrap::{self, FirstRun};
use ecops_domain::access::may_read_wages;

fn view(f: &FirstRun) -> BootstrapView {
    BootstrapView {
        open: f.open,
        closed_at: f.closed_at,
        roles_needed: f
            .chain
            .steps
            .iter()
            .flat_map(|s| s.all_of.iter().map(|r| r.as_str().to_owned()))
            .collect(),
        deciders: f
            .deciders
            .iter()
            .map(|u| BootstrapDecider {
                user_id: u.id,
                username: u.username.clone(),
                roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            })
            .collect(),
    }
}

/// Where the first run stands: whether the window is open, the roles the permission-level chain
/// needs and who already holds them as an operator.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "The first run's state", body = BootstrapView))
)]
#[get("/bootstrap")]
pub async fn get_bootstrap(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<BootstrapView>> {
    let now = state.clock.now();
    let f = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:read")?;
            Ok(bootstrap::status(conn, now)?)
        })
        .await?;
    Ok(web::Json(view(&f)))
}

/// First run only (`it_admin`): raises a holder of a role of the permission-level chain
/// (`marketing_director`, `it_admin`) to `operator` without the joint approval, audited as
/// `bootstrap.permission_level`. Open only while the chain cannot be decided by anyone but
/// `admin`; it closes for good once it can (409 `bootstrap_closed` from then on), and every later
/// change is a permission-level request (R-ACL-4).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = BootstrapGrantRequest,
    responses(
        (status = 200, description = "Raised; the state after the grant", body = BootstrapGrantResponse),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The first-run window is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a level or a user the first run may raise", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/bootstrap/permission-levels")]
pub async fn bootstrap_permission_level(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<BootstrapGrantRequest>,
) -> ApiResult<web::Json<BootstrapGrantResponse>> {
    let body = body.into_inner();
    let level = parse_level("permission_level", &body.permission_level)?;
    let now = state.clock.now();
    let st = state.clone();
    let ((user, f), who) = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:write")?;
            let a = actor(&who, &meta);
            let out: ApiResult<_> = (|| {
                Ok(bootstrap::grant(
                    conn,
                    &a,
                    body.user_id,
                    level,
                    body.reason.trim(),
                    now,
                )?)
            })();
            Ok((out?, who))
        })
        .await?;
    Ok(web::Json(BootstrapGrantResponse {
        user: user_view(
            &user,
            may_read_wages(&who.roles),
            &st.config.password_policy,
        ),
        bootstrap: view(&f),
    }))
}
