//! `Idempotency-Key`: a retried creation returns the first answer; the same key with another body
//! is a 422; a duplicate sent while the first is still running waits for it and gets its answer.

use crate::auth::Identity;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::Duration;
use ecops_persistence::repo::idempotency::{self, Claim};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::future::Future;

pub const HEADER: &str = "Idempotency-Key";
const WAIT_STEP: std::time::Duration = std::time::Duration::from_millis(25);
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Reads and checks the header (1-255 visible ASCII characters).
pub fn key_of(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(v) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = v
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.chars().all(|c| c.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::bad_field(
                "invalid_idempotency_key",
                HEADER,
                "must be 1-255 visible ASCII characters",
            )
        })?;
    Ok(Some(key.to_owned()))
}

/// Fingerprint of a request: method, path and the parsed body.
pub fn fingerprint<B: Serialize>(req: &HttpRequest, body: &B) -> String {
    let mut h = Sha256::new();
    h.update(req.method().as_str());
    h.update(b" ");
    h.update(req.path());
    h.update(b"\n");
    h.update(serde_json::to_vec(body).unwrap_or_default());
    hex::encode(h.finalize())
}

/// Runs `op` at most once per caller and key; replays its answer to retries.
pub async fn run_once<F, Fut, T>(
    state: &AppState,
    who: &Identity,
    key: Option<String>,
    fingerprint: String,
    status: StatusCode,
    op: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ApiResult<T>>,
    T: Serialize,
{
    let Some(key) = key else {
        let value = op().await?;
        return Ok(HttpResponse::build(status).json(value));
    };
    let scope = who.idempotency_scope();
    let ttl = Duration::hours(state.config.idempotency_ttl_hours);
    let started = std::time::Instant::now();
    loop {
        let now = state.clock.now();
        let (s, k, f) = (scope.clone(), key.clone(), fingerprint.clone());
        let claim = state
            .run(move |conn| Ok(idempotency::claim(conn, &s, &k, &f, now, now - ttl)?))
            .await?;
        match claim {
            Claim::Acquired => break,
            Claim::Done { status, body } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                return Ok(HttpResponse::build(status)
                    .content_type("application/json")
                    .insert_header(("Idempotent-Replayed", "true"))
                    .body(body));
            }
            Claim::Mismatch => {
                return Err(ApiError::unprocessable(
                    "idempotency_key_reused",
                    "this Idempotency-Key was used with a different request; use a new key",
                ))
            }
            Claim::InProgress if started.elapsed() < MAX_WAIT => {
                tokio::time::sleep(WAIT_STEP).await
            }
            Claim::InProgress => {
                return Err(ApiError::conflict(
                    "idempotency_in_progress",
                    "a request with this Idempotency-Key is still being processed",
                ))
            }
        }
    }
    match op().await {
        Ok(value) => {
            let body = serde_json::to_string(&value).map_err(ApiError::internal)?;
            let (s, k, b) = (scope, key, body.clone());
            state
                .run(move |conn| Ok(idempotency::complete(conn, &s, &k, status.as_u16(), &b)?))
                .await?;
            Ok(HttpResponse::build(status)
                .content_type("application/json")
                .body(body))
        }
        Err(err) => {
            // A refused request changed nothing: the key is freed so a corrected retry can run.
            let (s, k) = (scope, key);
            state
                .run(move |conn| Ok(idempotency::release(conn, &s, &k)?))
                .await?;
            Err(err)
        }
    }
}
