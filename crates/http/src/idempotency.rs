//! `Idempotency-Key`: a retried creation returns the first answer; the same key with another body
//! is a 422; a duplicate sent while the first is still running waits for it and gets its answer.

use crate::auth::{Caller, Identity};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::Duration;
use ecops_persistence::repo::idempotency::{self, Claim};
use ecops_persistence::AnyConnection;
use serde::Serialize;
use sha2::{Digest, Sha256};

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

/// What one pass over the idempotency record came to.
enum Step<F> {
    /// `op` ran now; its answer.
    Ran(String),
    /// A retry: the stored answer of the first run.
    Replayed { status: u16, body: String },
    /// The first run is still going: wait and look again.
    Wait(F),
}

/// Resolves the caller and runs `op` at most once per caller and key, replaying its answer to
/// retries. The session check, the claim of the key, the operation and the stored answer happen
/// in one blocking call (each in its own transaction: the claim commits first, so a concurrent
/// duplicate sees it).
pub async fn run_once<F, T>(
    state: &AppState,
    caller: Caller,
    key: Option<String>,
    fingerprint: String,
    status: StatusCode,
    op: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut AnyConnection, &Identity) -> ApiResult<T> + Send + 'static,
    T: Serialize,
{
    let ttl = Duration::hours(state.config.idempotency_ttl_hours);
    let started = std::time::Instant::now();
    let mut op = Some(op);
    loop {
        let now = state.clock.now();
        let f = op
            .take()
            .ok_or_else(|| ApiError::internal("idempotent operation already taken"))?;
        let (k, fp) = (key.clone(), fingerprint.clone());
        let code = status.as_u16();
        let step = state
            .run_as(caller.clone(), move |conn, who| {
                let Some(key) = k else {
                    let value = f(conn, &who)?;
                    return Ok(Step::Ran(
                        serde_json::to_string(&value).map_err(ApiError::internal)?,
                    ));
                };
                let scope = who.idempotency_scope();
                match idempotency::claim(conn, &scope, &key, &fp, now, now - ttl)? {
                    Claim::Acquired => match f(conn, &who) {
                        Ok(value) => {
                            let body = serde_json::to_string(&value).map_err(ApiError::internal)?;
                            idempotency::complete(conn, &scope, &key, code, &body)?;
                            Ok(Step::Ran(body))
                        }
                        Err(err) => {
                            // A refused request changed nothing: the key is freed so a corrected
                            // retry can run.
                            idempotency::release(conn, &scope, &key)?;
                            Err(err)
                        }
                    },
                    Claim::Done { status, body } => Ok(Step::Replayed { status, body }),
                    Claim::Mismatch => Err(ApiError::unprocessable(
                        "idempotency_key_reused",
                        "this Idempotency-Key was used with a different request; use a new key",
                    )),
                    Claim::InProgress => Ok(Step::Wait(f)),
                }
            })
            .await?;
        match step {
            Step::Ran(body) => {
                return Ok(HttpResponse::build(status)
                    .content_type("application/json")
                    .body(body))
            }
            Step::Replayed { status, body } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                return Ok(HttpResponse::build(status)
                    .content_type("application/json")
                    .insert_header(("Idempotent-Replayed", "true"))
                    .body(body));
            }
            Step::Wait(f) if started.elapsed() < MAX_WAIT => {
                op = Some(f);
                tokio::time::sleep(WAIT_STEP).await;
            }
            Step::Wait(_) => {
                return Err(ApiError::conflict(
                    "idempotency_in_progress",
                    "a request with this Idempotency-Key is still being processed",
                ))
            }
        }
    }
}
