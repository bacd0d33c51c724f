//! Home-page revision plans (R-APR-6): filed by a designer, approved by their chain, carried out
//! on the live page, which is their publication (R-APR-5).

use crate::approvals::{self as engine, Actor};
use crate::effects::PageRevisionApproval;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::ApprovalKind;
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::page_revisions::{self, PageRevision};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// A plan by id, or not found.
pub fn load(conn: &mut AnyConnection, id: Uuid) -> AppResult<PageRevision> {
    page_revisions::find(conn, id)?.ok_or_else(|| AppError::not_found("no such page revision"))
}

/// R-APR-6: files a revision plan for its chain (department manager, then marketing director).
pub fn file(
    conn: &mut AnyConnection,
    actor: &Actor,
    revision: PageRevision,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<(PageRevision, ApprovalRequest)> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[ecops_domain::JobRole::Designer],
    )?;
    write_tx(conn, |conn| {
        let request = engine::submit(
            conn,
            ApprovalKind::PageRevision,
            ("page_revision", revision.id.to_string()),
            actor,
            serde_json::to_value(PageRevisionApproval {
                revision_id: revision.id,
            })
            .map_err(|e| AppError::Store(e.into()))?,
            reason,
            None,
            now,
        )?;
        let revision = PageRevision {
            approval_request_id: request.id,
            ..revision
        };
        page_revisions::insert(conn, &revision)?;
        Ok((revision, request))
    })
}

/// Records that an approved plan was carried out on the live page: its publication (R-APR-5).
pub fn execute(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    note: &str,
    now: DateTime<Utc>,
) -> AppResult<PageRevision> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[
            ecops_domain::JobRole::Designer,
            ecops_domain::JobRole::StorefrontSpecialist,
        ],
    )?;
    write_tx(conn, |conn| {
        let r = load(conn, id)?;
        r.status
            .execute()
            .map_err(|m| AppError::conflict("revision_not_approved", m))?;
        if !page_revisions::mark_executed(conn, id, actor.id, note, now)? {
            return Err(AppError::conflict(
                "revision_not_approved",
                "the plan changed meanwhile",
            ));
        }
        engine::record_publication(conn, r.approval_request_id, actor, now)?;
        audit::append(
            conn,
            &ecops_persistence::repo::audit::NewEntry {
                action: "page_revision.executed".to_owned(),
                subject_type: Some("page_revision".to_owned()),
                subject_id: Some(id.to_string()),
                outcome: Outcome::Success,
                detail: json!({"page": r.page, "note": note}),
                ..actor.template()
            },
            now,
        )?;
        load(conn, id)
    })
}
