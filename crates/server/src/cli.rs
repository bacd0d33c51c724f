//! The administrative subcommands: backups and restores, the audit chain's check, the vault key's
//! rotation. Each goes through the same use cases as the API and is audited like it.

use crate::config::{redact_url, Config};
use crate::StartupError;
use chrono::Utc;
use ecops_app::backups::{self, Origin};
use ecops_persistence::archive::Progress;
use ecops_persistence::{Database, DbConfig};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;

fn connect(config: &Config) -> Result<Database, String> {
    Database::connect(&DbConfig {
        url: config.database_url.clone(),
        max_connections: 2,
        sqlite_synchronous: config.db.sqlite_synchronous.clone(),
        busy_timeout_ms: config.db.busy_timeout_ms,
    })
    .map_err(|e| e.to_string())
}

fn settings(config: &Config) -> backups::Settings {
    let timezone = config.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    let node = config
        .orders
        .node
        .clone()
        .unwrap_or_else(|| "cli".to_owned());
    crate::backup_settings(config, timezone, node)
}

/// A progress bar on a terminal (hidden when the output is not one): rows done, the current
/// table as its message.
fn bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {human_pos} rows  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn follow(bar: &ProgressBar) -> impl FnMut(Progress<'_>) + '_ {
    move |p| match p {
        Progress::Table { name, rows } => bar.set_message(format!("{name} ({rows} rows)")),
        Progress::Rows(n) => bar.inc(n),
    }
}

/// `ecops backup [--out FILE]`: an archive of the whole database, taken while the server runs.
pub fn backup(config: &Config, out: Option<&Path>) -> Result<(), String> {
    let db = connect(config)?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    ecops_persistence::db::migrate(&mut conn).map_err(|e| e.to_string())?;
    let bar = bar();
    let b = backups::take_to(
        &mut conn,
        Origin::Cli,
        &settings(config),
        out,
        Utc::now(),
        &mut follow(&bar),
    )
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let path = settings(config).dir.join(&b.file_name);
    println!(
        "{}  {}\n{} rows in {} tables, {} bytes, schema {}",
        b.sha256,
        path.display(),
        b.total_rows,
        b.row_counts.len(),
        b.size_bytes,
        b.schema_version
    );
    Ok(())
}

/// `ecops backup verify FILE`: the archive checked without restoring it.
pub fn verify(config: &Config, file: &Path) -> Result<(), String> {
    let db = connect(config)?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let bar = bar();
    let v = backups::verify_file(&mut conn, file, Utc::now(), &mut follow(&bar))
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    match (v.ok, v.manifest) {
        (true, Some(m)) => {
            println!(
                "{}: intact — {} rows in {} tables, schema {}, made {} from {}",
                file.display(),
                m.total_rows,
                m.tables.len(),
                m.schema_version,
                m.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                m.source_backend
            );
            Ok(())
        }
        _ => Err(format!(
            "{}: {}",
            file.display(),
            v.problem.unwrap_or_else(|| "not intact".to_owned())
        )),
    }
}

/// `ecops restore ARCHIVE [--replace]`: into an empty database (SQLite or PostgreSQL, whichever
/// made the archive), or replacing one. Stop the server first when replacing.
pub fn restore(config: &Config, file: &Path, replace: bool) -> Result<(), String> {
    if let Some(parent) = sqlite_parent(&config.database_url) {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    let db = connect(config)?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let bar = bar();
    let r = backups::restore(&mut conn, file, replace, Utc::now(), &mut follow(&bar))
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    println!(
        "restored {} ({} rows, schema {}, made {} from {}) into {}{}",
        file.display(),
        r.manifest.total_rows,
        r.manifest.schema_version,
        r.manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        r.manifest.source_backend,
        redact_url(&config.database_url),
        if r.migrated_forward > 0 {
            format!("; {} later migrations applied", r.migrated_forward)
        } else {
            String::new()
        }
    );
    Ok(())
}

fn sqlite_parent(url: &str) -> Option<std::path::PathBuf> {
    match ecops_persistence::db::parse_url(url).ok()? {
        (ecops_persistence::Backend::Sqlite, path) => {
            Path::new(&path).parent().map(Path::to_path_buf)
        }
        _ => None,
    }
}

/// `ecops audit verify`: the audit log's hash chain walked end to end; fails when broken.
pub fn audit_verify(config: &Config) -> Result<(), String> {
    let db = connect(config)?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let r = ecops_app::audit_log::verify_chain(&mut conn, None, Utc::now())
        .map_err(|e| e.to_string())?;
    if r.intact() {
        println!(
            "audit chain intact: {} entries checked{}, head {}",
            r.entries_checked,
            if r.legacy_entries > 0 {
                format!(
                    " ({} older entries from before the chain)",
                    r.legacy_entries
                )
            } else {
                String::new()
            },
            r.head_hash.as_deref().unwrap_or("(empty)")
        );
        Ok(())
    } else {
        for p in &r.problems {
            eprintln!(
                "  {} at position {}: entry {}",
                p.kind,
                p.seq.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                p.entry_id
            );
        }
        Err(format!(
            "the audit chain is broken: {} problems in {} entries",
            r.problem_count, r.entries_checked
        ))
    }
}

/// `ecops vault rotate-key [--new-key HEX]`: re-seals every secret under a new key in one
/// transaction. With a generated key file, the new key replaces it (the old one is kept beside it
/// as `vault_key.previous`); with `ECOPS_VAULT_KEY`, the new key is printed to be configured.
pub fn rotate_vault_key(config: &Config, new_key: Option<&str>) -> Result<(), String> {
    use ecops_app::vault::VaultKey;
    let old = crate::vault_key(config).map_err(|e: StartupError| e.to_string())?;
    let (new, text) = match new_key {
        Some(k) => (VaultKey::from_hex(k)?, k.trim().to_owned()),
        None => VaultKey::generate(),
    };
    if new.id == old.id {
        return Err("the new key is the key in use".to_owned());
    }
    let db = connect(config)?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let path = crate::vault_key_path(config);
    let from_file = config.vault_key.is_none();
    // The new key is on disk before any secret is sealed with it, and the old one stays until
    // the re-sealing has committed.
    let next = config.data_dir.join("vault_key.next");
    if from_file {
        crate::write_private_atomic(&next, &text).map_err(|e| e.to_string())?;
    }
    let n = match ecops_app::vault::rotate_key(&mut conn, &old, &new, Utc::now()) {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&next);
            return Err(format!("nothing was re-sealed: {e}"));
        }
    };
    if from_file {
        let previous = config.data_dir.join("vault_key.previous");
        std::fs::copy(&path, &previous).map_err(|e| e.to_string())?;
        std::fs::rename(&next, &path).map_err(|e| {
            format!(
                "re-sealed {n} secrets under the new key, which is in {} (rename it to {}): {e}",
                next.display(),
                path.display()
            )
        })?;
        println!(
            "re-sealed {n} secrets under key {}; {} now holds it (the old key is in vault_key.previous until you delete it). Restart every server.",
            new.id,
            path.display()
        );
    } else {
        println!(
            "re-sealed {n} secrets under key {}. Set ECOPS_VAULT_KEY to the new key on every node and restart them:\n\n    {text}\n",
            new.id
        );
    }
    Ok(())
}
