//! One generic request helper over the API: JSON in and out, the bearer token attached, an
//! expired access token refreshed once, problem documents turned into [`ApiFailure`].

use super::session::{self, Tokens};
use ecops_api_types::{Problem, RefreshRequest, TokenResponse};
use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A failed call: the problem document when the server sent one.
#[derive(Debug, Clone)]
pub struct ApiFailure {
    pub status: u16,
    pub problem: Option<Problem>,
    pub transport: Option<String>,
}

impl ApiFailure {
    pub fn message(&self) -> String {
        match (&self.problem, &self.transport) {
            (Some(p), _) => p.detail.clone(),
            (None, Some(t)) => format!("The server could not be reached: {t}"),
            (None, None) => format!("Unexpected answer ({})", self.status),
        }
    }
}

async fn send<B: Serialize>(
    method: Method,
    path: &str,
    body: Option<&B>,
    token: Option<&str>,
) -> Result<gloo_net::http::Response, ApiFailure> {
    let mut rb = RequestBuilder::new(path).method(method);
    if let Some(t) = token {
        rb = rb.header("Authorization", &format!("Bearer {t}"));
    }
    let transport = |e: gloo_net::Error| ApiFailure {
        status: 0,
        problem: None,
        transport: Some(e.to_string()),
    };
    let req = match body {
        Some(b) => rb.json(b).map_err(transport)?,
        None => rb.build().map_err(transport)?,
    };
    req.send().await.map_err(transport)
}

async fn decode<T: DeserializeOwned>(resp: gloo_net::http::Response) -> Result<T, ApiFailure> {
    let status = resp.status();
    if (200..300).contains(&status) {
        let text = resp.text().await.unwrap_or_default();
        let text = if text.is_empty() {
            "null".to_owned()
        } else {
            text
        };
        serde_json::from_str(&text).map_err(|e| ApiFailure {
            status,
            problem: None,
            transport: Some(e.to_string()),
        })
    } else {
        let problem = resp.json::<Problem>().await.ok();
        Err(ApiFailure {
            status,
            problem,
            transport: None,
        })
    }
}

/// Trades the refresh token for a new pair; false when the session is over.
pub async fn refresh() -> bool {
    let Some(tokens) = session::load() else {
        return false;
    };
    let body = RefreshRequest {
        refresh_token: tokens.refresh_token,
    };
    match send(Method::POST, "/api/v1/auth/refresh", Some(&body), None).await {
        Ok(resp) => match decode::<TokenResponse>(resp).await {
            Ok(t) => {
                session::store(&Tokens {
                    access_token: t.access_token,
                    refresh_token: t.refresh_token,
                    password_expired: t.password_expired,
                });
                true
            }
            Err(_) => false,
        },
        Err(_) => false,
    }
}

/// Calls the API as the logged-in user.
pub async fn request<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiFailure> {
    let token = session::load().map(|t| t.access_token);
    let resp = send(method.clone(), path, body, token.as_deref()).await?;
    if resp.status() == 401 && token.is_some() && refresh().await {
        let token = session::load().map(|t| t.access_token);
        return decode(send(method, path, body, token.as_deref()).await?).await;
    }
    decode(resp).await
}

/// Calls the API without credentials.
pub async fn request_anonymous<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiFailure> {
    decode(send(method, path, body, None).await?).await
}
