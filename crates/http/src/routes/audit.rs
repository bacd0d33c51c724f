//! `GET /audit`: the append-only audit log (R-SEC-4), for `it_admin`, and `GET /audit/export`,
//! the same entries as CSV. There is no endpoint that changes or deletes an entry, and the
//! database refuses it too.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::support::page_limit;
use crate::support::{actor, RequestMeta};
use actix_web::{get, web, HttpResponse};
use ecops_api_types::{
    AuditChainReport, AuditEntryView, AuditExportQuery, AuditQuery, ChainProblemView, Page, Problem,
};
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
        delegation_id: None,
    };
    let delegation = q.delegation_id;
    let rows = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Viewer, &[JobRole::ItAdmin])?;
            who.require_scope("audit:read")?;
            let mut filter = filter;
            if let Some(d) = delegation {
                // The whole chain: its request and decisions, the grant, what was done through
                // it, its revocation.
                let request = ecops_persistence::repo::delegations::find(conn, d)?
                    .map(|x| x.approval_request_id);
                filter.delegation_id = Some((d, request));
            }
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
                on_behalf_of: e.on_behalf_of.map(|o| o.person),
                delegation_id: e.on_behalf_of.map(|o| o.delegation),
            })
            .collect(),
        next_cursor,
    }))
}

/// The most entries one export holds; a wider selection is refused, to be narrowed by time.
const EXPORT_MAX: usize = 100_000;

/// The audit entries the filters select, newest first, as CSV (UTF-8 with a byte-order mark, so
/// spreadsheet programs read the names right): when, who, what, subject, outcome, from where, and
/// the entry's detail as JSON. At most 100,000 entries: a wider selection is refused. Cells that
/// a spreadsheet would run as a formula are made inert. The export is audited (`audit.export`).
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditExportQuery),
    responses(
        (status = 200, description = "The entries as CSV", content_type = "text/csv", body = String),
        (status = 400, description = "A bad filter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More than 100,000 entries match: narrow the period", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/audit/export")]
pub async fn export_audit(
    state: web::Data<AppState>,
    meta: crate::support::RequestMeta,
    who: Caller,
    query: crate::extract::Query<AuditExportQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let now = state.clock.now();
    let asked = serde_json::to_value(&q).unwrap_or_default();
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
        delegation_id: None,
    };
    let rows = state
        .run_as(who, move |conn, who| {
            who.require(PermissionLevel::Viewer, &[JobRole::ItAdmin])?;
            who.require_scope("audit:read")?;
            let mut out = Vec::new();
            let mut before: Option<String> = None;
            loop {
                let batch = audit::list(conn, &filter, before.as_deref(), 1000)?;
                let done = batch.len() < 1000;
                before = batch.last().map(|e| e.id.to_string());
                out.extend(batch);
                if out.len() > EXPORT_MAX {
                    return Err(ApiError::unprocessable(
                        "too_many_rows",
                        format!("more than {EXPORT_MAX} entries match: narrow the period"),
                    ));
                }
                if done {
                    // Taking the log out is itself on record (R-SEC-4/5).
                    let a = crate::support::actor(&who, &meta);
                    ecops_app::audit_log::record_export(conn, &a, asked, out.len(), now)?;
                    return Ok(out);
                }
            }
        })
        .await?;
    let mut table = vec![[
        "at",
        "actor_username",
        "actor_id",
        "action",
        "subject_type",
        "subject_id",
        "outcome",
        "client_addr",
        "detail",
        "on_behalf_of",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect::<Vec<_>>()];
    for e in rows {
        table.push(vec![
            e.at.to_rfc3339(),
            e.actor_username.unwrap_or_default(),
            e.actor_id.map(|a| a.to_string()).unwrap_or_default(),
            e.action,
            e.subject_type.unwrap_or_default(),
            e.subject_id.unwrap_or_default(),
            e.outcome,
            e.client_addr.unwrap_or_default(),
            e.detail.to_string(),
            e.on_behalf_of
                .map(|o| o.person.to_string())
                .unwrap_or_default(),
        ]);
    }
    crate::support::csv_response("audit", table, true)
}

/// Walks the audit log's hash chain from its first entry to its last, recomputing every hash and
/// link: an entry altered or deleted directly in the database shows as `altered`, `broken_link`
/// or `gap`; an entry slipped in without its place in the chain as `unchained`. The check itself
/// is audited (`audit.verify`).
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What the walk found", body = AuditChainReport),
        (status = 403, description = "Not IT", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/audit/verify")]
pub async fn verify_audit_chain(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
) -> ApiResult<web::Json<AuditChainReport>> {
    let now = state.clock.now();
    let report = state
        .run_as(who, move |conn, who| {
            who.require_scope("audit:read")?;
            let a = actor(&who, &meta);
            Ok(ecops_app::audit_log::verify_chain(conn, Some(&a), now)?)
        })
        .await?;
    Ok(web::Json(AuditChainReport {
        intact: report.intact(),
        entries_checked: report.entries_checked,
        legacy_entries: report.legacy_entries,
        last_seq: report.last_seq,
        head_hash: report.head_hash,
        problem_count: report.problem_count,
        problems: report
            .problems
            .into_iter()
            .map(|p| ChainProblemView {
                kind: p.kind.to_owned(),
                seq: p.seq,
                entry_id: p.entry_id,
            })
            .collect(),
        checked_at: now,
    }))
}
