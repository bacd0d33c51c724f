pub mod auth;
pub mod requests;
pub mod session;
