pub mod field_error;
pub mod header;
pub mod nav;
pub mod order_actions;
