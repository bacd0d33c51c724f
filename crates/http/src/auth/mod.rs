//! Authentication: password hashing, tokens, and the caller's identity.

pub mod identity;
pub mod tokens;

pub use ecops_app::passwords;
pub use identity::{Caller, CallerAllowingExpiredPassword, Identity};
