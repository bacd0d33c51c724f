pub mod header;
pub mod nav;
