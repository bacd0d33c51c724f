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

/// Walks the audit log's hash chain end to end (R-SEC-4) in one consistent read, then records
/// that it was checked and what was found (`audit.verify`). `actor`: `None` for the CLI.
pub fn verify_chain(
    conn: &mut AnyConnection,
    actor: Option<&Actor>,
    now: DateTime<Utc>,
) -> AppResult<audit::ChainReport> {
    if let Some(a) = actor {
        a.require(
            ecops_domain::PermissionLevel::Viewer,
            &[ecops_domain::JobRole::ItAdmin],
        )?;
    }
    let report = crate::read(conn, |conn| {
        Ok::<_, crate::AppError>(audit::verify_chain(conn)?)
    })?;
    let detail = json!({"intact": report.intact(), "entries_checked": report.entries_checked,
                        "problem_count": report.problem_count, "head_hash": report.head_hash});
    let outcome = if report.intact() {
        Outcome::Success
    } else {
        Outcome::Failure
    };
    let entry = match actor {
        Some(a) => a.audit_entry("audit.verify", None, outcome, detail),
        None => audit::NewEntry {
            actor_id: None,
            actor_username: Some("cli".to_owned()),
            action: "audit.verify".to_owned(),
            subject_type: None,
            subject_id: None,
            client_addr: None,
            outcome,
            detail,
            request_id: None,
            on_behalf_of: None,
        },
    };
    write_tx(conn, |conn| -> AppResult<()> {
        audit::append(conn, &entry, now)?;
        Ok(())
    })?;
    Ok(report)
}
