//! Login, the caller's account and logout: one function per endpoint.

use super::requests::{request, request_anonymous, ApiFailure};
use super::session::{self, Tokens};
use ecops_api_types::{LoginRequest, TokenResponse, UserView};
use gloo_net::http::Method;

/// Logs in, keeps the tokens, and returns the account and whether its password has expired.
pub async fn login(username: &str, password: &str) -> Result<(UserView, bool), ApiFailure> {
    let body = LoginRequest {
        username: username.to_owned(),
        password: password.to_owned(),
    };
    let t: TokenResponse =
        request_anonymous(Method::POST, "/api/v1/auth/login", Some(&body)).await?;
    session::store(&Tokens {
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        password_expired: t.password_expired,
    });
    let me = self::me().await?;
    Ok((me, t.password_expired))
}

pub async fn me() -> Result<UserView, ApiFailure> {
    request::<(), UserView>(Method::GET, "/api/v1/me", None).await
}

/// Ends the session on the server (best effort) and forgets the tokens.
pub async fn logout() {
    let _ = request::<(), serde_json::Value>(Method::POST, "/api/v1/auth/logout", None).await;
    session::clear();
}
