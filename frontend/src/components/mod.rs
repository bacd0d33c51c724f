pub mod header;
pub mod nav;
pub mod order_actions;
