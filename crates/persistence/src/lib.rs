//! Storage of ecops on SQLite or PostgreSQL from one code path.
//!
//! The backend is chosen from the database URL ([`db::Database::connect`]); every repository
//! function takes an [`db::AnyConnection`] and opens its own transaction, so SQL lives here and
//! nowhere else.

pub mod archive;
pub mod db;
mod deferred;
pub mod error;
pub mod repo;
pub mod schema;

pub use db::{AnyConnection, Backend, Database, DbConfig};
pub use error::{StoreError, StoreResult};
