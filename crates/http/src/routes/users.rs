//! User administration: create, list, read, edit, deactivate, assign roles, and request a change of
//! permission level (R-ACL-4: only through approval).

use super::{
    approval_view, check_password, parse_level, parse_roles, parse_staff_level, user_view,
};
use crate::auth::{passwords, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::idempotency;
use crate::state::AppState;
use crate::support::{actor, etag, if_match, page_limit, RequestMeta};
use actix_web::http::{header, StatusCode};
use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use ecops_api_types::{
    ApprovalRequestView, CreateUserRequest, CreateUserResponse, Page, PermissionLevelChangeRequest,
    Problem, SetRolesRequest, UpdateUserRequest, UserQuery, UserView,
};
use ecops_domain::access::may_read_wages;
use ecops_domain::approval::ApprovalKind;
use ecops_domain::{JobRole, PermissionLevel, StaffLevel};
use ecops_persistence::repo::approvals::{self};
use ecops_persistence::repo::users::{self, NewUser, ProfileChanges, UserFilter};
use uuid::Uuid;

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
    who: Caller,
    body: ValidJson<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let key = idempotency::key_of(&req)?;
    let fingerprint = idempotency::fingerprint(&req, &body);
    let policy = state.config.password_policy.clone();
    let now = state.clock.now();
    idempotency::run_once(
        &state,
        who,
        key,
        fingerprint,
        StatusCode::CREATED,
        move |conn, who| {
            who.require_scope("users:write")?;
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
            check_password("password", &body.password, &body.username, &policy)?;
            let show_wage = may_read_wages(&who.roles);
            // Hashing is slow on purpose: it runs here, on the blocking pool.
            let hash = passwords::hash(&body.password)?;
            let a = actor(who, &meta);
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
                phone: body
                    .phone
                    .as_deref()
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned),
            };
            let (user, request) =
                ecops_app::users::create(conn, &a, new, level, body.employed_from, now)?;
            Ok(CreateUserResponse {
                user: user_view(&user, show_wage, &policy),
                permission_request: request.as_ref().map(approval_view),
            })
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
    who: Caller,
    query: crate::extract::Query<UserQuery>,
) -> ApiResult<web::Json<Page<UserView>>> {
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
    let (rows, who) = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:read")?;
            let out: ApiResult<_> =
                (|| Ok(users::list(conn, &filter, after.as_deref(), limit + 1)?))();
            Ok((out?, who))
        })
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
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (user, who) = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:read")?;
            let out: ApiResult<_> =
                (|| users::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such user")))();
            Ok((out?, who))
        })
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
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateUserRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let body = body.into_inner();
    let st = state.clone();
    let (user, who) = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:write")?;
            let changes = ProfileChanges {
                display_name: body.display_name.map(|n| n.trim().to_owned()),
                staff_level: body
                    .staff_level
                    .as_deref()
                    .map(|s| parse_staff_level("staff_level", s))
                    .transpose()?,
                monthly_wage_fen: body.monthly_wage_fen,
                phone: body.phone.map(|p| p.trim().to_owned()),
            };
            let a = actor(&who, &meta);
            let out: ApiResult<_> = (|| {
                let now = st.clock.now();
                Ok(ecops_app::users::update(
                    conn, &a, id, expected, &changes, now,
                )?)
            })();
            Ok((out?, who))
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
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<UserView>> {
    let id = id.into_inner();
    let st = state.clone();
    let (user, who) = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:write")?;
            let a = actor(&who, &meta);
            let out: ApiResult<_> = (|| {
                let now = st.clock.now();
                Ok(ecops_app::users::deactivate(conn, &a, id, now)?)
            })();
            Ok((out?, who))
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
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<SetRolesRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let roles = parse_roles("roles", &body.into_inner().roles)?;
    let st = state.clone();
    let (user, who) = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:write")?;
            let a = actor(&who, &meta);
            let out: ApiResult<_> = (|| {
                let now = st.clock.now();
                Ok(ecops_app::users::set_roles(
                    conn, &a, id, expected, &roles, now,
                )?)
            })();
            Ok((out?, who))
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
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<PermissionLevelChangeRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let level = parse_level("permission_level", &body.permission_level)?;
    let st = state.clone();
    let request = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:write")?;
            let a = actor(&who, &meta);
            let now = st.clock.now();
            Ok(ecops_app::users::propose_level(
                conn,
                &a,
                id,
                level,
                &body.reason,
                now,
            )?)
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
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<ApprovalRequestView>>> {
    let id = id.into_inner();
    let (list, who) = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:read")?;
            let out: ApiResult<_> = (|| {
                users::find(conn, id)?.ok_or_else(|| ApiError::not_found("no such user"))?;
                Ok(approvals::for_subject(conn, "user", &id.to_string())?)
            })();
            Ok((out?, who))
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

/// Sets whom a person reports to (R-EVAL-1; the department manager or IT). A change that would
/// put someone above themselves is refused with 422 on `manager_id`. Audited.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body = ecops_api_types::SetManagerRequest,
    responses(
        (status = 200, description = "Set", body = ecops_api_types::ManagerView),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A cycle, or an unknown or inactive manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/users/{id}/manager")]
pub async fn set_user_manager(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ecops_api_types::SetManagerRequest>,
) -> ApiResult<web::Json<ecops_api_types::ManagerView>> {
    let id = id.into_inner();
    let manager = body.into_inner().manager_id;
    let now = state.clock.now();
    let chain = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:write")?;
            let a = crate::support::actor(&who, &meta);
            Ok(ecops_app::users::set_manager(conn, &a, id, manager, now)?)
        })
        .await?;
    Ok(web::Json(ecops_api_types::ManagerView {
        user_id: id,
        manager_id: manager,
        chain,
    }))
}

/// The org chart: every active account with its direct manager.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses((status = 200, description = "The chart", body = Vec<ecops_api_types::OrgChartEntry>))
)]
#[get("/org-chart")]
pub async fn org_chart(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
) -> ApiResult<web::Json<Vec<ecops_api_types::OrgChartEntry>>> {
    let rows = state
        .run_as(who, move |conn, who| {
            who.require_scope("users:read")?;
            let a = crate::support::actor(&who, &meta);
            Ok(ecops_app::users::org_chart(conn, &a)?)
        })
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(
                |(user_id, display_name, manager_id)| ecops_api_types::OrgChartEntry {
                    user_id,
                    display_name,
                    manager_id,
                },
            )
            .collect(),
    ))
}
