//! Repositories: one module per aggregate, plain functions over an [`crate::AnyConnection`].

pub mod aftersales;
pub mod api_tokens;
pub mod approvals;
pub mod attendance;
pub mod audit;
pub mod backups;
pub mod content;
pub mod customers;
pub mod delegations;
pub mod departures;
pub mod duty;
pub mod evaluations;
pub mod exports;
pub mod figures;
pub mod idempotency;
pub mod installation;
pub mod jobs;
pub mod leave;
pub mod meetings;
pub mod orders;
pub mod outbox;
pub mod page_revisions;
pub mod phrases;
pub mod products;
pub mod promotions;
pub mod quality;
pub mod reports;
pub mod sessions;
pub mod stock;
pub mod stocktakes;
pub mod users;
pub mod vault;
pub mod webhooks;
pub mod workdays;

use chrono::{DateTime, NaiveDateTime, Utc};

/// UTC instants are stored as `TIMESTAMP` without zone on both backends, to the microsecond
/// (PostgreSQL's precision), so what is read back equals what was written on either backend.
pub fn to_db(t: DateTime<Utc>) -> NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    t.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(t)
        .naive_utc()
}

pub fn from_db(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub(crate) fn parse_uuid(s: &str) -> crate::StoreResult<uuid::Uuid> {
    uuid::Uuid::parse_str(s).map_err(|e| crate::StoreError::Corrupt(format!("bad uuid `{s}`: {e}")))
}
