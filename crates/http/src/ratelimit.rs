//! Per API token rate limits: each token may make its own number of requests a minute (the
//! server's default otherwise), as a GCRA bucket of that size refilled evenly over the minute
//! (`governor`). Beyond it the API answers 429 with `Retry-After`; every answer to a token
//! carries the `RateLimit-Policy` and `RateLimit` headers (IETF httpapi draft), so an integrator
//! can pace itself before being refused.

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, OnceLock};
use uuid::Uuid;

type Bucket = RateLimiter<NotKeyed, InMemoryState, DefaultClock, StateInformationMiddleware>;

/// The buckets of this node, one per token that made a request.
#[derive(Debug)]
pub struct TokenLimits {
    default_per_minute: u32,
    buckets: Mutex<HashMap<Uuid, (u32, Arc<Bucket>)>>,
}

/// How a request of a token stood against its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the bucket is full again (or, when refused, until the next request is let
    /// through).
    pub reset_secs: u64,
    pub refused: bool,
}

/// Filled when the request's token is checked; read when its answer goes out.
pub type Slot = Arc<OnceLock<Standing>>;

impl TokenLimits {
    pub fn new(default_per_minute: u32) -> TokenLimits {
        TokenLimits {
            default_per_minute: default_per_minute.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request of `token`, whose own limit is `per_minute` (`None`: the default).
    pub fn check(&self, token: Uuid, per_minute: Option<u32>) -> Standing {
        let limit = per_minute.unwrap_or(self.default_per_minute).max(1);
        let bucket = {
            let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            let entry = buckets.entry(token).or_insert_with(|| (0, bucket(limit)));
            // A changed limit starts a fresh bucket.
            if entry.0 != limit {
                *entry = (limit, bucket(limit));
            }
            entry.1.clone()
        };
        let per_request_ms = 60_000 / u64::from(limit);
        match bucket.check() {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Standing {
                    limit,
                    remaining,
                    reset_secs: (u64::from(limit - remaining.min(limit)) * per_request_ms)
                        .div_ceil(1000),
                    refused: false,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Standing {
                    limit,
                    remaining: 0,
                    reset_secs: wait.as_millis().div_ceil(1000).max(1) as u64,
                    refused: true,
                }
            }
        }
    }
}

fn bucket(limit: u32) -> Arc<Bucket> {
    Arc::new(
        RateLimiter::direct(Quota::per_minute(
            NonZeroU32::new(limit).unwrap_or(NonZeroU32::MIN),
        ))
        .with_middleware::<StateInformationMiddleware>(),
    )
}

/// Writes the standing into an answer's headers.
pub fn annotate(headers: &mut HeaderMap, s: &Standing) {
    let policy = format!("\"token\";q={};w=60", s.limit);
    let now = format!("\"token\";r={};t={}", s.remaining, s.reset_secs);
    if let Ok(v) = HeaderValue::from_str(&policy) {
        headers.insert(HeaderName::from_static("ratelimit-policy"), v);
    }
    if let Ok(v) = HeaderValue::from_str(&now) {
        headers.insert(HeaderName::from_static("ratelimit"), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_gets_its_own_limit_and_then_waits() {
        let limits = TokenLimits::new(600);
        let t = Uuid::now_v7();
        let first = limits.check(t, Some(3));
        assert_eq!((first.limit, first.remaining, first.refused), (3, 2, false));
        assert!(!limits.check(t, Some(3)).refused);
        assert!(!limits.check(t, Some(3)).refused);
        let fourth = limits.check(t, Some(3));
        assert!(fourth.refused);
        assert!((1..=20).contains(&fourth.reset_secs), "{fourth:?}");
        // Another token is not affected; the default applies without a limit of its own.
        let other = limits.check(Uuid::now_v7(), None);
        assert_eq!((other.limit, other.refused), (600, false));
    }
}
