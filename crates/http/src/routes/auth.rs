//! `POST /auth/login`, `/auth/refresh`, `/auth/logout`.

use crate::auth::{passwords, tokens, Identity, IdentityAllowingExpiredPassword};
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::support::RequestMeta;
use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use ecops_api_types::{LoginRequest, Problem, RefreshRequest, TokenResponse};
use ecops_domain::password;
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::{sessions, users};
use ecops_persistence::AnyConnection;
use governor::clock::{Clock as _, DefaultClock};
use serde_json::json;
use std::net::IpAddr;
use uuid::Uuid;

/// The one answer for an unknown user, a wrong password, a locked or a deactivated account.
fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized {
        code: "invalid_credentials",
        detail: "invalid username or password, or the account is temporarily locked".to_owned(),
    }
}

/// Starts a session and issues its first token pair.
fn open_session(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &users::User,
    client_addr: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<TokenResponse> {
    let session_id = Uuid::now_v7();
    sessions::create(conn, session_id, user.id, client_addr, now)?;
    token_pair(conn, state, user, session_id, now)
}

fn token_pair(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &users::User,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<TokenResponse> {
    let jwt = &state.config.jwt;
    let refresh = tokens::random_secret();
    sessions::insert_refresh(
        conn,
        &tokens::token_hash(&refresh),
        session_id,
        now,
        now + Duration::days(jwt.refresh_ttl_days),
    )?;
    Ok(TokenResponse {
        access_token: tokens::issue_access(jwt, user.id, session_id, now)?,
        refresh_token: refresh,
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
    meta: RequestMeta,
    body: ValidJson<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
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
    let st = state.clone();
    state
        .run(move |conn| {
            let now = st.clock.now();
            let addr = meta.client_addr.clone();
            let user = users::find_by_username(conn, &username)?;
            let Some(user) = user else {
                // Same work as for a known user, so the answer takes the same time.
                let _ = passwords::verify(&password, &st.dummy_hash);
                audit::append(
                    conn,
                    &meta.audit_anonymous(
                        Some(&username),
                        "auth.login",
                        Outcome::Failure,
                        json!({"reason": "unknown_user"}),
                    ),
                    now,
                )?;
                return Err(invalid_credentials());
            };
            let matches = passwords::verify(&password, &user.password_hash);
            let locked = password::is_locked(user.locked_until, now);
            let fail = |conn: &mut AnyConnection, reason: &str| -> ApiResult<ApiError> {
                write_tx(conn, |conn| -> ApiResult<()> {
                    let mut entry = meta.audit_anonymous(
                        Some(&user.username),
                        "auth.login",
                        Outcome::Failure,
                        json!({"reason": reason}),
                    );
                    entry.actor_id = Some(user.id);
                    audit::append(conn, &entry, now)?;
                    if reason == "wrong_password" {
                        let (failures, lock) =
                            password::register_failure(user.failed_logins, now, &st.config.lockout);
                        users::record_login_failure(conn, user.id, failures, lock)?;
                        if let Some(until) = lock {
                            let mut e = meta.audit_anonymous(
                                Some(&user.username),
                                "auth.account_locked",
                                Outcome::Success,
                                json!({"until": until}),
                            );
                            e.actor_id = Some(user.id);
                            e.subject_type = Some("user".into());
                            e.subject_id = Some(user.id.to_string());
                            audit::append(conn, &e, now)?;
                        }
                    }
                    Ok(())
                })?;
                Ok(invalid_credentials())
            };
            if !user.is_active() {
                return Err(fail(conn, "deactivated")?);
            }
            if locked {
                return Err(fail(conn, "locked")?);
            }
            if !matches {
                return Err(fail(conn, "wrong_password")?);
            }
            write_tx(conn, |conn| {
                users::record_login_success(conn, user.id)?;
                let pair = open_session(conn, &st, &user, addr.as_deref(), now)?;
                let mut entry = meta.audit_anonymous(
                    Some(&user.username),
                    "auth.login",
                    Outcome::Success,
                    json!({"password_expired": pair.password_expired}),
                );
                entry.actor_id = Some(user.id);
                audit::append(conn, &entry, now)?;
                Ok(web::Json(pair))
            })
        })
        .await
}

/// Exchanges a refresh token for a new pair. Each refresh token works once: presenting a used one
/// again revokes the whole session (a stolen token has been replayed).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "Unknown, expired, used or revoked refresh token", body = Problem,
            content_type = "application/problem+json")
    )
)]
#[post("/auth/refresh")]
pub async fn refresh_token(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: ValidJson<RefreshRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let hash = tokens::token_hash(&body.into_inner().refresh_token);
    let st = state.clone();
    let outcome = state
        .run(move |conn| {
            let now = st.clock.now();
            write_tx(conn, |conn| -> ApiResult<Result<TokenResponse, ApiError>> {
                let bad = || ApiError::unauthorized("the refresh token is invalid, expired or revoked");
                let Some(stored) = sessions::find_refresh(conn, &hash)? else { return Ok(Err(bad())) };
                let session = &stored.session;
                if session.revoked_at.is_some() || stored.expires_at <= now {
                    return Ok(Err(bad()));
                }
                let user = users::get(conn, session.user_id)?;
                if !user.is_active() {
                    return Ok(Err(bad()));
                }
                if stored.used_at.is_some() || !sessions::consume_refresh(conn, &hash, now)? {
                    // Reuse: revoke the family, and keep that revocation even though we refuse.
                    sessions::revoke(conn, session.id, "refresh_token_reuse", now)?;
                    let mut e = meta.audit_anonymous(Some(&user.username), "auth.refresh_reuse", Outcome::Refused, json!({"session_id": session.id}));
                    e.actor_id = Some(user.id);
                    audit::append(conn, &e, now)?;
                    return Ok(Err(ApiError::unauthorized(
                        "this refresh token was already used: the session has been revoked; log in again",
                    )));
                }
                Ok(Ok(token_pair(conn, &st, &user, session.id, now)?))
            })
        })
        .await?;
    outcome.map(web::Json)
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
    meta: RequestMeta,
    who: IdentityAllowingExpiredPassword,
) -> ApiResult<HttpResponse> {
    let who: Identity = who.0;
    let Some(session_id) = who.session_id() else {
        return Err(ApiError::unprocessable(
            "not_a_session",
            "API tokens are revoked, not logged out",
        ));
    };
    let st = state.clone();
    state
        .run(move |conn| {
            let now = st.clock.now();
            write_tx(conn, |conn| -> ApiResult<()> {
                sessions::revoke(conn, session_id, "logout", now)?;
                audit::append(
                    conn,
                    &meta.audit(&who, "auth.logout", None, Outcome::Success, json!({})),
                    now,
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
