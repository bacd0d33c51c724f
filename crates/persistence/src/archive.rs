//! Portable backup archives (R-SEC-2, R-SEC-3): every table of the database, row by row, in a
//! form that does not depend on the backend it came from, so an archive of SQLite restores into
//! PostgreSQL and the other way round.
//!
//! An archive is a gzip-compressed tar file:
//!
//! 1. `ecops-backup.json`, the manifest: the format and its version, the schema version (the last
//!    migration applied), when and from which backend it was made, and for each table its
//!    columns with their portable kinds, its row count and the SHA-256 of its rows;
//! 2. `tables/<name>.ndjson` for each table, in an order that puts every referenced table before
//!    the tables that reference it: one JSON array per row, the columns in the manifest's order,
//!    rows ordered by primary key. Timestamps are `YYYY-MM-DDTHH:MM:SS.ffffff` (UTC), dates
//!    `YYYY-MM-DD`, binary values lower-case hex.
//!
//! Nothing is ever held whole: rows stream from the database (SQLite steps its cursor,
//! PostgreSQL runs in row-by-row mode) to a temporary file per table, and back in batches.

use crate::db::{migrations_for, revert_all, AnyConnection};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_migrations::MigrationHarness;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "ecops-backup";
pub const FORMAT_VERSION: u32 = 1;
const MANIFEST: &str = "ecops-backup.json";
/// Rows per INSERT when restoring.
const BATCH: usize = 500;
/// The canonical text of a timestamp in an archive.
const TS_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

/// The portable kind of a column: what its values look like in the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Integer,
    Text,
    Timestamp,
    Date,
    Binary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableManifest {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// The last migration applied to the database the archive was made from.
    pub schema_version: String,
    pub created_at: DateTime<Utc>,
    pub source_backend: String,
    pub app_version: String,
    pub tables: Vec<TableManifest>,
    pub total_rows: i64,
}

impl Manifest {
    pub fn row_counts(&self) -> BTreeMap<String, i64> {
        self.tables
            .iter()
            .map(|t| (t.name.clone(), t.rows))
            .collect()
    }
}

/// What the long operations report as they go (the CLI draws a progress bar from it).
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// Work on a table begins; `rows` is how many it holds.
    Table { name: &'a str, rows: i64 },
    /// `n` more rows done.
    Rows(u64),
}

pub type ProgressFn<'a> = &'a mut dyn FnMut(Progress<'_>);

/// One table as the database describes it.
#[derive(Debug, Clone)]
struct TableInfo {
    name: String,
    columns: Vec<Column>,
    primary_key: Vec<String>,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    pk: i64,
}

#[derive(QueryableByName)]
struct Edge {
    #[diesel(sql_type = Text)]
    child: String,
    #[diesel(sql_type = Text)]
    parent: String,
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = Text)]
    row: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn kind_of(declared: &str, table: &str, column: &str) -> StoreResult<ColumnKind> {
    let t = declared.to_ascii_lowercase();
    Ok(if t.contains("timestamp") {
        ColumnKind::Timestamp
    } else if t == "date" {
        ColumnKind::Date
    } else if t.contains("int") {
        ColumnKind::Integer
    } else if t == "blob" || t == "bytea" {
        ColumnKind::Binary
    } else if t == "text" || t.contains("char") {
        ColumnKind::Text
    } else {
        return Err(StoreError::Archive(format!(
            "column {table}.{column} has the type {declared}, which archives do not carry yet"
        )));
    })
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Every table of the application (not the migrations' own), referenced tables first.
fn catalog(conn: &mut AnyConnection) -> StoreResult<Vec<TableInfo>> {
    let (names, edges): (Vec<Name>, Vec<Edge>) = match conn {
        AnyConnection::Sqlite(c) => (
            diesel::sql_query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name <> '__diesel_schema_migrations' ORDER BY name",
            )
            .load(c)?,
            diesel::sql_query(
                "SELECT m.name AS child, f.\"table\" AS parent FROM sqlite_master m, \
                 pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
            )
            .load(c)?,
        ),
        AnyConnection::Postgresql(c) => (
            diesel::sql_query(
                "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema() \
                 AND tablename <> '__diesel_schema_migrations' ORDER BY tablename",
            )
            .load(c)?,
            diesel::sql_query(
                "SELECT cl.relname::text AS child, pa.relname::text AS parent FROM pg_constraint k \
                 JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid \
                 WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace",
            )
            .load(c)?,
        ),
    };
    let names: Vec<String> = names.into_iter().map(|n| n.name).collect();
    // Kahn's algorithm over the foreign keys, alphabetical among equals (a stable order).
    let mut parents: BTreeMap<&str, BTreeSet<&str>> = names
        .iter()
        .map(|n| (n.as_str(), BTreeSet::new()))
        .collect();
    for e in &edges {
        if e.child != e.parent {
            if let Some(p) = parents.get_mut(e.child.as_str()) {
                p.insert(e.parent.as_str());
            }
        }
    }
    let mut ordered: Vec<String> = Vec::with_capacity(names.len());
    while ordered.len() < names.len() {
        let next = parents
            .iter()
            .find(|(n, ps)| {
                !ordered.iter().any(|o| o == *n)
                    && ps.iter().all(|p| ordered.iter().any(|o| o == p))
            })
            .map(|(n, _)| (*n).to_owned())
            .ok_or_else(|| StoreError::Archive("the tables' foreign keys form a cycle".into()))?;
        ordered.push(next);
    }
    let mut tables = Vec::with_capacity(ordered.len());
    for name in ordered {
        let rows: Vec<ColumnRow> = match conn {
            AnyConnection::Sqlite(c) => diesel::sql_query(
                "SELECT name, type AS kind, pk FROM pragma_table_info(?) ORDER BY cid",
            )
            .bind::<Text, _>(&name)
            .load(c)?,
            AnyConnection::Postgresql(c) => diesel::sql_query(
                "SELECT a.attname::text AS name, format_type(a.atttypid, NULL) AS kind, \
                 COALESCE((SELECT k.n FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) \
                 WHERE k.attnum = a.attnum), 0)::bigint AS pk \
                 FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary \
                 WHERE a.attrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass \
                 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            )
            .bind::<Text, _>(&name)
            .load(c)?,
        };
        let mut pk: Vec<(i64, String)> = rows
            .iter()
            .filter(|r| r.pk > 0)
            .map(|r| (r.pk, r.name.clone()))
            .collect();
        pk.sort();
        let columns = rows
            .iter()
            .map(|r| {
                Ok(Column {
                    name: r.name.clone(),
                    kind: kind_of(&r.kind, &name, &r.name)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        tables.push(TableInfo {
            name,
            columns,
            primary_key: pk.into_iter().map(|(_, n)| n).collect(),
        });
    }
    Ok(tables)
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    version: Option<String>,
}

/// The last migration applied (diesel's version string), or `None` for a database with none.
/// Read from diesel's table directly: the harness would try to create it, which a read-only
/// snapshot refuses.
pub fn schema_version(conn: &mut AnyConnection) -> StoreResult<Option<String>> {
    let exists: Vec<Name> = match conn {
        AnyConnection::Sqlite(c) => diesel::sql_query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__diesel_schema_migrations'",
        )
        .load(c)?,
        AnyConnection::Postgresql(c) => diesel::sql_query(
            "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema() \
             AND tablename = '__diesel_schema_migrations'",
        )
        .load(c)?,
    };
    if exists.is_empty() {
        return Ok(None);
    }
    let q = diesel::sql_query("SELECT MAX(version) AS version FROM __diesel_schema_migrations");
    let v: Version = match conn {
        AnyConnection::Sqlite(c) => q.get_result(c)?,
        AnyConnection::Postgresql(c) => q.get_result(c)?,
    };
    Ok(v.version)
}

/// Every migration this build knows, oldest first (diesel's version strings).
pub fn known_versions(conn: &AnyConnection) -> StoreResult<Vec<String>> {
    let source = migrations_for(conn);
    let mut versions: Vec<String> = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&source)
        .map_err(|e| StoreError::Migration(e.to_string()))?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    versions.sort();
    Ok(versions)
}

/// Applies this build's migrations up to and including `version` (all when `None`).
pub fn migrate_to(conn: &mut AnyConnection, version: Option<&str>) -> StoreResult<()> {
    fn run<C, DB>(
        c: &mut C,
        source: diesel_migrations::EmbeddedMigrations,
        version: Option<&str>,
    ) -> StoreResult<()>
    where
        DB: diesel::backend::Backend,
        C: MigrationHarness<DB>,
        diesel_migrations::EmbeddedMigrations: MigrationSource<DB>,
    {
        let harness =
            |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
        let applied: BTreeSet<String> = c
            .applied_migrations()
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.to_string())
            .collect();
        let mut all = MigrationSource::<DB>::migrations(&source).map_err(harness)?;
        all.sort_by_key(|m| m.name().version().to_string());
        for m in all {
            let v = m.name().version().to_string();
            if version.is_some_and(|limit| v.as_str() > limit) {
                break;
            }
            if !applied.contains(&v) {
                c.run_migration(m.as_ref()).map_err(harness)?;
            }
        }
        Ok(())
    }
    let source = migrations_for(conn);
    match conn {
        AnyConnection::Sqlite(c) => run(c, source, version),
        AnyConnection::Postgresql(c) => run(c, source, version),
    }
}

/// Reverts the migrations above `version` (used to rebuild a database as an older release left
/// it: the backward-compatibility test of R-SEC-3).
pub fn revert_to(conn: &mut AnyConnection, version: &str) -> StoreResult<()> {
    loop {
        let source = migrations_for(conn);
        let Some(current) = schema_version(conn)? else {
            return Ok(());
        };
        if current.as_str() <= version {
            return Ok(());
        }
        let harness =
            |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
        match conn {
            AnyConnection::Sqlite(c) => c.revert_last_migration(source).map_err(harness)?,
            AnyConnection::Postgresql(c) => c.revert_last_migration(source).map_err(harness)?,
        };
    }
}

/// The value of one column in its archive form, from what the database's JSON functions gave.
fn canonical(kind: ColumnKind, value: serde_json::Value) -> StoreResult<serde_json::Value> {
    use serde_json::Value;
    Ok(match (kind, value) {
        (_, Value::Null) => Value::Null,
        (ColumnKind::Timestamp, Value::String(s)) => {
            Value::String(parse_timestamp(&s)?.format(TS_FORMAT).to_string())
        }
        (ColumnKind::Binary, Value::String(s)) => Value::String(s.to_ascii_lowercase()),
        (_, v) => v,
    })
}

fn parse_timestamp(s: &str) -> StoreResult<NaiveDateTime> {
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Ok(t);
        }
    }
    Err(StoreError::Archive(format!("`{s}` is not a timestamp")))
}

/// The query that gives each row as one JSON array, in primary-key order.
fn select_rows(backend_pg: bool, t: &TableInfo) -> String {
    let cols: Vec<String> = t
        .columns
        .iter()
        .map(|c| {
            let q = quote(&c.name);
            match (backend_pg, c.kind) {
                (false, ColumnKind::Binary) => format!("lower(hex({q}))"),
                (true, ColumnKind::Binary) => format!("encode({q}, 'hex')"),
                _ => q,
            }
        })
        .collect();
    let order: Vec<String> = if t.primary_key.is_empty() {
        t.columns.iter().map(|c| quote(&c.name)).collect()
    } else {
        t.primary_key.iter().map(|c| quote(c)).collect()
    };
    let array = if backend_pg {
        format!("json_build_array({})::text", cols.join(", "))
    } else {
        format!("json_array({})", cols.join(", "))
    };
    format!(
        "SELECT {array} AS row FROM {} ORDER BY {}",
        quote(&t.name),
        order.join(", ")
    )
}

/// Streams the rows of `t` to `sink`, one canonical JSON array per line. Returns the row count.
fn dump_table(
    conn: &mut AnyConnection,
    t: &TableInfo,
    sink: &mut dyn Write,
    progress: ProgressFn<'_>,
) -> StoreResult<i64> {
    let mut count = 0_i64;
    let mut line = |raw: String| -> StoreResult<()> {
        let serde_json::Value::Array(values) = serde_json::from_str(&raw)? else {
            return Err(StoreError::Corrupt(format!(
                "a row of {} is not an array",
                t.name
            )));
        };
        let values = values
            .into_iter()
            .zip(&t.columns)
            .map(|(v, c)| canonical(c.kind, v))
            .collect::<StoreResult<Vec<_>>>()?;
        serde_json::to_writer(&mut *sink, &values)?;
        sink.write_all(b"\n")?;
        count += 1;
        if count % 1_000 == 0 {
            progress(Progress::Rows(1_000));
        }
        Ok(())
    };
    match conn {
        AnyConnection::Sqlite(c) => {
            let query = diesel::sql_query(select_rows(false, t));
            for row in query.load_iter::<JsonRow, diesel::connection::DefaultLoadingMode>(c)? {
                line(row?.row)?;
            }
        }
        AnyConnection::Postgresql(c) => {
            let query = diesel::sql_query(select_rows(true, t));
            for row in query.load_iter::<JsonRow, diesel::pg::PgRowByRowLoadingMode>(c)? {
                line(row?.row)?;
            }
        }
    }
    progress(Progress::Rows((count % 1_000) as u64));
    Ok(count)
}

fn count_rows(conn: &mut AnyConnection, table: &str) -> StoreResult<i64> {
    let q = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {}", quote(table)));
    let c: Count = match conn {
        AnyConnection::Sqlite(c) => q.get_result(c)?,
        AnyConnection::Postgresql(c) => q.get_result(c)?,
    };
    Ok(c.n)
}

/// Runs `f` in one read-only snapshot of the whole database: on PostgreSQL a REPEATABLE READ
/// transaction (READ COMMITTED would give each table a different moment), on SQLite a read
/// transaction, which in WAL mode sees the database as it was at its first read while writers
/// go on.
fn in_snapshot<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> StoreResult<T>,
) -> StoreResult<T> {
    type Tm = <AnyConnection as Connection>::TransactionManager;
    match conn {
        AnyConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN")?,
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction_sql(
            c,
            "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        )?,
    }
    let result = f(conn);
    let end = Tm::rollback_transaction(conn);
    let value = result?;
    end?;
    Ok(value)
}

/// A finished archive on disk.
#[derive(Debug, Clone)]
pub struct Written {
    pub manifest: Manifest,
    pub size_bytes: u64,
    /// SHA-256 of the archive file.
    pub sha256: String,
}

fn sha256_file(path: &Path) -> StoreResult<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A reader that hashes what passes through it.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Removes a folder of temporary files when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes an archive of the whole database to `out` (which must not exist) while the database
/// keeps serving. The archive appears under its name only when complete.
pub fn write_archive(
    conn: &mut AnyConnection,
    out: &Path,
    created_at: DateTime<Utc>,
    app_version: &str,
    progress: ProgressFn<'_>,
) -> StoreResult<Written> {
    if out.exists() {
        return Err(StoreError::Archive(format!(
            "{} exists; choose a new file",
            out.display()
        )));
    }
    let folder = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let file_name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".to_owned());
    let parts = TempDir(folder.join(format!(".{file_name}.parts")));
    std::fs::create_dir_all(&parts.0)?;
    let source_backend = match conn {
        AnyConnection::Sqlite(_) => "sqlite",
        AnyConnection::Postgresql(_) => "postgres",
    };
    let (schema_version, tables) = in_snapshot(conn, |conn| {
        let version = schema_version(conn)?
            .ok_or_else(|| StoreError::Archive("the database has no schema yet".into()))?;
        let mut tables = Vec::new();
        for (i, t) in catalog(conn)?.into_iter().enumerate() {
            let rows = count_rows(conn, &t.name)?;
            progress(Progress::Table {
                name: &t.name,
                rows,
            });
            let path = parts.0.join(format!("{i:03}.ndjson"));
            let mut sink = Hashing {
                inner: BufWriter::new(std::fs::File::create(&path)?),
                hasher: Sha256::new(),
            };
            let dumped = dump_table(conn, &t, &mut sink, progress)?;
            sink.flush()?;
            tables.push((
                TableManifest {
                    name: t.name.clone(),
                    columns: t.columns.clone(),
                    rows: dumped,
                    sha256: hex::encode(sink.hasher.finalize()),
                },
                path,
            ));
        }
        Ok((version, tables))
    })?;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        schema_version,
        created_at,
        source_backend: source_backend.to_owned(),
        app_version: app_version.to_owned(),
        total_rows: tables.iter().map(|(t, _)| t.rows).sum(),
        tables: tables.iter().map(|(t, _)| t.clone()).collect(),
    };
    let partial = folder.join(format!(".{file_name}.partial"));
    let written = write_tar(&partial, &manifest, &tables, created_at);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, out)?;
    Ok(Written {
        size_bytes: std::fs::metadata(out)?.len(),
        sha256: sha256_file(out)?,
        manifest,
    })
}

/// The archive file: the manifest first, then each table's rows.
fn write_tar(
    partial: &Path,
    manifest: &Manifest,
    tables: &[(TableManifest, PathBuf)],
    created_at: DateTime<Utc>,
) -> StoreResult<()> {
    {
        let file = std::fs::File::create(partial)?;
        let gz = flate2::write::GzEncoder::new(BufWriter::new(file), flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        let mtime = created_at.timestamp().max(0) as u64;
        let body = serde_json::to_vec_pretty(manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(mtime);
        tar.append_data(&mut header, MANIFEST, body.as_slice())?;
        for (t, path) in tables {
            let file = std::fs::File::open(path)?;
            let mut header = tar::Header::new_gnu();
            header.set_size(file.metadata()?.len());
            header.set_mode(0o600);
            header.set_mtime(mtime);
            tar.append_data(&mut header, format!("tables/{}.ndjson", t.name), file)?;
        }
        let gz = tar.into_inner()?;
        let mut writer = gz.finish()?;
        writer.flush()?;
        writer.get_ref().sync_all()?;
    }
    Ok(())
}

fn refused(msg: impl Into<String>) -> StoreError {
    StoreError::Archive(msg.into())
}

/// Reads an archive's entries in order, checking each table's rows against the manifest;
/// `per_table` receives each table's rows as parsed JSON arrays, in batches.
fn read_archive(
    path: &Path,
    progress: ProgressFn<'_>,
    mut per_table: impl FnMut(&TableManifest, Vec<Vec<serde_json::Value>>) -> StoreResult<()>,
) -> StoreResult<Manifest> {
    let file = std::fs::File::open(path)
        .map_err(|e| refused(format!("cannot open {}: {e}", path.display())))?;
    let damaged = |e: std::io::Error| refused(format!("the archive is damaged: {e}"));
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(BufReader::new(file)));
    let mut entries = archive.entries().map_err(damaged)?;
    let mut first = entries
        .next()
        .ok_or_else(|| refused("the archive is empty"))?
        .map_err(damaged)?;
    if first.path().map_err(damaged)?.to_string_lossy() != MANIFEST {
        return Err(refused(
            "this is not an ecops backup: it does not begin with its manifest",
        ));
    }
    let mut body = Vec::new();
    first.read_to_end(&mut body).map_err(damaged)?;
    drop(first);
    let manifest: Manifest = serde_json::from_slice(&body)
        .map_err(|e| refused(format!("the manifest cannot be read: {e}")))?;
    if manifest.format != FORMAT {
        return Err(refused("this is not an ecops backup"));
    }
    if manifest.format_version != FORMAT_VERSION {
        return Err(refused(format!(
            "the archive's format version is {}; this build reads version {FORMAT_VERSION}",
            manifest.format_version
        )));
    }
    for t in &manifest.tables {
        let mut entry = entries
            .next()
            .ok_or_else(|| refused(format!("the archive ends before the table {}", t.name)))?
            .map_err(damaged)?;
        let name = entry
            .path()
            .map_err(damaged)?
            .to_string_lossy()
            .into_owned();
        if name != format!("tables/{}.ndjson", t.name) {
            return Err(refused(format!(
                "the archive holds {name} where the manifest says {}",
                t.name
            )));
        }
        progress(Progress::Table {
            name: &t.name,
            rows: t.rows,
        });
        let mut reader = HashingReader {
            inner: BufReader::new(&mut entry),
            hasher: Sha256::new(),
        };
        let mut lines = BufReader::new(&mut reader).lines();
        let mut rows = 0_i64;
        let mut batch = Vec::with_capacity(BATCH);
        for line in lines.by_ref() {
            let line = line.map_err(damaged)?;
            let values: Vec<serde_json::Value> = serde_json::from_str(&line).map_err(|e| {
                refused(format!(
                    "row {} of {} cannot be read: {e}",
                    rows + 1,
                    t.name
                ))
            })?;
            if values.len() != t.columns.len() {
                return Err(refused(format!(
                    "row {} of {} has {} values for {} columns",
                    rows + 1,
                    t.name,
                    values.len(),
                    t.columns.len()
                )));
            }
            rows += 1;
            batch.push(values);
            if batch.len() == BATCH {
                progress(Progress::Rows(BATCH as u64));
                per_table(t, std::mem::take(&mut batch))?;
            }
        }
        drop(lines);
        let n = batch.len() as u64;
        if !batch.is_empty() {
            per_table(t, batch)?;
        }
        progress(Progress::Rows(n));
        if hex::encode(reader.hasher.finalize()) != t.sha256 {
            return Err(refused(format!(
                "the rows of {} do not match their checksum: the archive is damaged",
                t.name
            )));
        }
        if rows != t.rows {
            return Err(refused(format!(
                "{} holds {rows} rows where the manifest says {}",
                t.name, t.rows
            )));
        }
    }
    if entries.next().is_some() {
        return Err(refused("the archive holds more than its manifest lists"));
    }
    // Read to the end of the compressed stream, so its own checksum is checked too.
    let mut rest = archive.into_inner();
    std::io::copy(&mut rest, &mut std::io::sink()).map_err(damaged)?;
    Ok(manifest)
}

/// Checks an archive without restoring it: the manifest, every table's rows against their
/// checksum and count, and the compressed stream's own checksum.
pub fn verify_archive(path: &Path, progress: ProgressFn<'_>) -> StoreResult<Manifest> {
    read_archive(path, progress, |_, _| Ok(()))
}

/// Reads only the manifest (for listings; no check of the rows).
pub fn read_manifest(path: &Path) -> StoreResult<Manifest> {
    let file = std::fs::File::open(path)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(BufReader::new(file)));
    let damaged = |e: std::io::Error| refused(format!("the archive is damaged: {e}"));
    let mut entries = archive.entries().map_err(damaged)?;
    let mut first = entries
        .next()
        .ok_or_else(|| refused("the archive is empty"))?
        .map_err(damaged)?;
    let mut body = Vec::new();
    first.read_to_end(&mut body).map_err(damaged)?;
    serde_json::from_slice(&body).map_err(|e| refused(format!("the manifest cannot be read: {e}")))
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    pub manifest: Manifest,
    /// Migrations applied after the rows were loaded (an older archive migrated forward).
    pub migrated_forward: usize,
}

/// Whether a database holds anything a restore would lose: any user account or audit entry.
pub fn holds_data(conn: &mut AnyConnection) -> StoreResult<bool> {
    if schema_version(conn)?.is_none() {
        return Ok(false);
    }
    Ok(count_rows(conn, "users")? > 0 || count_rows(conn, "audit_log")? > 0)
}

/// Restores an archive. The whole archive is verified first: a damaged one is refused before
/// anything is written. The database must hold no data unless `replace` is set; it is then
/// rebuilt at the archive's schema version, the rows are loaded in one transaction, and the
/// migrations that came after the archive are applied. An archive made by a newer schema than
/// this build knows is refused.
pub fn restore_archive(
    conn: &mut AnyConnection,
    path: &Path,
    replace: bool,
    progress: ProgressFn<'_>,
) -> StoreResult<Restored> {
    let manifest = verify_archive(path, &mut |_| {})?;
    let known = known_versions(conn)?;
    let latest = known.last().cloned().unwrap_or_default();
    if manifest.schema_version > latest {
        return Err(refused(format!(
            "the archive was made by a newer schema ({}) than this build knows ({latest}): \
             restore it with a newer ecops",
            manifest.schema_version
        )));
    }
    if !known.contains(&manifest.schema_version) {
        return Err(refused(format!(
            "the archive's schema version {} is not one of this build's migrations",
            manifest.schema_version
        )));
    }
    if holds_data(conn)? && !replace {
        return Err(refused(
            "the database is not empty: restore into an empty database, or pass --replace to \
             replace it (everything in it is lost)",
        ));
    }
    let pg = matches!(conn, AnyConnection::Postgresql(_));
    // One transaction for all of it, the schema's rebuild included (both backends' DDL is
    // transactional): a restore that fails at any point leaves the database as it was.
    crate::db::write_tx(conn, |conn| -> StoreResult<()> {
        if let AnyConnection::Sqlite(c) = conn {
            // The rebuild drops and re-creates tables that rows refer to; the references are
            // checked once, at the commit.
            diesel::sql_query("PRAGMA defer_foreign_keys = ON").execute(c)?;
        }
        // The event feed's number so far: it goes on above it after the restore.
        let feed_head = if catalog(conn)?.iter().any(|t| t.name == "outbox_events") {
            crate::repo::outbox::head(conn)?
        } else {
            None
        };
        if schema_version(conn)?.is_some() {
            revert_all(conn)?;
        }
        migrate_to(conn, Some(&manifest.schema_version))?;
        let tables: BTreeSet<String> = catalog(conn)?.into_iter().map(|t| t.name).collect();
        let held: BTreeSet<String> = manifest.tables.iter().map(|t| t.name.clone()).collect();
        if tables != held {
            return Err(refused(format!(
                "the archive's tables do not match schema {}: missing {:?}, unknown {:?}",
                manifest.schema_version,
                tables.difference(&held).collect::<Vec<_>>(),
                held.difference(&tables).collect::<Vec<_>>()
            )));
        }
        // Migrations seed some tables (the approval chains); the archive holds their rows.
        for t in manifest.tables.iter().rev() {
            if t.name != "audit_log" {
                let q = diesel::sql_query(format!("DELETE FROM {}", quote(&t.name)));
                match conn {
                    AnyConnection::Sqlite(c) => q.execute(c)?,
                    AnyConnection::Postgresql(c) => q.execute(c)?,
                };
            }
        }
        read_archive(path, progress, |t, batch| insert_batch(conn, pg, t, batch))?;
        migrate_to(conn, None)?;
        if let Some(h) = feed_head {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            crate::repo::outbox::continue_after(conn, h, &name, chrono::Utc::now())?;
        }
        Ok(())
    })?;
    let before = known
        .iter()
        .filter(|v| **v <= manifest.schema_version)
        .count();
    Ok(Restored {
        manifest,
        migrated_forward: known.len() - before,
    })
}

fn insert_batch(
    conn: &mut AnyConnection,
    pg: bool,
    t: &TableManifest,
    batch: Vec<Vec<serde_json::Value>>,
) -> StoreResult<()> {
    let names: Vec<String> = t.columns.iter().map(|c| quote(&c.name)).collect();
    let exprs: Vec<String> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match (pg, c.kind) {
            (true, ColumnKind::Integer) => format!("(r->>{i})::bigint"),
            (true, ColumnKind::Timestamp) => format!("(r->>{i})::timestamp"),
            (true, ColumnKind::Date) => format!("(r->>{i})::date"),
            (true, ColumnKind::Binary) => format!("decode(r->>{i}, 'hex')"),
            (true, ColumnKind::Text) => format!("(r->>{i})"),
            (false, ColumnKind::Binary) => format!("unhex(json_extract(value, '$[{i}]'))"),
            (false, _) => format!("json_extract(value, '$[{i}]')"),
        })
        .collect();
    let rows: Vec<serde_json::Value> = if pg {
        batch.into_iter().map(serde_json::Value::Array).collect()
    } else {
        // SQLite keeps timestamps as the text diesel writes for them.
        batch
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .zip(&t.columns)
                    .map(|(v, c)| match (c.kind, v) {
                        (ColumnKind::Timestamp, serde_json::Value::String(s)) => {
                            parse_timestamp(&s).map(|ts| {
                                serde_json::Value::String(ts.format("%F %T%.f").to_string())
                            })
                        }
                        (ColumnKind::Date, serde_json::Value::String(s)) => {
                            NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                                .map_err(|e| refused(format!("`{s}` is not a date: {e}")))?;
                            Ok(serde_json::Value::String(s))
                        }
                        (_, v) => Ok(v),
                    })
                    .collect::<StoreResult<Vec<_>>>()
                    .map(serde_json::Value::Array)
            })
            .collect::<StoreResult<Vec<_>>>()?
    };
    let json = serde_json::Value::Array(rows).to_string();
    let sql = if pg {
        format!(
            "INSERT INTO {} ({}) SELECT {} FROM json_array_elements($1::json) AS r",
            quote(&t.name),
            names.join(", "),
            exprs.join(", ")
        )
    } else {
        format!(
            "INSERT INTO {} ({}) SELECT {} FROM json_each(?)",
            quote(&t.name),
            names.join(", "),
            exprs.join(", ")
        )
    };
    let q = diesel::sql_query(sql).bind::<Text, _>(json);
    match conn {
        AnyConnection::Sqlite(c) => q.execute(c)?,
        AnyConnection::Postgresql(c) => q.execute(c)?,
    };
    Ok(())
}

/// Every row of every table in archive form, each row an object of its columns (so that the
/// order of the columns, which may differ between backends, does not matter), the rows of each
/// table sorted as text (the backends' collations order keys differently): the means of
/// comparing two databases row by row (the round-trip tests).
pub fn dump_all(conn: &mut AnyConnection) -> StoreResult<BTreeMap<String, Vec<String>>> {
    in_snapshot(conn, |conn| {
        let mut out = BTreeMap::new();
        for t in catalog(conn)? {
            let mut buf = Vec::new();
            dump_table(conn, &t, &mut buf, &mut |_| {})?;
            let text = String::from_utf8(buf).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let rows = text
                .lines()
                .map(|line| {
                    let values: Vec<serde_json::Value> = serde_json::from_str(line)?;
                    let row: BTreeMap<&str, serde_json::Value> = t
                        .columns
                        .iter()
                        .map(|c| c.name.as_str())
                        .zip(values)
                        .collect();
                    Ok(serde_json::to_string(&row)?)
                })
                .collect::<StoreResult<Vec<String>>>()?;
            let mut rows = rows;
            rows.sort();
            out.insert(t.name.clone(), rows);
        }
        Ok(out)
    })
}
