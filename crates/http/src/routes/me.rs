//! The caller's own account: `GET /me`, `POST /me/password`.

use super::{check_password, user_view};
use crate::auth::{passwords, IdentityAllowingExpiredPassword};
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::{get, post, web, HttpResponse};
use ecops_api_types::{ChangePasswordRequest, Problem, UserView};
use ecops_domain::access::may_read_wages;
use ecops_domain::password::PasswordViolation;
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::{sessions, users};
use serde_json::json;

/// The logged-in user: name, job roles, permission level. Works with an expired password too.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's account", body = UserView))
)]
#[get("/me")]
pub async fn get_me(
    state: web::Data<AppState>,
    who: IdentityAllowingExpiredPassword,
) -> ApiResult<web::Json<UserView>> {
    let who = who.0;
    let st = state.clone();
    let user = state
        .run(move |conn| Ok(users::get(conn, who.user_id)?))
        .await?;
    Ok(web::Json(user_view(
        &user,
        may_read_wages(&user.roles),
        &st.config.password_policy,
    )))
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
    who: IdentityAllowingExpiredPassword,
    body: ValidJson<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let who = who.0;
    let req = body.into_inner();
    let st = state.clone();
    state
        .run(move |conn| {
            let now = st.clock.now();
            let policy = &st.config.password_policy;
            let user = users::get(conn, who.user_id)?;
            if !passwords::verify(&req.current_password, &user.password_hash) {
                audit::append(
                    conn,
                    &meta.audit(
                        &who,
                        "user.password_change",
                        Some(("user", who.user_id.to_string())),
                        Outcome::Failure,
                        json!({"reason": "wrong_current_password"}),
                    ),
                    now,
                )?;
                return Err(ApiError::invalid_field(
                    "current_password",
                    "is not your current password",
                ));
            }
            check_password("new_password", &req.new_password, &user.username, policy)?;
            let history = users::recent_password_hashes(
                conn,
                user.id,
                i64::try_from(policy.history).unwrap_or(3),
            )?;
            if history
                .iter()
                .any(|h| passwords::verify(&req.new_password, h))
            {
                return Err(ApiError::Unprocessable {
                    code: "password_policy",
                    detail: format!("the password {}", PasswordViolation::Reused.message(policy)),
                    errors: vec![ecops_api_types::FieldError {
                        field: "new_password".into(),
                        message: PasswordViolation::Reused.message(policy),
                    }],
                });
            }
            let hash = passwords::hash(&req.new_password)?;
            write_tx(conn, |conn| -> ApiResult<()> {
                users::set_password(conn, user.id, &hash, now)?;
                // Every session ends, this one too: the client logs in again with the new password.
                sessions::revoke_all_of_user(conn, user.id, "password_changed", now)?;
                audit::append(
                    conn,
                    &meta.audit(
                        &who,
                        "user.password_change",
                        Some(("user", user.id.to_string())),
                        Outcome::Success,
                        json!({}),
                    ),
                    now,
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
