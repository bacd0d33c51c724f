pub mod approvals;
pub mod auth;
pub mod customers;
pub mod orders;
pub mod products;
pub mod requests;
pub mod session;
pub mod stream;
