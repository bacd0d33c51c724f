//! The staff directory the screens need to name people (owners, deciders).

use super::requests::{request, ApiFailure};
use ecops_api_types::{Page, UserView};
use gloo_net::http::Method;

/// Active staff, optionally only those holding `role`.
pub async fn active(role: Option<&str>) -> Result<Vec<UserView>, ApiFailure> {
    let filter = role.map(|r| format!("&role={r}")).unwrap_or_default();
    request::<(), Page<UserView>>(
        Method::GET,
        &format!("/api/v1/users?active=true&limit=200{filter}"),
        None,
    )
    .await
    .map(|p| p.items)
}
