//! `ecops backup` / `ecops restore` for the embedded SQLite database.
//!
//! A backup is a consistent copy taken with `VACUUM INTO` while the server runs, plus a SHA-256
//! sidecar; restore verifies the checksum and swaps the file in while the server is stopped.
//! PostgreSQL deployments use the database's own tools (pg_dump / pg_restore).

use ecops_persistence::db::{parse_url, Backend};
use std::io::Read;
use std::path::{Path, PathBuf};

/// SHA-256 of a file, hex, in the `sha256sum` format's first column.
fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn sqlite_path(url: &str) -> Result<PathBuf, String> {
    match parse_url(url).map_err(|e| e.to_string())? {
        (Backend::Sqlite, path) => Ok(PathBuf::from(path)),
        (Backend::Postgres, _) => Err(
            "backup/restore here handles the embedded SQLite database; for PostgreSQL use pg_dump and pg_restore"
                .to_owned(),
        ),
    }
}

/// Writes a consistent copy of the database to `target` and its checksum beside it.
pub fn backup(url: &str, target: &Path) -> Result<String, String> {
    use diesel::{Connection, RunQueryDsl};
    let source = sqlite_path(url)?;
    if target.exists() {
        return Err(format!("{} exists; choose a new file", target.display()));
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    let mut conn = diesel::SqliteConnection::establish(&source.to_string_lossy())
        .map_err(|e| e.to_string())?;
    let quoted = target.to_string_lossy().replace('\'', "''");
    diesel::sql_query(format!("VACUUM INTO '{quoted}'"))
        .execute(&mut conn)
        .map_err(|e| e.to_string())?;
    let sum = sha256_file(target).map_err(|e| e.to_string())?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::write(sidecar(target), format!("{sum}  {name}\n")).map_err(|e| e.to_string())?;
    Ok(sum)
}

fn sidecar(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".sha256");
    PathBuf::from(s)
}

/// Verifies a backup against its checksum and puts it in place of the database (server stopped).
pub fn restore(url: &str, from: &Path) -> Result<(), String> {
    let target = sqlite_path(url)?;
    let expected = std::fs::read_to_string(sidecar(from))
        .map_err(|e| format!("cannot read the checksum {}: {e}", sidecar(from).display()))?;
    let expected = expected
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let actual = sha256_file(from).map_err(|e| e.to_string())?;
    if expected != actual {
        return Err(format!(
            "checksum mismatch: the backup is damaged (expected {expected}, got {actual})"
        ));
    }
    let staging = target.with_extension("restore-tmp");
    std::fs::copy(from, &staging).map_err(|e| e.to_string())?;
    for suffix in ["-wal", "-shm"] {
        let mut p = target.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    std::fs::rename(&staging, &target).map_err(|e| e.to_string())?;
    Ok(())
}
