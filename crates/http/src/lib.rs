//! The HTTP layer of ecops: handlers, authentication, the error contract and the OpenAPI document.

pub mod admission;
pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod openapi;
pub mod ratelimit;
pub mod routes;
pub mod state;
pub mod support;
pub mod wire;

pub use app::serve;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{HttpConfig, JwtSettings, OrderSettings, UploadLimits};
pub use error::{ApiError, ApiResult};
pub use state::AppState;
