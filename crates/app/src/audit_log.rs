//! The audit log's own trail (R-SEC-4/5): taking the log out of the system is itself audited.

use crate::approvals::Actor;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::AnyConnection;
use serde_json::json;

/// Records that `actor` exported `rows` audit entries selected by `filters`.
pub fn record_export(
    conn: &mut AnyConnection,
    actor: &Actor,
    filters: serde_json::Value,
    rows: usize,
    now: DateTime<Utc>,
) -> AppResult<()> {
    write_tx(conn, |conn| {
        audit::append(
            conn,
            &actor.audit_entry(
                "audit.export",
                None,
                Outcome::Success,
                json!({"filters": filters, "rows": rows}),
            ),
            now,
        )?;
        Ok(())
    })
}
