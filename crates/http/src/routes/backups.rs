//! Backups (R-SEC-2, R-ACL-3), for `db_admin` accounts: the list with the schedule, "back up
//! now", verify and download. Restoring is the CLI's (`ecops restore`): it replaces the database
//! under the running server, which is stopped for it.

use crate::auth::{Caller, Identity};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::support::{actor, RequestMeta};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use ecops_api_types::{BackupList, BackupProgress, BackupVerification, BackupView, Problem};
use ecops_app::backups::{self, Origin};
use ecops_domain::PermissionLevel;
use ecops_persistence::archive::Progress;
use ecops_persistence::repo::backups::Backup;
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use uuid::Uuid;

fn require(who: &Identity) -> ApiResult<()> {
    who.require(PermissionLevel::DbAdmin, &[])?;
    who.require_scope("backups:write")
}

pub(crate) fn views(conn: &mut AnyConnection, items: Vec<Backup>) -> ApiResult<Vec<BackupView>> {
    let people: Vec<Uuid> = items.iter().filter_map(|b| b.made_by).collect();
    let names = users::display_names(conn, &people)?;
    Ok(items
        .into_iter()
        .map(|b| BackupView {
            made_by_name: b.made_by.and_then(|u| names.get(&u).cloned()),
            id: b.id,
            file_name: b.file_name,
            size_bytes: b.size_bytes,
            sha256: b.sha256,
            schema_version: b.schema_version,
            row_counts: b.row_counts,
            total_rows: b.total_rows,
            origin: b.origin,
            made_by: b.made_by,
            node: b.node,
            started_at: b.started_at,
            finished_at: b.finished_at,
            removed_at: b.removed_at,
        })
        .collect())
}

/// The recorded backups, newest first (at most 200), with the schedule, when the next is due and
/// the backup this node is taking now.
#[utoipa::path(
    tag = "backups",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The backups and the schedule", body = BackupList),
        (status = 403, description = "Not a db_admin", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/backups")]
pub async fn list_backups(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
) -> ApiResult<web::Json<BackupList>> {
    let settings = state.config.backups.clone();
    let running = state
        .backup_progress
        .lock()
        .map(|p| p.clone())
        .unwrap_or(None);
    let list = state
        .run_as(who, move |conn, who| {
            require(&who)?;
            let a = actor(&who, &meta);
            let items = backups::list(conn, &a, 200)?;
            let next_due = backups::next_due(conn, &settings)?;
            Ok(BackupList {
                items: views(conn, items)?,
                schedule: settings.schedule.clone(),
                timezone: settings.timezone.name().to_owned(),
                keep: settings.keep,
                next_due,
                running,
            })
        })
        .await?;
    Ok(web::Json(list))
}

/// Clears the node's progress record when the backup ends, however it ends.
struct Running(web::Data<AppState>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(mut p) = self.0.backup_progress.lock() {
            *p = None;
        }
    }
}

/// Takes a backup now, while the server keeps serving; answers when the archive is complete and
/// recorded. `GET /backups` shows its progress meanwhile. One at a time per node.
#[utoipa::path(
    tag = "backups",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Taken and recorded", body = BackupView),
        (status = 403, description = "Not a db_admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A backup is being taken on this node", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/backups")]
pub async fn create_backup(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
) -> ApiResult<HttpResponse> {
    let who = state.identify(who).await?;
    require(&who)?;
    let now = state.clock.now();
    {
        let mut p = state
            .backup_progress
            .lock()
            .map_err(|_| ApiError::internal("backup progress lock poisoned"))?;
        if p.is_some() {
            return Err(ApiError::conflict(
                "backup_running",
                "a backup is being taken on this node; wait for it",
            ));
        }
        *p = Some(BackupProgress {
            started_at: now,
            table: String::new(),
            tables_done: 0,
            rows_done: 0,
        });
    }
    let running = Running(state.clone());
    let settings = state.config.backups.clone();
    let progress_state = state.clone();
    let a = actor(&who, &meta);
    let view = state
        .run(move |conn| {
            let mut progress = |p: Progress<'_>| {
                if let Ok(mut slot) = progress_state.backup_progress.lock() {
                    if let Some(r) = slot.as_mut() {
                        match p {
                            Progress::Table { name, .. } => {
                                if !r.table.is_empty() {
                                    r.tables_done += 1;
                                }
                                r.table = name.to_owned();
                            }
                            Progress::Rows(n) => r.rows_done += n,
                        }
                    }
                }
            };
            let b = backups::take(conn, Origin::Api(&a), &settings, now, &mut progress)?;
            Ok(views(conn, vec![b])?.remove(0))
        })
        .await;
    drop(running);
    let view = view?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/backups/{}", view.id)))
        .json(view))
}

/// Verifies a backup: its file against the checksum recorded when it was made, then the manifest
/// and every table's rows. Audited (`backup.verify`).
#[utoipa::path(
    tag = "backups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The result: `ok`, or the problem found", body = BackupVerification),
        (status = 404, description = "No such backup", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The file was removed by the retention, or is on another node", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/backups/{id}/verify")]
pub async fn verify_backup(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<BackupVerification>> {
    let id = id.into_inner();
    let settings = state.config.backups.clone();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            require(&who)?;
            let a = actor(&who, &meta);
            Ok(backups::verify(conn, Origin::Api(&a), &settings, id, now)?)
        })
        .await?;
    Ok(web::Json(BackupVerification {
        ok: v.ok,
        problem: v.problem,
        total_rows: v.manifest.as_ref().map(|m| m.total_rows),
        schema_version: v.manifest.map(|m| m.schema_version),
    }))
}

/// Downloads a backup's archive (the whole database leaves the system: audited as
/// `backup.download`). Single byte ranges are served, so a broken download can resume.
#[utoipa::path(
    tag = "backups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The archive", content_type = "application/gzip"),
        (status = 404, description = "No such backup", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The file was removed by the retention, or is on another node", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/backups/{id}/download")]
pub async fn download_backup(
    state: web::Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let settings = state.config.backups.clone();
    let now = state.clock.now();
    let (b, path) = state
        .run_as(who, move |conn, who| {
            require(&who)?;
            let a = actor(&who, &meta);
            Ok(backups::download(conn, &a, &settings, id, now)?)
        })
        .await?;
    let file = actix_files::NamedFile::open_async(&path)
        .await
        .map_err(|e| ApiError::internal(format!("backup file unreadable: {e}")))?
        .set_content_type(
            "application/gzip"
                .parse()
                .map_err(|_| ApiError::internal("mime"))?,
        )
        .set_content_disposition(actix_web::http::header::ContentDisposition {
            disposition: actix_web::http::header::DispositionType::Attachment,
            parameters: vec![actix_web::http::header::DispositionParam::Filename(
                b.file_name.clone(),
            )],
        });
    let mut resp = file.into_response(&req);
    resp.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("x-checksum-sha256"),
        actix_web::http::header::HeaderValue::from_str(&b.sha256)
            .map_err(|_| ApiError::internal("checksum header"))?,
    );
    Ok(resp)
}

/// Takes the scheduled backups: checks once a tick whether one is due (under the database lease,
/// one node of several takes it), then applies the retention.
pub async fn run_scheduler(state: web::Data<AppState>) {
    let tick = std::time::Duration::from_millis(state.config.orders.scheduler_tick_ms.max(10));
    loop {
        let settings = state.config.backups.clone();
        if settings.schedule.is_some() {
            let now = state.clock.now();
            match state
                .run(move |conn| Ok(backups::run_due(conn, &settings, now)?))
                .await
            {
                Ok(Some(b)) => {
                    tracing::info!(file = %b.file_name, rows = b.total_rows, "scheduled backup taken")
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, at = %Utc::now(), "scheduled backup failed; retrying at the next tick")
                }
            }
        }
        tokio::time::sleep(tick).await;
    }
}
