//! `POST /auth/login`, `/auth/refresh`, `/auth/logout`.

use crate::auth::{tokens, CallerAllowingExpiredPassword};
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use ecops_api_types::{LoginRequest, Problem, RefreshRequest, TokenResponse};
use ecops_app::sessions::{LoginContext, NewRefresh};
use ecops_domain::password;
use ecops_persistence::repo::audit::Outcome;
use ecops_persistence::repo::users;
use governor::clock::{Clock as _, DefaultClock};
use std::net::IpAddr;
use uuid::Uuid;

/// The header by which the dashboard asks for its refresh token in a cookie (and proves, on
/// refresh, that the request comes from a script of this origin: a cross-site form cannot set it).
pub const CLIENT_HEADER: &str = "X-Ecops-Client";
/// The dashboard's refresh-token cookie, sent only to the refresh endpoint.
pub const REFRESH_COOKIE: &str = "ecops_refresh";
const REFRESH_PATH: &str = "/api/v1/auth/refresh";

fn from_dashboard(req: &HttpRequest) -> bool {
    req.headers()
        .get(CLIENT_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("dashboard"))
}

/// The refresh cookie: `HttpOnly`, `SameSite=Strict`, scoped to the refresh endpoint, `Secure`
/// when the request came over TLS. An empty value with no lifetime removes it.
fn refresh_cookie(req: &HttpRequest, value: Option<&str>, ttl_days: i64) -> Cookie<'static> {
    let secure = req.connection_info().scheme() == "https";
    let mut c = Cookie::build(REFRESH_COOKIE, value.unwrap_or_default().to_owned())
        .path(REFRESH_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish();
    match value {
        Some(_) => c.set_max_age(actix_web::cookie::time::Duration::days(ttl_days)),
        None => c.make_removal(),
    }
    c
}

/// The answer to a login or a refresh: for the dashboard the refresh token goes into the
/// cookie and out of the body; for everyone else it stays in the body.
fn answer(state: &AppState, req: &HttpRequest, mut pair: TokenResponse) -> HttpResponse {
    if !from_dashboard(req) {
        return HttpResponse::Ok().json(pair);
    }
    let secret = pair.refresh_token.take();
    HttpResponse::Ok()
        .cookie(refresh_cookie(
            req,
            secret.as_deref(),
            state.config.jwt.refresh_ttl_days,
        ))
        .json(pair)
}

/// A new refresh token: the secret for the client, what the database keeps.
fn new_refresh(state: &AppState, now: DateTime<Utc>) -> (String, NewRefresh) {
    let secret = tokens::random_secret();
    let stored = NewRefresh {
        hash: tokens::token_hash(&secret),
        expires_at: now + Duration::days(state.config.jwt.refresh_ttl_days),
    };
    (secret, stored)
}

/// The token pair of a session: a signed access token and the refresh secret.
fn token_pair(
    state: &AppState,
    user: &users::User,
    session_id: Uuid,
    refresh: String,
    now: DateTime<Utc>,
) -> ApiResult<TokenResponse> {
    let jwt = &state.config.jwt;
    Ok(TokenResponse {
        access_token: tokens::issue_access(jwt, user.id, session_id, now)?,
        refresh_token: Some(refresh),
        token_type: "Bearer".to_owned(),
        expires_in: jwt.access_ttl_secs,
        password_expired: password::is_expired(
            user.password_changed_at,
            now,
            &state.config.password_policy,
        ),
    })
}

/// Logs in with username and password.
///
/// Five failures in a row lock the account for 15 minutes; each client address may try a limited
/// number of times per minute. An unknown user, a wrong password and a locked account all get the
/// same answer.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    params(("X-Ecops-Client" = Option<String>, Header, description = "`dashboard`: the refresh token is set as an HttpOnly cookie instead of returned")),
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Invalid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address", body = Problem,
            content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait")))
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    body: ValidJson<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let ip: IpAddr = meta
        .client_addr
        .as_deref()
        .and_then(|a| a.parse().ok())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if let Err(not_until) = state.login_limiter.check_key(&ip) {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        return Err(ApiError::TooManyRequests {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let LoginRequest { username, password } = body.into_inner();
    let now = state.clock.now();
    let (secret, refresh) = new_refresh(&state, now);
    let st = state.clone();
    let (user, session) = state
        .run(move |conn| {
            let template =
                meta.audit_anonymous(None, "", Outcome::Success, serde_json::Value::Null);
            let ctx = LoginContext {
                audit: &template,
                dummy_hash: &st.dummy_hash,
                lockout: &st.config.lockout,
                password_policy: &st.config.password_policy,
                client_addr: meta.client_addr.as_deref(),
            };
            Ok(ecops_app::sessions::login(
                conn, &ctx, &username, &password, &refresh, now,
            )?)
        })
        .await?;
    let pair = token_pair(&state, &user, session, secret, now)?;
    Ok(answer(&state, &req, pair))
}

/// Exchanges a refresh token for a new pair. Each refresh token works once: presenting a used one
/// again revokes the whole session (a stolen token has been replayed).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    params(("X-Ecops-Client" = Option<String>, Header, description = "`dashboard`: the refresh token is read from, and its successor set in, the HttpOnly cookie")),
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "Unknown, expired, used or revoked refresh token", body = Problem,
            content_type = "application/problem+json")
    )
)]
#[post("/auth/refresh")]
pub async fn refresh_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    body: ValidJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    // The cookie counts only with the dashboard's header (CSRF: a cross-site form cannot send it).
    let presented = match body.into_inner().refresh_token {
        Some(t) => t,
        None if from_dashboard(&req) => req
            .cookie(REFRESH_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ApiError::unauthorized("no refresh token: log in again"))?,
        None => {
            return Err(ApiError::invalid_field(
                "refresh_token",
                "is required (or send the dashboard's cookie with X-Ecops-Client: dashboard)",
            ))
        }
    };
    let hash = tokens::token_hash(&presented);
    let now = state.clock.now();
    let (secret, next) = new_refresh(&state, now);
    let (user, session) = state
        .run(move |conn| {
            let template =
                meta.audit_anonymous(None, "", Outcome::Success, serde_json::Value::Null);
            Ok(ecops_app::sessions::refresh(
                conn, &template, &hash, &next, now,
            )?)
        })
        .await?;
    let pair = token_pair(&state, &user, session, secret, now)?;
    Ok(answer(&state, &req, pair))
}

/// Ends the caller's session: its access and refresh tokens stop working.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 422, description = "Called with an API token, which is revoked rather than logged out", body = Problem,
            content_type = "application/problem+json")
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: CallerAllowingExpiredPassword,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    state
        .run_as(who.0, move |conn, who| {
            let Some(session_id) = who.session_id() else {
                return Err(ApiError::unprocessable(
                    "not_a_session",
                    "API tokens are revoked, not logged out",
                ));
            };
            let a = crate::support::actor(&who, &meta);
            Ok(ecops_app::sessions::logout(conn, &a, session_id, now)?)
        })
        .await?;
    Ok(HttpResponse::NoContent()
        .cookie(refresh_cookie(&req, None, 0))
        .finish())
}
