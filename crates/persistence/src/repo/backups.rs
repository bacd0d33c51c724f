//! The record of backups taken (R-SEC-2): where the archive is, its size, checksum and row
//! counts, and who or what made it.

use super::{from_db, parse_uuid, to_db};
use crate::schema::backups;
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Backup {
    pub id: Uuid,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub schema_version: String,
    pub row_counts: BTreeMap<String, i64>,
    pub total_rows: i64,
    /// `api`, `cli` or `schedule`.
    pub origin: String,
    pub made_by: Option<Uuid>,
    pub node: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// When the file was removed by the retention (the record stays).
    pub removed_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = backups)]
struct Row {
    id: String,
    file_name: String,
    size_bytes: i64,
    sha256: String,
    schema_version: String,
    row_counts: String,
    total_rows: i64,
    origin: String,
    made_by: Option<String>,
    node: String,
    started_at: NaiveDateTime,
    finished_at: NaiveDateTime,
    removed_at: Option<NaiveDateTime>,
}

fn backup(r: Row) -> StoreResult<Backup> {
    Ok(Backup {
        id: parse_uuid(&r.id)?,
        file_name: r.file_name,
        size_bytes: r.size_bytes,
        sha256: r.sha256,
        schema_version: r.schema_version,
        row_counts: serde_json::from_str(&r.row_counts)?,
        total_rows: r.total_rows,
        origin: r.origin,
        made_by: r.made_by.as_deref().map(parse_uuid).transpose()?,
        node: r.node,
        started_at: from_db(r.started_at),
        finished_at: from_db(r.finished_at),
        removed_at: r.removed_at.map(from_db),
    })
}

pub fn insert(conn: &mut AnyConnection, b: &Backup) -> StoreResult<()> {
    diesel::insert_into(backups::table)
        .values((
            backups::id.eq(b.id.to_string()),
            backups::file_name.eq(&b.file_name),
            backups::size_bytes.eq(b.size_bytes),
            backups::sha256.eq(&b.sha256),
            backups::schema_version.eq(&b.schema_version),
            backups::row_counts.eq(serde_json::to_string(&b.row_counts)?),
            backups::total_rows.eq(b.total_rows),
            backups::origin.eq(&b.origin),
            backups::made_by.eq(b.made_by.map(|u| u.to_string())),
            backups::node.eq(&b.node),
            backups::started_at.eq(to_db(b.started_at)),
            backups::finished_at.eq(to_db(b.finished_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Newest first.
pub fn list(conn: &mut AnyConnection, limit: i64) -> StoreResult<Vec<Backup>> {
    let rows: Vec<Row> = backups::table
        .select(Row::as_select())
        .order((backups::finished_at.desc(), backups::id.desc()))
        .limit(limit)
        .load(conn)?;
    rows.into_iter().map(backup).collect()
}

pub fn get(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Backup> {
    backup(
        backups::table
            .find(id.to_string())
            .select(Row::as_select())
            .first(conn)?,
    )
}

/// The newest backup made by the schedule.
pub fn last_scheduled(conn: &mut AnyConnection) -> StoreResult<Option<Backup>> {
    let row: Option<Row> = backups::table
        .filter(backups::origin.eq("schedule"))
        .select(Row::as_select())
        .order(backups::started_at.desc())
        .first(conn)
        .optional()?;
    row.map(backup).transpose()
}

/// Backups whose file is still kept, newest first.
pub fn kept(conn: &mut AnyConnection) -> StoreResult<Vec<Backup>> {
    let rows: Vec<Row> = backups::table
        .filter(backups::removed_at.is_null())
        .select(Row::as_select())
        .order((backups::finished_at.desc(), backups::id.desc()))
        .load(conn)?;
    rows.into_iter().map(backup).collect()
}

pub fn mark_removed(conn: &mut AnyConnection, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(backups::table.find(id.to_string()))
        .set(backups::removed_at.eq(Some(to_db(now))))
        .execute(conn)?;
    Ok(())
}
