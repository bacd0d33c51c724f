//! Who is calling: resolved once per request from the bearer token, then handed to handlers.

use super::tokens::{self, API_TOKEN_PREFIX};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use chrono::Duration;
use chrono::{DateTime, Utc};
use ecops_domain::access::{authorize, AccessDenied};
use ecops_domain::lending::Lent;
use ecops_domain::password::PasswordPolicy;
use ecops_domain::{password, JobRole, PermissionLevel};
use ecops_persistence::repo::{api_tokens, users};
use ecops_persistence::AnyConnection;
use std::future::{ready, Ready};
use std::sync::Arc;
use uuid::Uuid;

/// How the caller authenticated.
#[derive(Debug, Clone)]
pub enum Credential {
    /// An interactive login session.
    Session { session_id: Uuid },
    /// An integration's API token with its scopes.
    ApiToken { token_id: Uuid, scopes: Vec<String> },
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user_id: Uuid,
    pub username: String,
    pub roles: Vec<JobRole>,
    pub level: PermissionLevel,
    pub credential: Credential,
    pub client_addr: Option<String>,
    pub password_expired: bool,
    /// R-ACC-1: roles lent to a login session's user by the delegations active now.
    pub lent: Vec<Lent>,
    /// The lending a check of this request relied on (copied into the request's `Actor`, so that
    /// what it writes names the lender).
    pub relied_on: std::sync::OnceLock<Lent>,
}

impl Identity {
    /// R-ACL-1/2: requires at least `need`, and one of `roles` when any are named; roles lent by
    /// an active delegation count (R-ACC-1).
    pub fn require(&self, need: PermissionLevel, roles: &[JobRole]) -> ApiResult<()> {
        if ecops_domain::lending::judge(self.level, &self.roles, &self.lent, need, roles).is_some()
        {
            return Ok(());
        }
        authorize(self.level, &self.roles, need, roles).map_err(|e| match e {
            AccessDenied::Level { .. } => ApiError::forbidden("insufficient_level", e.to_string()),
            AccessDenied::Role(_) => ApiError::forbidden("missing_role", e.to_string()),
        })
    }

    /// For API tokens: requires the scope. Interactive sessions are judged by roles alone.
    pub fn require_scope(&self, scope: &str) -> ApiResult<()> {
        match &self.credential {
            Credential::Session { .. } => Ok(()),
            Credential::ApiToken { scopes, .. } if scopes.iter().any(|s| s == scope) => Ok(()),
            Credential::ApiToken { .. } => Err(ApiError::forbidden(
                "missing_scope",
                format!("this API token lacks the scope `{scope}`"),
            )),
        }
    }

    pub fn has_role(&self, role: JobRole) -> bool {
        self.roles.contains(&role) || self.lent.iter().any(|l| l.roles.contains(&role))
    }

    /// The roles held in one's own right and those lent now (R-ACC-1): what the approvals inbox
    /// offers.
    pub fn acting_roles(&self) -> Vec<JobRole> {
        self.acting_roles_except(&[])
    }

    /// [`Self::acting_roles`] without those lent by `lenders`: what may decide a request that is
    /// for one of them.
    pub fn acting_roles_except(&self, lenders: &[Uuid]) -> Vec<JobRole> {
        let mut roles = self.roles.clone();
        for l in self.lent.iter().filter(|l| !lenders.contains(&l.delegator)) {
            roles.extend(l.roles.iter().copied().filter(|r| !self.roles.contains(r)));
        }
        roles.sort();
        roles.dedup();
        roles
    }

    pub fn session_id(&self) -> Option<Uuid> {
        match self.credential {
            Credential::Session { session_id } => Some(session_id),
            Credential::ApiToken { .. } => None,
        }
    }

    /// The key that scopes this caller's idempotency keys.
    pub fn idempotency_scope(&self) -> String {
        match &self.credential {
            Credential::Session { .. } => format!("user:{}", self.user_id),
            Credential::ApiToken { token_id, .. } => format!("token:{token_id}"),
        }
    }
}

/// The client address: the peer, or the first `X-Forwarded-For` hop behind a trusted proxy.
pub fn client_addr(req: &HttpRequest, trust_proxy: bool) -> Option<String> {
    if trust_proxy {
        if let Some(ip) = req.connection_info().realip_remote_addr() {
            return Some(ip.to_owned());
        }
    }
    req.peer_addr().map(|a| a.ip().to_string())
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// What the bearer token says, checked for form, signature and expiry but not yet against the
/// database.
#[derive(Debug, Clone)]
enum Bearer {
    Session {
        user_id: Uuid,
        session_id: Uuid,
    },
    ApiToken {
        hash: String,
        /// The node's buckets, and where this request's standing goes for its answer's headers.
        limits: Arc<crate::ratelimit::TokenLimits>,
        standing: crate::ratelimit::Slot,
    },
}

/// The caller as the request presents itself: a verified credential, not yet resolved against
/// the database. Handlers resolve it in the same blocking call as their own work
/// ([`AppState::run_as`]), so an authenticated request hops to the blocking pool once, and a
/// revoked session, a deactivated account or changed roles take effect on the very next request.
#[derive(Debug, Clone)]
pub struct Caller {
    bearer: Bearer,
    client_addr: Option<String>,
    /// R-ACL-5: admits a caller whose password has expired (own account, password change).
    allow_expired_password: bool,
}

impl Caller {
    /// Resolves the caller against the database: the session (or API token) must still be
    /// live and the account active.
    pub fn resolve(
        &self,
        conn: &mut AnyConnection,
        now: DateTime<Utc>,
        policy: &PasswordPolicy,
    ) -> ApiResult<Identity> {
        let who = match &self.bearer {
            Bearer::ApiToken {
                hash,
                limits,
                standing,
            } => {
                let t = api_tokens::find_by_hash(conn, hash)?
                    .filter(|t| t.is_usable(now))
                    .ok_or_else(|| {
                        ApiError::unauthorized("the API token is unknown, revoked or expired")
                    })?;
                // Counted once per request, however often the handler resolves its caller.
                let st = *standing.get_or_init(|| limits.check(t.id, t.rate_per_minute));
                if st.refused {
                    return Err(ApiError::TooManyRequests {
                        retry_after_secs: st.reset_secs,
                    });
                }
                let user = users::find(conn, t.user_id)?
                    .filter(|u| u.is_active())
                    .ok_or_else(|| ApiError::unauthorized("the token's account is deactivated"))?;
                if t.last_used_at
                    .is_none_or(|at| now - at > Duration::seconds(60))
                {
                    api_tokens::touch(conn, t.id, now)?;
                }
                Identity {
                    user_id: user.id,
                    username: user.username,
                    roles: user.roles,
                    level: user.permission_level,
                    credential: Credential::ApiToken {
                        token_id: t.id,
                        scopes: t.scopes,
                    },
                    client_addr: self.client_addr.clone(),
                    // Service accounts authenticate by token, not by password.
                    password_expired: false,
                    // Lent roles are a person's, in their login session; never an integration's.
                    lent: Vec::new(),
                    relied_on: std::sync::OnceLock::new(),
                }
            }
            Bearer::Session {
                user_id,
                session_id,
            } => {
                let user = users::by_live_session(conn, *session_id, *user_id)?
                    .ok_or_else(|| ApiError::unauthorized("the session has ended; log in again"))?;
                if !user.is_active() {
                    return Err(ApiError::unauthorized("the account is deactivated"));
                }
                let lent = ecops_app::delegations::lent_to(conn, user.id, now)?;
                Identity {
                    user_id: user.id,
                    username: user.username,
                    roles: user.roles,
                    level: user.permission_level,
                    credential: Credential::Session {
                        session_id: *session_id,
                    },
                    client_addr: self.client_addr.clone(),
                    password_expired: password::is_expired(user.password_changed_at, now, policy),
                    lent,
                    relied_on: std::sync::OnceLock::new(),
                }
            }
        };
        if who.password_expired && !self.allow_expired_password {
            return Err(ApiError::forbidden(
                "password_expired",
                "your password has expired: change it with POST /api/v1/me/password",
            ));
        }
        Ok(who)
    }
}

fn caller_of(req: &HttpRequest) -> ApiResult<Caller> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let token = bearer(req)
        .ok_or_else(|| ApiError::unauthorized("send `Authorization: Bearer <token>`"))?;
    let client_addr = client_addr(req, state.config.trust_proxy_headers);
    if token.starts_with(API_TOKEN_PREFIX) {
        let standing = crate::ratelimit::Slot::default();
        actix_web::HttpMessage::extensions_mut(req).insert(standing.clone());
        return Ok(Caller {
            bearer: Bearer::ApiToken {
                hash: tokens::token_hash(&token),
                limits: state.token_limits.clone(),
                standing,
            },
            client_addr,
            allow_expired_password: false,
        });
    }
    let claims = tokens::verify_access(&state.config.jwt, &token, state.clock.now())
        .map_err(|e| ApiError::unauthorized(format!("invalid access token: {e}")))?;
    let user_id =
        Uuid::parse_str(&claims.sub).map_err(|_| ApiError::unauthorized("invalid access token"))?;
    let session_id =
        Uuid::parse_str(&claims.sid).map_err(|_| ApiError::unauthorized("invalid access token"))?;
    Ok(Caller {
        bearer: Bearer::Session {
            user_id,
            session_id,
        },
        client_addr,
        allow_expired_password: false,
    })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller_of(req))
    }
}

/// Like [`Caller`], but also admits a caller whose password has expired (R-ACL-5: such a
/// caller may only read their own account and change the password).
#[derive(Debug, Clone)]
pub struct CallerAllowingExpiredPassword(pub Caller);

impl FromRequest for CallerAllowingExpiredPassword {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller_of(req).map(|mut c| {
            c.allow_expired_password = true;
            CallerAllowingExpiredPassword(c)
        }))
    }
}
