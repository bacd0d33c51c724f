//! Authentication: password hashing, tokens, and the caller's identity.

pub mod identity;
pub mod passwords;
pub mod tokens;

pub use identity::{Identity, IdentityAllowingExpiredPassword};
