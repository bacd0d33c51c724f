//! The append-only audit log (R-SEC-4). Rows are only ever inserted; database triggers refuse
//! UPDATE and DELETE on both backends.

use super::{from_db, parse_uuid, to_db};
use crate::schema::audit_log;
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Refused => "refused",
        }
    }
}

/// One entry to write.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub actor_id: Option<Uuid>,
    pub actor_username: Option<String>,
    pub action: String,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub client_addr: Option<String>,
    pub outcome: Outcome,
    pub detail: serde_json::Value,
    pub request_id: Option<String>,
}

/// A stored entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_username: Option<String>,
    pub action: String,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub client_addr: Option<String>,
    pub outcome: String,
    pub detail: serde_json::Value,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct Row {
    id: String,
    at: NaiveDateTime,
    actor_id: Option<String>,
    actor_username: Option<String>,
    action: String,
    subject_type: Option<String>,
    subject_id: Option<String>,
    client_addr: Option<String>,
    outcome: String,
    detail: String,
}

/// Appends an entry; call it inside the transaction of the action it records.
pub fn append(conn: &mut AnyConnection, entry: &NewEntry, now: DateTime<Utc>) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(id.to_string()),
            audit_log::at.eq(to_db(now)),
            audit_log::actor_id.eq(entry.actor_id.map(|u| u.to_string())),
            audit_log::actor_username.eq(&entry.actor_username),
            audit_log::action.eq(&entry.action),
            audit_log::subject_type.eq(&entry.subject_type),
            audit_log::subject_id.eq(&entry.subject_id),
            audit_log::client_addr.eq(&entry.client_addr),
            audit_log::outcome.eq(entry.outcome.as_str()),
            audit_log::detail.eq(entry.detail.to_string()),
            audit_log::request_id.eq(&entry.request_id),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Filters of the audit list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_id: Option<Uuid>,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Newest first, older than the entry id `before`.
pub fn list(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Entry>> {
    let mut q = audit_log::table.select(Row::as_select()).into_boxed();
    if let Some(before) = before {
        q = q.filter(audit_log::id.lt(before.to_owned()));
    }
    if let Some(a) = &filter.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(a) = filter.actor_id {
        q = q.filter(audit_log::actor_id.eq(a.to_string()));
    }
    if let Some(s) = &filter.subject_type {
        q = q.filter(audit_log::subject_type.eq(s.clone()));
    }
    if let Some(s) = &filter.subject_id {
        q = q.filter(audit_log::subject_id.eq(s.clone()));
    }
    if let Some(o) = &filter.outcome {
        q = q.filter(audit_log::outcome.eq(o.clone()));
    }
    if let Some(from) = filter.from {
        q = q.filter(audit_log::at.ge(to_db(from)));
    }
    if let Some(to) = filter.to {
        q = q.filter(audit_log::at.lt(to_db(to)));
    }
    let rows: Vec<Row> = q.order(audit_log::id.desc()).limit(limit).load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(Entry {
                id: parse_uuid(&r.id)?,
                at: from_db(r.at),
                actor_id: r.actor_id.as_deref().map(parse_uuid).transpose()?,
                actor_username: r.actor_username,
                action: r.action,
                subject_type: r.subject_type,
                subject_id: r.subject_id,
                client_addr: r.client_addr,
                outcome: r.outcome,
                detail: serde_json::from_str(&r.detail)?,
            })
        })
        .collect()
}
