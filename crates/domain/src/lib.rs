//! The department's rules as plain types and functions.
//!
//! Nothing here touches a database, the network or the clock: callers pass the current time and
//! the policy in force, so every rule can be tested exhaustively and fast.

pub mod access;
pub mod aftersales;
pub mod approval;
pub mod attendance;
pub mod content;
pub mod delegation;
pub mod duty;
pub mod evaluation;
pub mod leave;
pub mod lending;
pub mod order;
pub mod org;
pub mod password;
pub mod product;
pub mod quality;
pub mod report;
pub mod revision;
pub mod vault;
pub mod webhook;
pub mod workdays;

pub use access::{JobRole, PermissionLevel, StaffLevel};
