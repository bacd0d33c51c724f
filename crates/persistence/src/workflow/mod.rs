//! Transactional use cases that span several repositories: the approvals engine and the effects
//! of approved requests. Each function runs in one write transaction.

pub mod approvals;
pub mod bootstrap;
pub mod effects;
pub mod exports;
pub mod orders;
