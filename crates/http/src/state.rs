//! Shared application state handed to every handler.

use crate::auth::{Caller, Identity};
use crate::clock::Clock;
use crate::config::HttpConfig;
use crate::error::{ApiError, ApiResult};
use ecops_persistence::{AnyConnection, Database};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

pub struct AppState {
    pub db: Database,
    pub config: HttpConfig,
    pub clock: Arc<dyn Clock>,
    pub login_limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// A hash verified when the user is unknown, so both answers take the same time.
    pub dummy_hash: String,
    /// Signs and checks list cursors.
    pub cursors: crate::support::Cursors,
    /// The backup this node is taking through the API, if any (shown by `GET /backups`).
    pub backup_progress: std::sync::Mutex<Option<ecops_api_types::BackupProgress>>,
    /// Per API token rate limits of this node.
    pub token_limits: Arc<crate::ratelimit::TokenLimits>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

impl AppState {
    pub fn new(db: Database, config: HttpConfig, clock: Arc<dyn Clock>) -> ApiResult<Self> {
        let per_minute =
            NonZeroU32::new(config.login_rate_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let login_limiter = RateLimiter::keyed(Quota::per_minute(per_minute));
        let dummy_hash = crate::auth::passwords::hash("dummy password for timing equality")?;
        let cursors = crate::support::Cursors::new(&config.jwt.secret);
        // Events carry their resource as this API returns it (the outbox renders in the
        // change's own transaction).
        ecops_app::outbox::set_renderer(crate::routes::events::render);
        let token_limits = Arc::new(crate::ratelimit::TokenLimits::new(
            config.token_rate_per_minute,
        ));
        Ok(AppState {
            token_limits,
            cursors,
            db,
            config,
            clock,
            login_limiter,
            dummy_hash,
            backup_progress: std::sync::Mutex::new(None),
        })
    }

    /// Runs blocking database work on the blocking pool with a pooled connection, keeping the
    /// tracing span of the request.
    pub async fn run<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut AnyConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        let span = tracing::Span::current();
        actix_web::web::block(move || {
            let _entered = span.enter();
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await
        .map_err(ApiError::from)?
    }

    /// Resolves the caller and runs `f` with the resolved identity, in one blocking call with
    /// one pooled connection: the session check and the handler's work share the hop.
    pub async fn run_as<T, F>(&self, caller: Caller, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut AnyConnection, Identity) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let now = self.clock.now();
        let policy = self.config.password_policy.clone();
        self.run(move |conn| {
            let who = caller.resolve(conn, now, &policy)?;
            f(conn, who)
        })
        .await
    }

    /// Resolves the caller alone, for handlers whose work spans several blocking calls (an
    /// idempotent creation, an event stream).
    pub async fn identify(&self, caller: Caller) -> ApiResult<Identity> {
        self.run_as(caller, |_, who| Ok(who)).await
    }
}
