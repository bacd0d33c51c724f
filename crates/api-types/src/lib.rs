//! Wire types of the ecops API.
//!
//! Compiled for the server (with the `openapi` feature, which adds the schemas) and for the Yew
//! dashboard (without it), so both sides share one definition of every request and response.

pub mod approvals;
pub mod attendance;
pub mod auth;
pub mod common;
pub mod content;
pub mod delegations;
pub mod duty;
pub mod evaluations;
pub mod events;
pub mod orders;
pub mod products;
pub mod quality;
pub mod reports;
pub mod revisions;
pub mod users;
pub mod vault;
pub mod webhooks;

pub use approvals::*;
pub use attendance::*;
pub use auth::*;
pub use common::*;
pub use content::*;
pub use delegations::*;
pub use duty::*;
pub use evaluations::*;
pub use events::*;
pub use orders::*;
pub use products::*;
pub use quality::*;
pub use reports::*;
pub use revisions::*;
pub use users::*;
pub use vault::*;
pub use webhooks::*;
