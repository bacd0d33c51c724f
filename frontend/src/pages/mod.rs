pub mod approvals;
pub mod home;
pub mod login;
pub mod not_found;
pub mod order;
pub mod order_new;
pub mod orders;
pub mod password;
