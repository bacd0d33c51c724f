//! The caller's own account: `GET /me`, `POST /me/password`.

use super::user_view;
use crate::auth::CallerAllowingExpiredPassword;
use crate::error::ApiResult;
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::{get, post, web, HttpResponse};
use ecops_api_types::{ChangePasswordRequest, Problem, UserView};
use ecops_domain::access::may_read_wages;
use ecops_persistence::repo::users;

/// The logged-in user: name, job roles, permission level. Works with an expired password too.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's account", body = UserView))
)]
#[get("/me")]
pub async fn get_me(
    state: web::Data<AppState>,
    who: CallerAllowingExpiredPassword,
) -> ApiResult<web::Json<UserView>> {
    let st = state.clone();
    let now = state.clock.now();
    let (user, lent, names) = state
        .run_as(who.0, move |conn, who| {
            let user = users::get(conn, who.user_id)?;
            let lenders: Vec<_> = who.lent.iter().map(|l| l.delegator).collect();
            let names = users::display_names(conn, &lenders)?;
            let ends = who
                .lent
                .iter()
                .map(|l| {
                    Ok(
                        ecops_persistence::repo::delegations::find(conn, l.delegation)?
                            .map_or(now, |d| d.ends_at),
                    )
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Ok((
                user,
                who.lent.into_iter().zip(ends).collect::<Vec<_>>(),
                names,
            ))
        })
        .await?;
    let mut view = user_view(
        &user,
        may_read_wages(&user.roles),
        &st.config.password_policy,
    );
    view.phone = user.phone.clone();
    view.acting_for = lent
        .into_iter()
        .map(|(l, ends_at)| ecops_api_types::ActingFor {
            delegation_id: l.delegation,
            delegator_id: l.delegator,
            delegator_name: names.get(&l.delegator).cloned().unwrap_or_default(),
            roles: l.roles.into_iter().map(crate::wire::job_role).collect(),
            ends_at,
        })
        .collect();
    Ok(web::Json(view))
}

/// Changes the caller's password (R-ACL-5): the policy applies and none of the last three may be
/// reused. Every session of the caller ends; log in again with the new password.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed"),
        (status = 422, description = "Wrong current password or the new one breaks the policy", body = Problem,
            content_type = "application/problem+json")
    )
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: CallerAllowingExpiredPassword,
    body: ValidJson<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let req = body.into_inner();
    let st = state.clone();
    state
        .run_as(who.0, move |conn, who| {
            let a = crate::support::actor(&who, &meta);

            let now = st.clock.now();
            Ok(ecops_app::accounts::change_password(
                conn,
                &a,
                &req.current_password,
                &req.new_password,
                &st.config.password_policy,
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
