//! `GET /audit`: the append-only audit log (R-SEC-4), for `it_admin`. There is no endpoint that
//! changes or deletes an entry, and the database refuses it too.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::support::page_limit;
use actix_web::{get, web};
use ecops_api_types::{AuditEntryView, AuditQuery, Page};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::repo::audit::{self, AuditFilter};

/// Audit entries, newest first, filterable by action, actor, subject, outcome and time.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, description = "One page of entries", body = Page<AuditEntryView>))
)]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    who: Caller,
    query: crate::extract::Query<AuditQuery>,
) -> ApiResult<web::Json<Page<AuditEntryView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    if let (Some(from), Some(to)) = (q.from, q.to) {
        if to < from {
            return Err(ApiError::bad_field(
                "invalid_query",
                "to",
                "must not be before `from`",
            ));
        }
    }
    let filter = AuditFilter {
        action: q.action,
        actor_id: q.actor_id,
        subject_type: q.subject_type,
        subject_id: q.subject_id,
        outcome: q.outcome,
        from: q.from,
        to: q.to,
    };
    let rows = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Viewer, &[JobRole::ItAdmin])?;
            who.require_scope("audit:read")?;
            Ok(audit::list(conn, &filter, before.as_deref(), limit + 1)?)
        })
        .await?;
    let (rows, next_cursor) = state.cursors.paginate(rows, limit, |e| e.id.to_string());
    Ok(web::Json(Page {
        items: rows
            .into_iter()
            .map(|e| AuditEntryView {
                id: e.id,
                at: e.at,
                actor_id: e.actor_id,
                actor_username: e.actor_username,
                action: e.action,
                subject_type: e.subject_type,
                subject_id: e.subject_id,
                client_addr: e.client_addr,
                outcome: e.outcome,
                detail: e.detail,
            })
            .collect(),
        next_cursor,
    }))
}
