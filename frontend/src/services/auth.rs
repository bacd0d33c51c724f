//! Login, the caller's account and logout: one function per endpoint.

use super::requests::{keep, refresh, request, request_dashboard, ApiFailure};
use super::session;
use ecops_api_types::{ChangePasswordRequest, LoginRequest, TokenResponse, UserView};
use gloo_net::http::Method;

/// Logs in, keeps the tokens, and returns the account and whether its password has expired.
pub async fn login(username: &str, password: &str) -> Result<(UserView, bool), ApiFailure> {
    let body = LoginRequest {
        username: username.to_owned(),
        password: password.to_owned(),
    };
    let t: TokenResponse =
        request_dashboard(Method::POST, "/api/v1/auth/login", Some(&body)).await?;
    let expired = t.password_expired;
    keep(t);
    let me = self::me().await?;
    Ok((me, expired))
}

pub async fn me() -> Result<UserView, ApiFailure> {
    request::<(), UserView>(Method::GET, "/api/v1/me", None).await
}

/// After a reload: trades the refresh cookie for an access token and reads the account.
pub async fn resume() -> Option<UserView> {
    if !refresh().await {
        return None;
    }
    self::me().await.ok()
}

/// Ends the session on the server (best effort) and forgets the tokens.
pub async fn logout() {
    let _ = request::<(), serde_json::Value>(Method::POST, "/api/v1/auth/logout", None).await;
    session::clear();
}

/// Changes the password (R-ACL-5); every session ends with it, so log in again afterwards.
pub async fn change_password(current: &str, new: &str) -> Result<(), ApiFailure> {
    let body = ChangePasswordRequest {
        current_password: current.to_owned(),
        new_password: new.to_owned(),
    };
    request::<_, serde_json::Value>(Method::POST, "/api/v1/me/password", Some(&body)).await?;
    session::clear();
    Ok(())
}
