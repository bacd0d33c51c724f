//! Backups (R-SEC-2, R-ACL-3): taken by a `db_admin` (API or CLI) or by the schedule, recorded
//! with their size, checksum and row counts, verified, downloaded and restored, each step in the
//! audit log. The archive itself is `ecops_persistence::archive`.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::PermissionLevel;
use ecops_persistence::archive::{self, ProgressFn};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::audit::{self, NewEntry, Outcome};
use ecops_persistence::repo::backups::{self as repo, Backup};
use ecops_persistence::repo::{installation, jobs};
use ecops_persistence::{AnyConnection, StoreError};
use serde_json::json;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// Where backups go and how the schedule runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The folder of the archives.
    pub dir: PathBuf,
    /// How many archives the schedule keeps (older files are removed, their records stay).
    pub keep: usize,
    /// A cron expression (minute hour day-of-month month day-of-week) in company time; `None`:
    /// no scheduled backups.
    pub schedule: Option<String>,
    pub timezone: chrono_tz::Tz,
    /// This node's name (the schedule's lease holder; recorded on each backup).
    pub node: String,
    pub app_version: String,
}

/// Checks a schedule expression (at configuration time).
pub fn parse_schedule(expr: &str) -> Result<croner::Cron, String> {
    croner::Cron::new(expr)
        .parse()
        .map_err(|e| format!("the backup schedule `{expr}` is not a cron expression: {e}"))
}

/// Who takes a backup.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    Api(&'a Actor),
    Cli,
    Schedule,
}

impl Origin<'_> {
    fn name(&self) -> &'static str {
        match self {
            Origin::Api(_) => "api",
            Origin::Cli => "cli",
            Origin::Schedule => "schedule",
        }
    }

    fn entry(
        &self,
        action: &str,
        subject: Option<String>,
        outcome: Outcome,
        detail: serde_json::Value,
    ) -> NewEntry {
        match self {
            Origin::Api(actor) => {
                actor.audit_entry(action, subject.map(|s| ("backup", s)), outcome, detail)
            }
            Origin::Cli | Origin::Schedule => NewEntry {
                actor_id: None,
                actor_username: Some(self.name().to_owned()),
                action: action.to_owned(),
                subject_type: subject.as_ref().map(|_| "backup".to_owned()),
                subject_id: subject,
                client_addr: None,
                outcome,
                detail,
                request_id: None,
                on_behalf_of: None,
            },
        }
    }
}

/// R-ACL-3: backups are the database administrator's.
pub fn authorize(actor: &Actor) -> AppResult<()> {
    actor.require(PermissionLevel::DbAdmin, &[])
}

fn record_failure(
    conn: &mut AnyConnection,
    origin: Origin<'_>,
    action: &str,
    subject: Option<String>,
    error: &str,
    now: DateTime<Utc>,
) {
    let entry = origin.entry(action, subject, Outcome::Failure, json!({"error": error}));
    // The failure itself is what the caller gets; a database that cannot take the entry either
    // is reported through that.
    let _ = write_tx(conn, |conn| audit::append(conn, &entry, now).map(|_| ()));
}

/// Takes a backup into the settings' folder while the database keeps serving; records and
/// audits it (`backup.create`).
pub fn take(
    conn: &mut AnyConnection,
    origin: Origin<'_>,
    settings: &Settings,
    now: DateTime<Utc>,
    progress: ProgressFn<'_>,
) -> AppResult<Backup> {
    take_to(conn, origin, settings, None, now, progress)
}

/// [`take`], to an explicit file instead of the backup folder (the CLI's `--out`; the record
/// then names the file by its full path).
pub fn take_to(
    conn: &mut AnyConnection,
    origin: Origin<'_>,
    settings: &Settings,
    out: Option<&Path>,
    now: DateTime<Utc>,
    progress: ProgressFn<'_>,
) -> AppResult<Backup> {
    if let Origin::Api(actor) = origin {
        authorize(actor)?;
    }
    let id = Uuid::now_v7();
    let file_name = match out {
        Some(p) => std::path::absolute(p)
            .map_err(|e| AppError::Store(StoreError::Io(e)))?
            .display()
            .to_string(),
        None => format!(
            "ecops-{}-{}.tar.gz",
            now.format("%Y%m%dT%H%M%SZ"),
            &id.simple().to_string()[24..]
        ),
    };
    let path = settings.dir.join(&file_name);
    let began = std::time::Instant::now();
    let written = match archive::write_archive(conn, &path, now, &settings.app_version, progress) {
        Ok(w) => w,
        Err(e) => {
            record_failure(conn, origin, "backup.create", None, &e.to_string(), now);
            return Err(e.into());
        }
    };
    let made_by = match origin {
        Origin::Api(actor) => Some(actor.id),
        _ => None,
    };
    let backup = Backup {
        id,
        file_name,
        size_bytes: written.size_bytes as i64,
        sha256: written.sha256.clone(),
        schema_version: written.manifest.schema_version.clone(),
        row_counts: written.manifest.row_counts(),
        total_rows: written.manifest.total_rows,
        origin: origin.name().to_owned(),
        made_by,
        node: settings.node.clone(),
        started_at: now,
        finished_at: now + chrono::Duration::from_std(began.elapsed()).unwrap_or_default(),
        removed_at: None,
    };
    let entry = origin.entry(
        "backup.create",
        Some(id.to_string()),
        Outcome::Success,
        json!({"file": backup.file_name, "sha256": backup.sha256, "size_bytes": backup.size_bytes,
               "total_rows": backup.total_rows, "schema_version": backup.schema_version,
               "origin": backup.origin}),
    );
    write_tx(conn, |conn| -> AppResult<()> {
        repo::insert(conn, &backup)?;
        audit::append(conn, &entry, now)?;
        crate::outbox::record(
            conn,
            crate::outbox::EventType::BackupCompleted,
            &id.to_string(),
            json!({"origin": backup.origin}),
            now,
        )?;
        Ok(())
    })?;
    Ok(backup)
}

/// The recorded backups, newest first.
pub fn list(conn: &mut AnyConnection, actor: &Actor, limit: i64) -> AppResult<Vec<Backup>> {
    authorize(actor)?;
    Ok(repo::list(conn, limit)?)
}

fn recorded(conn: &mut AnyConnection, id: Uuid) -> AppResult<Backup> {
    repo::get(conn, id).map_err(|e| match e {
        StoreError::NotFound => AppError::not_found("no such backup"),
        other => other.into(),
    })
}

/// Whether a record names a file of the backup folder (not one written elsewhere with `--out`).
fn in_folder(b: &Backup) -> bool {
    !b.file_name.is_empty() && !b.file_name.contains(['/', '\\']) && b.file_name != ".."
}

/// Where a recorded backup's file is, if this node has it in its backup folder.
fn file_of(b: &Backup, settings: &Settings) -> AppResult<PathBuf> {
    if !in_folder(b) {
        return Err(AppError::conflict(
            "backup_file_missing",
            format!(
                "the archive was written outside the backup folder, to {}; it is served from there only by hand",
                b.file_name
            ),
        ));
    }
    if b.removed_at.is_some() {
        return Err(AppError::conflict(
            "backup_removed",
            "the archive was removed by the retention; its record stays",
        ));
    }
    let path = settings.dir.join(&b.file_name);
    if !path.exists() {
        return Err(AppError::conflict(
            "backup_file_missing",
            format!(
                "the archive {} is not in this node's backup folder (it was made on {})",
                b.file_name, b.node
            ),
        ));
    }
    Ok(path)
}

/// What a verification found.
#[derive(Debug, Clone)]
pub struct Verification {
    pub ok: bool,
    pub problem: Option<String>,
    pub manifest: Option<archive::Manifest>,
}

fn check_file(
    path: &Path,
    expected_sha256: Option<&str>,
    progress: ProgressFn<'_>,
) -> Verification {
    if let Some(expected) = expected_sha256 {
        match sha256_file(path) {
            Ok(sum) if sum == expected => {}
            Ok(_) => {
                return Verification {
                    ok: false,
                    problem: Some(
                        "the archive does not match the checksum recorded when it was made".into(),
                    ),
                    manifest: None,
                }
            }
            Err(e) => {
                return Verification {
                    ok: false,
                    problem: Some(format!("the archive cannot be read: {e}")),
                    manifest: None,
                }
            }
        }
    }
    match archive::verify_archive(path, progress) {
        Ok(m) => Verification {
            ok: true,
            problem: None,
            manifest: Some(m),
        },
        Err(e) => Verification {
            ok: false,
            problem: Some(e.to_string()),
            manifest: None,
        },
    }
}

/// SHA-256 of a file, streamed.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// Verifies a recorded backup (its file against the recorded checksum, then every table) and
/// audits the result (`backup.verify`).
pub fn verify(
    conn: &mut AnyConnection,
    origin: Origin<'_>,
    settings: &Settings,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Verification> {
    if let Origin::Api(actor) = origin {
        authorize(actor)?;
    }
    let b = recorded(conn, id)?;
    let path = file_of(&b, settings)?;
    let v = check_file(&path, Some(&b.sha256), &mut |_| {});
    audit_verification(conn, origin, Some(id.to_string()), &b.file_name, &v, now)?;
    Ok(v)
}

/// Verifies an archive file (the CLI's `ecops backup verify FILE`), audited.
pub fn verify_file(
    conn: &mut AnyConnection,
    path: &Path,
    now: DateTime<Utc>,
    progress: ProgressFn<'_>,
) -> AppResult<Verification> {
    let v = check_file(path, None, progress);
    audit_verification(
        conn,
        Origin::Cli,
        None,
        &path.display().to_string(),
        &v,
        now,
    )?;
    Ok(v)
}

fn audit_verification(
    conn: &mut AnyConnection,
    origin: Origin<'_>,
    subject: Option<String>,
    file: &str,
    v: &Verification,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let entry = origin.entry(
        "backup.verify",
        subject,
        if v.ok {
            Outcome::Success
        } else {
            Outcome::Failure
        },
        json!({"file": file, "ok": v.ok, "problem": v.problem,
               "total_rows": v.manifest.as_ref().map(|m| m.total_rows)}),
    );
    write_tx(conn, |conn| audit::append(conn, &entry, now).map(|_| ()))?;
    Ok(())
}

/// Opens a recorded backup's file for download, audited (`backup.download`: the whole database
/// leaves the system, R-SEC-5).
pub fn download(
    conn: &mut AnyConnection,
    actor: &Actor,
    settings: &Settings,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(Backup, PathBuf)> {
    authorize(actor)?;
    let b = recorded(conn, id)?;
    let path = file_of(&b, settings)?;
    let entry = Origin::Api(actor).entry(
        "backup.download",
        Some(id.to_string()),
        Outcome::Success,
        json!({"file": b.file_name, "size_bytes": b.size_bytes}),
    );
    write_tx(conn, |conn| audit::append(conn, &entry, now).map(|_| ()))?;
    Ok((b, path))
}

/// Restores an archive into this connection's database (the CLI's `ecops restore`), then audits
/// it there (`backup.restore`). The archive is verified in full before anything is written.
pub fn restore(
    conn: &mut AnyConnection,
    path: &Path,
    replace: bool,
    now: DateTime<Utc>,
    progress: ProgressFn<'_>,
) -> AppResult<archive::Restored> {
    let sha256 = sha256_file(path).map_err(|e| AppError::Store(StoreError::Io(e)))?;
    let restored = archive::restore_archive(conn, path, replace, progress)?;
    let entry = Origin::Cli.entry(
        "backup.restore",
        None,
        Outcome::Success,
        json!({"file": path.display().to_string(), "sha256": sha256,
               "schema_version": restored.manifest.schema_version,
               "made_at": restored.manifest.created_at,
               "source_backend": restored.manifest.source_backend,
               "total_rows": restored.manifest.total_rows,
               "migrated_forward": restored.migrated_forward, "replaced": replace}),
    );
    write_tx(conn, |conn| audit::append(conn, &entry, now).map(|_| ()))?;
    Ok(restored)
}

/// When the schedule's next backup is due: the first occurrence of the expression after the
/// last scheduled backup began (or after the database began).
pub fn next_due(conn: &mut AnyConnection, settings: &Settings) -> AppResult<Option<DateTime<Utc>>> {
    let Some(expr) = &settings.schedule else {
        return Ok(None);
    };
    let cron = parse_schedule(expr).map_err(AppError::Internal)?;
    let after = match repo::last_scheduled(conn)? {
        Some(b) => b.started_at,
        None => match installation::get(conn)? {
            Some(i) => i.created_at,
            None => return Ok(None),
        },
    };
    let local = after.with_timezone(&settings.timezone);
    Ok(cron
        .find_next_occurrence(&local, false)
        .ok()
        .map(|t| t.with_timezone(&Utc)))
}

/// The scheduled backup, when due: under a lease in the database, so that of several nodes on
/// one PostgreSQL one takes it; then the retention. Returns the backup taken, if any.
pub fn run_due(
    conn: &mut AnyConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> AppResult<Option<Backup>> {
    match next_due(conn, settings)? {
        Some(due) if due <= now => {}
        _ => return Ok(None),
    }
    let lease_until = now + chrono::Duration::hours(2);
    if !jobs::acquire(conn, "backup", &settings.node, now, lease_until)? {
        return Ok(None);
    }
    // Another node may have finished it while this one waited for the lease.
    let still_due = next_due(conn, settings)?.is_some_and(|due| due <= now);
    let result = if still_due {
        take(conn, Origin::Schedule, settings, now, &mut |_| {}).and_then(|b| {
            prune(conn, settings, now)?;
            Ok(Some(b))
        })
    } else {
        Ok(None)
    };
    // A failed backup keeps the lease until it expires: the next attempt comes two hours later,
    // not at every tick.
    if result.is_ok() {
        jobs::release(conn, "backup", &settings.node)?;
    }
    result
}

/// Keeps the newest `keep` archives of the backup folder; removes the files of older ones (their
/// records stay, marked removed), each removal audited. Archives written elsewhere (`--out`) are
/// never touched.
pub fn prune(
    conn: &mut AnyConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let mut removed = 0;
    let in_folder_kept: Vec<Backup> = repo::kept(conn)?.into_iter().filter(in_folder).collect();
    for b in in_folder_kept.into_iter().skip(settings.keep.max(1)) {
        let path = settings.dir.join(&b.file_name);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(AppError::Store(StoreError::Io(e))),
        }
        let entry = Origin::Schedule.entry(
            "backup.removed",
            Some(b.id.to_string()),
            Outcome::Success,
            json!({"file": b.file_name, "keep": settings.keep}),
        );
        write_tx(conn, |conn| -> AppResult<()> {
            repo::mark_removed(conn, b.id, now)?;
            audit::append(conn, &entry, now)?;
            Ok(())
        })?;
        removed += 1;
    }
    Ok(removed)
}
