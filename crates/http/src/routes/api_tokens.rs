//! API tokens for integrations (`it_admin`): created and shown once, stored hashed, revocable.

use crate::auth::{tokens, Caller, Identity};
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::{actor, page_limit, RequestMeta};
use actix_web::{delete, get, post, web, HttpResponse};
use ecops_api_types::{
    ApiTokenCreated, ApiTokenView, CreateApiTokenRequest, Page, PageQuery, Problem, API_SCOPES,
};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::repo::api_tokens::{self, ApiToken};
use uuid::Uuid;

fn view(t: &ApiToken, default_rate: u32) -> ApiTokenView {
    ApiTokenView {
        rate_per_minute: t.rate_per_minute.unwrap_or(default_rate),
        id: t.id,
        name: t.name.clone(),
        user_id: t.user_id,
        scopes: t.scopes.clone(),
        created_by: t.created_by,
        created_at: t.created_at,
        expires_at: t.expires_at,
        last_used_at: t.last_used_at,
        revoked_at: t.revoked_at,
    }
}

fn require_admin(who: &Identity) -> ApiResult<()> {
    who.require(PermissionLevel::Operator, &[JobRole::ItAdmin])?;
    // Tokens are managed by people, never by other tokens.
    if who.session_id().is_none() {
        return Err(ApiError::forbidden(
            "session_required",
            "API tokens are managed from a login session",
        ));
    }
    Ok(())
}

/// Creates a token acting as `user_id` (default: the caller) with the given scopes. The token is
/// in this answer only.
#[utoipa::path(
    tag = "api-tokens",
    security(("bearer" = [])),
    request_body = CreateApiTokenRequest,
    responses(
        (status = 201, description = "Created; keep the token, it is not shown again", body = ApiTokenCreated),
        (status = 422, description = "Unknown scope or user, or expiry in the past", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/api-tokens")]
pub async fn create_api_token(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateApiTokenRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut scopes = Vec::new();
    for (i, s) in body.scopes.iter().enumerate() {
        if !API_SCOPES.contains(&s.as_str()) {
            return Err(ApiError::invalid_field(
                &format!("scopes.{i}"),
                format!("`{s}` is not a scope; known: {}", API_SCOPES.join(", ")),
            ));
        }
        if !scopes.contains(s) {
            scopes.push(s.clone());
        }
    }
    let now = state.clock.now();
    if body.expires_at.is_some_and(|e| e <= now) {
        return Err(ApiError::invalid_field(
            "expires_at",
            "must be in the future",
        ));
    }
    let secret = tokens::new_api_token();
    let hash = tokens::token_hash(&secret);
    let token = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            let token = ApiToken {
                id: Uuid::now_v7(),
                name: body.name.trim().to_owned(),
                user_id: body.user_id.unwrap_or(who.user_id),
                scopes,
                created_by: who.user_id,
                created_at: now,
                expires_at: body.expires_at,
                last_used_at: None,
                revoked_at: None,
                rate_per_minute: body.rate_per_minute,
            };
            let a = actor(&who, &meta);
            ecops_app::api_tokens::create(conn, &a, &token, &hash, now)?;
            Ok(token)
        })
        .await?;
    Ok(HttpResponse::Created().json(ApiTokenCreated {
        token: secret,
        info: view(&token, state.config.token_rate_per_minute),
    }))
}

/// Lists tokens, newest first (never their secrets).
#[utoipa::path(
    tag = "api-tokens",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, description = "One page of tokens", body = Page<ApiTokenView>))
)]
#[get("/api-tokens")]
pub async fn list_api_tokens(
    state: web::Data<AppState>,
    who: Caller,
    query: crate::extract::Query<PageQuery>,
) -> ApiResult<web::Json<Page<ApiTokenView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    let rows = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            Ok(api_tokens::list(conn, before.as_deref(), limit + 1)?)
        })
        .await?;
    let (rows, next_cursor) = state.cursors.paginate(rows, limit, |t| t.id.to_string());
    Ok(web::Json(Page {
        items: rows
            .iter()
            .map(|t| view(t, state.config.token_rate_per_minute))
            .collect(),
        next_cursor,
    }))
}

/// Revokes a token at once.
#[utoipa::path(
    tag = "api-tokens",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Token id")),
    responses(
        (status = 200, description = "Revoked", body = ApiTokenView),
        (status = 404, description = "No such token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already revoked", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/api-tokens/{id}")]
pub async fn revoke_api_token(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ApiTokenView>> {
    let id = id.into_inner();
    let st = state.clone();
    let token = state
        .run_as(who, move |conn, who| {
            require_admin(&who)?;
            let a = actor(&who, &meta);

            let now = st.clock.now();
            Ok(ecops_app::api_tokens::revoke(conn, &a, id, now)?)
        })
        .await?;
    Ok(web::Json(view(&token, state.config.token_rate_per_minute)))
}
