//! User administration: create, list, read, edit, deactivate, assign roles, and request a change of
//! permission level (R-ACL-4: only through approval).

use super::{
    approval_view, check_password, parse_level, parse_roles, parse_staff_level, user_view,
};
use crate::auth::{passwords, Identity};
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::idempotency;
use crate::state::AppState;
use crate::support::{check_if_match, etag, if_match, page_limit, RequestMeta};
use actix_web::http::{header, StatusCode};
use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use ecops_api_types::{
    ApprovalRequestView, CreateUserRequest, CreateUserResponse, Page, PermissionLevelChangeRequest,
    Problem, SetRolesRequest, UpdateUserRequest, UserQuery, UserView,
};
use ecops_domain::access::may_read_wages;
use ecops_domain::approval::{ApprovalKind, ApprovalState, Step};
use ecops_domain::{JobRole, PermissionLevel, StaffLevel};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::approvals::{self, ApprovalRequest};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::sessions;
use ecops_persistence::repo::users::{self, NewUser, ProfileChanges, User, UserFilter};
use ecops_persistence::{AnyConnection, StoreError};
use serde_json::json;
use uuid::Uuid;

const ADMINS: &[JobRole] = &[JobRole::ItAdmin];

/// Usernames: 3-32 characters, lower-case letters, digits, `.`, `_`, `-`, starting with a letter.
fn check_username(name: &str) -> ApiResult<()> {
    let ok = name.len() >= 3
        && name.len() <= 32
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            "username",
            "must be 3-32 lower-case letters, digits, `.`, `_` or `-`, starting with a letter",
        ))
    }
}

/// Files a permission-level request for `target` (R-ACL-4). Nothing changes until it is approved.
fn file_permission_request(
    conn: &mut AnyConnection,
    who: &Identity,
    target: &User,
    level: PermissionLevel,
    reason: &str,
    now: DateTime<Utc>,
) -> ApiResult<ApprovalRequest> {
    if level == target.permission_level {
        return Err(ApiError::invalid_field(
            "permission_level",
            format!("the user already is `{}`", level.as_str()),
        ));
    }
    let subject_id = target.id.to_string();
    if approvals::for_subject(conn, "user", &subject_id)?
        .iter()
        .any(|r| r.kind == ApprovalKind::PermissionLevel && r.state == ApprovalState::Pending)
    {
        return Err(ApiError::conflict(
            "pending_request_exists",
            "a permission-level request for this user is already pending",
        ));
    }
    let (mut chain, chain_version) =
        approvals::chain_in_force(conn, ApprovalKind::PermissionLevel, now)?;
    // R-ACL-4: granting anything to a special (service or external) account also needs the GM.
    if target.is_special && level > target.permission_level {
        chain.steps.push(Step {
            all_of: vec![JobRole::GeneralManager],
        });
    }
    let request = ApprovalRequest::new(
        ApprovalKind::PermissionLevel,
        ("user", subject_id),
        who.user_id,
        json!({"from": target.permission_level.as_str(), "to": level.as_str()}),
        reason,
        (chain, chain_version),
        Some(target.version),
        now,
    );
    approvals::insert(conn, &request)?;
    Ok(request)
}

fn user_path(id: Uuid) -> Option<(&'static str, String)> {
    Some(("user", id.to_string()))
}

fn with_etag(view: UserView) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(view.version)))
        .json(view)
}

/// Creates an account (`it_admin`). Every account starts as `viewer`; asking for a higher level
/// files a permission-level request that needs approval. Honours `Idempotency-Key`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key: the same key and body return the first answer")),
    responses(
        (status = 201, description = "Created", body = CreateUserResponse),
        (status = 409, description = "The username is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or password", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Identity,
    body: ValidJson<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    who.require(PermissionLevel::Operator, ADMINS)?;
    who.require_scope("users:write")?;
    let body = body.into_inner();
    let key = idempotency::key_of(&req)?;
    let fingerprint = idempotency::fingerprint(&req, &body);
    check_username(&body.username)?;
    let roles = parse_roles("roles", &body.roles)?;
    let staff_level = body
        .staff_level
        .as_deref()
        .map(|s| parse_staff_level("staff_level", s))
        .transpose()?;
    let level = body
        .permission_level
        .as_deref()
        .map(|s| parse_level("permission_level", s))
        .transpose()?;
    check_password(
        "password",
        &body.password,
        &body.username,
        &state.config.password_policy,
    )?;
    if body.monthly_wage_fen.is_some() && !may_read_wages(&who.roles) {
        return Err(ApiError::forbidden(
            "wage_restricted",
            "only dept_manager, general_manager and it_admin handle wages",
        ));
    }
    let st = state.clone();
    idempotency::run_once(
        &state,
        &who.clone(),
        key,
        fingerprint,
        StatusCode::CREATED,
        || async move {
            let hash = passwords::hash(&body.password)?;
            let show_wage = may_read_wages(&who.roles);
            let st2 = st.clone();
            st.run(move |conn| {
                let now = st2.clock.now();
                write_tx(conn, |conn| {
                    let new = NewUser {
                        id: Uuid::now_v7(),
                        username: body.username.clone(),
                        display_name: body.display_name.trim().to_owned(),
                        password_hash: hash,
                        permission_level: PermissionLevel::Viewer,
                        staff_level: staff_level.unwrap_or(StaffLevel::P),
                        monthly_wage_fen: body.monthly_wage_fen,
                        is_special: body.is_special,
                        roles,
                    };
                    users::insert(conn, &new, Some(who.user_id), now).map_err(|e| match e {
                        StoreError::Unique(_) => ApiError::conflict(
                            "username_taken",
                            format!("the username `{}` is taken", new.username),
                        ),
                        other => other.into(),
                    })?;
                    let user = users::get(conn, new.id)?;
                    audit::append(
                        conn,
                        &meta.audit(
                            &who,
                            "user.create",
                            user_path(user.id),
                            Outcome::Success,
                            json!({
                                "username": user.username,
                                "roles": user.roles,
                                "is_special": user.is_special,
                            }),
                        ),
                        now,
                    )?;
                    let permission_request = match level {
                        Some(level) if level != PermissionLevel::Viewer => {
                            let r = file_permission_request(
                                conn,
                                &who,
                                &user,
                                level,
                                "initial level requested at account creation",
                                now,
                            )?;
                            audit::append(
                                conn,
                                &meta.audit(
                                    &who,
                                    "user.permission_level_requested",
                                    user_path(user.id),
                                    Outcome::Success,
                                    json!({"request_id": r.id, "to": level.as_str()}),
                                ),
                                now,
                            )?;
                            Some(approval_view(&r))
                        }
                        _ => None,
                    };
                    Ok(CreateUserResponse {
                        user: user_view(&user, show_wage, &st2.config.password_policy),
                        permission_request,
                    })
                })
            })
            .await
        },
    )
    .await
}

/// Lists accounts by username, filterable by `active` and `role`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UserQuery),
    responses((status = 200, description = "One page of users", body = Page<UserView>))
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    who: Identity,
    query: crate::extract::Query<UserQuery>,
) -> ApiResult<web::Json<Page<UserView>>> {
    who.require_scope("users:read")?;
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let after = state.cursors.decode(q.cursor.as_deref())?;
    let role = q.role.as_deref().map(|r| {
        r.parse::<JobRole>().map_err(|_| {
            ApiError::bad_field("invalid_query", "role", format!("`{r}` is not a job role"))
        })
    });
    let filter = UserFilter {
        active: q.active,
        role: role.transpose()?,
    };
    let st = state.clone();
    let rows = state
        .run(move |conn| Ok(users::list(conn, &filter, after.as_deref(), limit + 1)?))
        .await?;
    let (rows, next_cursor) = state.cursors.paginate(rows, limit, |u| u.username.clone());
    let show = may_read_wages(&who.roles);
    Ok(web::Json(Page {
        items: rows
            .iter()
            .map(|u| user_view(u, show, &st.config.password_policy))
            .collect(),
        next_cursor,
    }))
}

/// One account, with its `ETag`.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The account", body = UserView, headers(("ETag" = String))),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    who: Identity,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    who.require_scope("users:read")?;
    let id = id.into_inner();
    let user = state
        .run(move |conn| users::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such user")))
        .await?;
    Ok(with_etag(user_view(
        &user,
        may_read_wages(&who.roles),
        &state.config.password_policy,
    )))
}

/// Edits display name, staff level or wage (`it_admin`; the wage also needs a wage-reading role).
/// Honours `If-Match`. The permission level is not editable here: see the permission-level requests.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Updated", body = UserView, headers(("ETag" = String))),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Identity,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateUserRequest>,
) -> ApiResult<HttpResponse> {
    who.require(PermissionLevel::Operator, ADMINS)?;
    who.require_scope("users:write")?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let body = body.into_inner();
    if body.monthly_wage_fen.is_some() && !may_read_wages(&who.roles) {
        return Err(ApiError::forbidden(
            "wage_restricted",
            "only dept_manager, general_manager and it_admin handle wages",
        ));
    }
    let changes = ProfileChanges {
        display_name: body.display_name.map(|n| n.trim().to_owned()),
        staff_level: body
            .staff_level
            .as_deref()
            .map(|s| parse_staff_level("staff_level", s))
            .transpose()?,
        monthly_wage_fen: body.monthly_wage_fen,
    };
    let st = state.clone();
    let w = who.clone();
    let user = state
        .run(move |conn| {
            let now = st.clock.now();
            write_tx(conn, |conn| {
                let current =
                    users::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such user"))?;
                check_if_match(expected, current.version)?;
                if !users::update_profile(conn, id, current.version, &changes, now)? {
                    return Err(ApiError::PreconditionFailed {
                        detail: "the user changed meanwhile; read it again".into(),
                    });
                }
                audit::append(
                    conn,
                    &meta.audit(
                        &w,
                        "user.update",
                        user_path(id),
                        Outcome::Success,
                        json!({
                            "display_name": changes.display_name,
                            "staff_level": changes.staff_level.map(|s| s.as_str()),
                            "wage_changed": changes.monthly_wage_fen.is_some(),
                        }),
                    ),
                    now,
                )?;
                Ok(users::get(conn, id)?)
            })
        })
        .await?;
    Ok(with_etag(user_view(
        &user,
        may_read_wages(&who.roles),
        &state.config.password_policy,
    )))
}

/// Deactivates an account (`it_admin`): it can no longer log in and its tokens stop working.
/// Accounts are never deleted, so history keeps the name.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "Deactivated", body = UserView),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already inactive", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "You cannot deactivate yourself", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/users/{id}/deactivate")]
pub async fn deactivate_user(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Identity,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<UserView>> {
    who.require(PermissionLevel::Operator, ADMINS)?;
    who.require_scope("users:write")?;
    let id = id.into_inner();
    if id == who.user_id {
        return Err(ApiError::unprocessable(
            "self_deactivation",
            "you cannot deactivate your own account",
        ));
    }
    let st = state.clone();
    let w = who.clone();
    let user = state
        .run(move |conn| {
            let now = st.clock.now();
            write_tx(conn, |conn| {
                users::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such user"))?;
                if !users::deactivate(conn, id, now)? {
                    return Err(ApiError::conflict(
                        "already_inactive",
                        "the account is already deactivated",
                    ));
                }
                let ended = sessions::revoke_all_of_user(conn, id, "deactivated", now)?;
                audit::append(
                    conn,
                    &meta.audit(
                        &w,
                        "user.deactivate",
                        user_path(id),
                        Outcome::Success,
                        json!({"sessions_ended": ended}),
                    ),
                    now,
                )?;
                Ok(users::get(conn, id)?)
            })
        })
        .await?;
    Ok(web::Json(user_view(
        &user,
        may_read_wages(&who.roles),
        &state.config.password_policy,
    )))
}

/// Replaces the job roles of an account (`it_admin`). Honours `If-Match`. Every grant and
/// revocation is audited.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body = SetRolesRequest,
    responses(
        (status = 200, description = "Roles set", body = UserView, headers(("ETag" = String))),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/users/{id}/roles")]
pub async fn set_user_roles(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Identity,
    id: web::Path<Uuid>,
    body: ValidJson<SetRolesRequest>,
) -> ApiResult<HttpResponse> {
    who.require(PermissionLevel::Operator, ADMINS)?;
    who.require_scope("users:write")?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let roles = parse_roles("roles", &body.into_inner().roles)?;
    let st = state.clone();
    let w = who.clone();
    let user = state
        .run(move |conn| {
            let now = st.clock.now();
            write_tx(conn, |conn| {
                let current =
                    users::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such user"))?;
                check_if_match(expected, current.version)?;
                if !users::set_roles(conn, id, Some(current.version), &roles, w.user_id, now)? {
                    return Err(ApiError::PreconditionFailed {
                        detail: "the user changed meanwhile; read it again".into(),
                    });
                }
                let granted: Vec<_> = roles
                    .iter()
                    .filter(|r| !current.roles.contains(r))
                    .collect();
                let revoked: Vec<_> = current
                    .roles
                    .iter()
                    .filter(|r| !roles.contains(r))
                    .collect();
                audit::append(
                    conn,
                    &meta.audit(
                        &w,
                        "user.roles_set",
                        user_path(id),
                        Outcome::Success,
                        json!({"granted": granted, "revoked": revoked}),
                    ),
                    now,
                )?;
                Ok(users::get(conn, id)?)
            })
        })
        .await?;
    Ok(with_etag(user_view(
        &user,
        may_read_wages(&who.roles),
        &state.config.password_policy,
    )))
}

/// Requests a change of permission level (R-ACL-4). It takes effect only with the joint approval
/// of `marketing_director` and `it_admin` (plus `general_manager` when granting to a special
/// account); until then nothing changes.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body = PermissionLevelChangeRequest,
    responses(
        (status = 202, description = "Request filed, pending approval", body = ApprovalRequestView),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request is already pending", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/users/{id}/permission-level-requests")]
pub async fn request_permission_level(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Identity,
    id: web::Path<Uuid>,
    body: ValidJson<PermissionLevelChangeRequest>,
) -> ApiResult<HttpResponse> {
    who.require(
        PermissionLevel::Operator,
        &[JobRole::ItAdmin, JobRole::DeptManager],
    )?;
    who.require_scope("users:write")?;
    let id = id.into_inner();
    let body = body.into_inner();
    let level = parse_level("permission_level", &body.permission_level)?;
    let st = state.clone();
    let request = state
        .run(move |conn| {
            let now = st.clock.now();
            write_tx(conn, |conn| {
                let target = users::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such user"))?;
                let r = file_permission_request(conn, &who, &target, level, body.reason.trim(), now)?;
                audit::append(conn, &meta.audit(&who, "user.permission_level_requested", user_path(id), Outcome::Success, json!({"request_id": r.id, "from": target.permission_level.as_str(), "to": level.as_str()})), now)?;
                Ok(r)
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().json(approval_view(&request)))
}

/// The permission-level requests about one user, newest first, with their state: the ones the
/// caller may see (the user themself, the proposer, the deciders' roles, managers).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The requests", body = Vec<ApprovalRequestView>),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/users/{id}/permission-level-requests")]
pub async fn list_permission_level_requests(
    state: web::Data<AppState>,
    who: Identity,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<ApprovalRequestView>>> {
    who.require_scope("users:read")?;
    let id = id.into_inner();
    let list = state
        .run(move |conn| {
            users::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such user"))?;
            Ok(approvals::for_subject(conn, "user", &id.to_string())?)
        })
        .await?;
    Ok(web::Json(
        list.iter()
            .filter(|r| {
                r.kind == ApprovalKind::PermissionLevel && super::approvals::may_see(&who, r)
            })
            .map(approval_view)
            .collect(),
    ))
}
