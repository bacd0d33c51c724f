pub mod case_form;
pub mod field_error;
pub mod forms;
pub mod header;
pub mod nav;
pub mod order_actions;
pub mod paged;
pub mod toast;
