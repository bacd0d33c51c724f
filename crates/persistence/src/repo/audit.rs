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
    /// R-ACC-1: the person the action was taken for, with lent roles, and the delegation.
    pub on_behalf_of: Option<OnBehalf>,
}

/// An action taken with roles lent by `person` through `delegation` (R-ACC-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnBehalf {
    pub person: Uuid,
    pub delegation: Uuid,
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
    pub on_behalf_of: Option<OnBehalf>,
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
    on_behalf_of: Option<String>,
    delegation_id: Option<String>,
}

/// Appends an entry; call it inside the transaction of the action it records.
///
/// Inside [`crate::db::write_tx`] the entry is held until the transaction's work is done and is
/// then written, chained, just before the commit (see [`write_chained`]); outside one it is
/// written in a transaction of its own.
pub fn append(conn: &mut AnyConnection, entry: &NewEntry, now: DateTime<Utc>) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    let pending = Pending {
        id,
        at: to_db(now),
        entry: entry.clone(),
    };
    if let Some(crate::deferred::Item::Audit(pending)) =
        crate::deferred::hold(conn, crate::deferred::Item::Audit(pending))
    {
        crate::db::write_tx(conn, |conn| write_chained(conn, vec![pending]))?;
    }
    Ok(id)
}

/// An entry waiting for its transaction's end.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    id: Uuid,
    at: NaiveDateTime,
    entry: NewEntry,
}

/// The `prev_hash` of the first entry of the chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of one entry: SHA-256 over its position, the previous entry's hash and every stored
/// field, serialized as one JSON array (unambiguous whatever the fields contain).
#[allow(clippy::too_many_arguments)]
fn entry_hash(
    seq: i64,
    prev_hash: &str,
    id: &str,
    at: NaiveDateTime,
    actor_id: Option<&str>,
    actor_username: Option<&str>,
    action: &str,
    subject_type: Option<&str>,
    subject_id: Option<&str>,
    client_addr: Option<&str>,
    outcome: &str,
    detail: &str,
    request_id: Option<&str>,
    on_behalf: (Option<&str>, Option<&str>),
) -> String {
    use sha2::{Digest, Sha256};
    let mut canonical = serde_json::json!([
        seq,
        prev_hash,
        id,
        at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        actor_id,
        actor_username,
        action,
        subject_type,
        subject_id,
        client_addr,
        outcome,
        detail,
        request_id
    ]);
    // Entries written before delegated access existed hash as they always did.
    if let (serde_json::Value::Array(fields), (Some(_), _) | (_, Some(_))) =
        (&mut canonical, on_behalf)
    {
        fields.push(on_behalf.0.into());
        fields.push(on_behalf.1.into());
    }
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Writes `entries` at the end of the chain. Called by `write_tx` as the last step before its
/// commit: on PostgreSQL it takes the chain's lock there, so the lock is held only for the
/// insert and the commit, and never while waiting for another lock (no deadlock with the
/// subject locks the work took). On SQLite the write transaction already excludes other writers.
pub(crate) fn write_chained(conn: &mut AnyConnection, entries: Vec<Pending>) -> StoreResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    crate::db::lock_subject(conn, "audit", "chain")?;
    let last: Option<(Option<i64>, Option<String>)> = audit_log::table
        .filter(audit_log::seq.is_not_null())
        .select((audit_log::seq, audit_log::hash))
        .order(audit_log::seq.desc())
        .first(conn)
        .optional()?;
    let (mut seq, mut prev) = match last {
        Some((Some(seq), Some(hash))) => (seq, hash),
        _ => (0, GENESIS.to_owned()),
    };
    for p in entries {
        seq += 1;
        let e = &p.entry;
        let id = p.id.to_string();
        let actor_id = e.actor_id.map(|u| u.to_string());
        let detail = e.detail.to_string();
        let on_behalf_of = e.on_behalf_of.map(|o| o.person.to_string());
        let delegation_id = e.on_behalf_of.map(|o| o.delegation.to_string());
        let hash = entry_hash(
            seq,
            &prev,
            &id,
            p.at,
            actor_id.as_deref(),
            e.actor_username.as_deref(),
            &e.action,
            e.subject_type.as_deref(),
            e.subject_id.as_deref(),
            e.client_addr.as_deref(),
            e.outcome.as_str(),
            &detail,
            e.request_id.as_deref(),
            (on_behalf_of.as_deref(), delegation_id.as_deref()),
        );
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::id.eq(&id),
                audit_log::at.eq(p.at),
                audit_log::actor_id.eq(&actor_id),
                audit_log::actor_username.eq(&e.actor_username),
                audit_log::action.eq(&e.action),
                audit_log::subject_type.eq(&e.subject_type),
                audit_log::subject_id.eq(&e.subject_id),
                audit_log::client_addr.eq(&e.client_addr),
                audit_log::outcome.eq(e.outcome.as_str()),
                audit_log::detail.eq(&detail),
                audit_log::request_id.eq(&e.request_id),
                audit_log::seq.eq(Some(seq)),
                audit_log::prev_hash.eq(Some(&prev)),
                audit_log::hash.eq(Some(&hash)),
                audit_log::on_behalf_of.eq(&on_behalf_of),
                audit_log::delegation_id.eq(&delegation_id),
            ))
            .execute(conn)?;
        prev = hash;
    }
    Ok(())
}

/// One thing wrong with the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainProblem {
    /// `altered` (the entry's content no longer gives its hash), `broken_link` (its `prev_hash`
    /// is not the previous entry's hash), `gap` (positions missing before it: entries deleted),
    /// `unchained` (an entry without a position written after the chain began).
    pub kind: &'static str,
    pub seq: Option<i64>,
    pub entry_id: String,
}

/// What a walk along the chain found.
#[derive(Debug, Clone, Default)]
pub struct ChainReport {
    pub entries_checked: i64,
    /// Entries written before the chain existed (before this version); they carry no hash.
    pub legacy_entries: i64,
    pub last_seq: Option<i64>,
    pub head_hash: Option<String>,
    /// The first problems found (at most 100), in chain order.
    pub problems: Vec<ChainProblem>,
    /// How many problems in all.
    pub problem_count: i64,
}

impl ChainReport {
    pub fn intact(&self) -> bool {
        self.problem_count == 0
    }

    fn found(&mut self, kind: &'static str, seq: Option<i64>, entry_id: &str) {
        self.problem_count += 1;
        if self.problems.len() < 100 {
            self.problems.push(ChainProblem {
                kind,
                seq,
                entry_id: entry_id.to_owned(),
            });
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct ChainRow {
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
    request_id: Option<String>,
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
    on_behalf_of: Option<String>,
    delegation_id: Option<String>,
}

/// Walks the whole chain in order, a page at a time (memory stays flat however long the log),
/// recomputing every hash and link. Run it in a read transaction for one consistent view.
pub fn verify_chain(conn: &mut AnyConnection) -> StoreResult<ChainReport> {
    const PAGE: i64 = 2_000;
    let mut report = ChainReport::default();
    let mut expected_seq = 1_i64;
    let mut prev = GENESIS.to_owned();
    let mut first_at: Option<NaiveDateTime> = None;
    loop {
        let rows: Vec<ChainRow> = audit_log::table
            .filter(audit_log::seq.ge(expected_seq))
            .select(ChainRow::as_select())
            .order(audit_log::seq.asc())
            .limit(PAGE)
            .load(conn)?;
        let n = rows.len() as i64;
        for r in rows {
            let seq = r.seq.unwrap_or_default();
            first_at.get_or_insert(r.at);
            report.entries_checked += 1;
            if seq != expected_seq {
                report.found("gap", Some(seq), &r.id);
            }
            let stored_prev = r.prev_hash.as_deref().unwrap_or_default();
            if stored_prev != prev {
                report.found("broken_link", Some(seq), &r.id);
            }
            let hash = entry_hash(
                seq,
                stored_prev,
                &r.id,
                r.at,
                r.actor_id.as_deref(),
                r.actor_username.as_deref(),
                &r.action,
                r.subject_type.as_deref(),
                r.subject_id.as_deref(),
                r.client_addr.as_deref(),
                &r.outcome,
                &r.detail,
                r.request_id.as_deref(),
                (r.on_behalf_of.as_deref(), r.delegation_id.as_deref()),
            );
            if r.hash.as_deref() != Some(hash.as_str()) {
                report.found("altered", Some(seq), &r.id);
            }
            prev = r.hash.unwrap_or_default();
            expected_seq = seq + 1;
            report.last_seq = Some(seq);
        }
        if n < PAGE {
            break;
        }
    }
    report.head_hash = report.last_seq.map(|_| prev);
    let unchained = audit_log::table.filter(audit_log::seq.is_null());
    match first_at {
        None => report.legacy_entries = unchained.count().get_result(conn)?,
        Some(start) => {
            report.legacy_entries = unchained
                .filter(audit_log::at.lt(start))
                .count()
                .get_result(conn)?;
            let late: Vec<String> = unchained
                .filter(audit_log::at.ge(start))
                .select(audit_log::id)
                .order(audit_log::id.asc())
                .limit(100)
                .load(conn)?;
            for id in late {
                report.found("unchained", None, &id);
            }
            let late_count: i64 = unchained
                .filter(audit_log::at.ge(start))
                .count()
                .get_result(conn)?;
            report.problem_count += (late_count - 100).max(0);
        }
    }
    Ok(report)
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
    /// R-ACC-1: the actions taken through one delegation, the delegation's own entries, and
    /// (the second id) those of its approval request.
    pub delegation_id: Option<(Uuid, Option<Uuid>)>,
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
    if let Some((d, request)) = filter.delegation_id {
        let d = d.to_string();
        let request = request.map(|r| r.to_string()).unwrap_or_default();
        q = q.filter(
            audit_log::delegation_id
                .eq(d.clone())
                .or(audit_log::subject_type
                    .eq("delegation")
                    .and(audit_log::subject_id.eq(d)))
                .or(audit_log::subject_type
                    .eq("approval_request")
                    .and(audit_log::subject_id.eq(request))),
        );
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
                on_behalf_of: match (r.on_behalf_of, r.delegation_id) {
                    (Some(p), Some(d)) => Some(OnBehalf {
                        person: parse_uuid(&p)?,
                        delegation: parse_uuid(&d)?,
                    }),
                    _ => None,
                },
            })
        })
        .collect()
}
