//! The use-case layer: one function per thing a person or a system does (`leave::request`,
//! `orders::create`, `approvals::decide` …). Each takes the acting identity, the instant and a
//! typed input; checks who may do it; applies the rules of `ecops-domain`; and writes in **one**
//! transaction together with its audit entry. It knows no HTTP: the API handlers, the CLI, the
//! scheduler and the imports call the same functions and get the same rules.
//!
//! Check-then-write rules (no overlap, enough stock, one decision) hold on PostgreSQL's READ
//! COMMITTED too: each takes a row lock, an advisory lock keyed by its subject
//! ([`ecops_persistence::db::lock_subject`]) or leans on a unique constraint; see
//! `docs/ARCHITECTURE.md`.

pub mod accounts;
pub mod aftersales;
pub mod api_tokens;
pub mod approvals;
pub mod attendance;
pub mod attendance_month;
pub mod audit_log;
pub mod backups;
pub mod bootstrap;
pub mod content;
pub mod customers;
pub mod delegations;
pub mod departures;
pub mod duty;
pub mod effects;
pub mod error;
pub mod evaluations;
pub mod exports;
pub mod figures;
pub mod leave;
pub mod meetings;
pub mod orders;
pub mod outbox;
pub mod page_revisions;
pub mod passwords;
pub mod phrases;
pub mod products;
pub mod promotions;
pub mod quality;
pub mod reports;
pub mod sessions;
pub mod staff;
pub mod statements;
pub mod stocktakes;
pub mod users;
pub mod vault;
pub mod webhooks;
pub mod workdays;

pub use approvals::Actor;
pub use error::{AppError, AppResult};

/// Runs several reads of one view in a consistent snapshot (a read transaction). Reads need no
/// use case; they go through here so that no handler opens a transaction itself.
pub fn read<T, E: From<ecops_persistence::StoreError>>(
    conn: &mut ecops_persistence::AnyConnection,
    f: impl FnOnce(&mut ecops_persistence::AnyConnection) -> Result<T, E>,
) -> Result<T, E> {
    ecops_persistence::db::read_tx(conn, f)
}
