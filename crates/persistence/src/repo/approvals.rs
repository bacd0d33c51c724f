//! Approval requests (R-APR-1): stored with the chain resolved at submission, their decisions,
//! and the versioned chains an administrator configures.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{approval_chains, approval_decisions, approval_requests};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::approval::{ApprovalKind, ApprovalState, Chain, Decided, Verdict};
use ecops_domain::JobRole;
use std::collections::HashMap;
use uuid::Uuid;

/// A stored request.
#[derive(Debug, Clone)]
pub struct ApprovalRequest {
    pub id: Uuid,
    pub kind: ApprovalKind,
    pub subject_type: String,
    pub subject_id: String,
    pub proposer_id: Uuid,
    pub payload: serde_json::Value,
    pub reason: String,
    pub state: ApprovalState,
    pub chain: Chain,
    /// The configured chain version it was submitted under (`None`: the built-in default).
    pub chain_version: Option<i64>,
    pub subject_version: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub publish_by: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl ApprovalRequest {
    /// A new pending request.
    #[expect(
        clippy::too_many_arguments,
        reason = "each argument is one part of the request"
    )]
    pub fn new(
        kind: ApprovalKind,
        subject: (&str, String),
        proposer_id: Uuid,
        payload: serde_json::Value,
        reason: &str,
        chain: (Chain, Option<i64>),
        subject_version: Option<i64>,
        now: DateTime<Utc>,
    ) -> ApprovalRequest {
        ApprovalRequest {
            id: Uuid::now_v7(),
            kind,
            subject_type: subject.0.to_owned(),
            subject_id: subject.1,
            proposer_id,
            payload,
            reason: reason.to_owned(),
            state: ApprovalState::Pending,
            chain: chain.0,
            chain_version: chain.1,
            subject_version,
            created_at: now,
            decided_at: None,
            publish_by: None,
            published_at: None,
            version: 1,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = approval_requests)]
struct Row {
    id: String,
    kind: String,
    subject_type: String,
    subject_id: String,
    proposer_id: String,
    payload: String,
    reason: String,
    state: String,
    chain: String,
    subject_version: Option<i64>,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
    version: i64,
    chain_version: Option<i64>,
    publish_by: Option<NaiveDateTime>,
    published_at: Option<NaiveDateTime>,
}

impl Row {
    fn into_request(self) -> StoreResult<ApprovalRequest> {
        Ok(ApprovalRequest {
            id: parse_uuid(&self.id)?,
            kind: self.kind.parse()?,
            subject_type: self.subject_type,
            subject_id: self.subject_id,
            proposer_id: parse_uuid(&self.proposer_id)?,
            payload: serde_json::from_str(&self.payload)?,
            reason: self.reason,
            state: self.state.parse()?,
            chain: serde_json::from_str(&self.chain)?,
            chain_version: self.chain_version,
            subject_version: self.subject_version,
            created_at: from_db(self.created_at),
            decided_at: self.decided_at.map(from_db),
            publish_by: self.publish_by.map(from_db),
            published_at: self.published_at.map(from_db),
            version: self.version,
        })
    }
}

pub fn insert(conn: &mut AnyConnection, req: &ApprovalRequest) -> StoreResult<()> {
    diesel::insert_into(approval_requests::table)
        .values((
            approval_requests::id.eq(req.id.to_string()),
            approval_requests::kind.eq(req.kind.as_str()),
            approval_requests::subject_type.eq(&req.subject_type),
            approval_requests::subject_id.eq(&req.subject_id),
            approval_requests::proposer_id.eq(req.proposer_id.to_string()),
            approval_requests::payload.eq(req.payload.to_string()),
            approval_requests::reason.eq(&req.reason),
            approval_requests::state.eq(req.state.as_str()),
            approval_requests::chain.eq(serde_json::to_string(&req.chain)?),
            approval_requests::chain_version.eq(req.chain_version),
            approval_requests::subject_version.eq(req.subject_version),
            approval_requests::created_at.eq(to_db(req.created_at)),
            approval_requests::version.eq(req.version),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<ApprovalRequest>> {
    approval_requests::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Row::into_request)
        .transpose()
}

/// The requests with these ids (those that exist), in no particular order.
pub fn find_many(conn: &mut AnyConnection, ids: &[Uuid]) -> StoreResult<Vec<ApprovalRequest>> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    approval_requests::table
        .filter(approval_requests::id.eq_any(ids))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_request)
        .collect()
}

/// Takes the request's row lock for the rest of the transaction (a no-op write that bumps the
/// version): concurrent deciders on PostgreSQL queue here and then see each other's decisions;
/// on SQLite the IMMEDIATE transaction already serialises them. False if there is no such request.
pub fn lock(conn: &mut AnyConnection, id: Uuid) -> StoreResult<bool> {
    let n = diesel::update(approval_requests::table.find(id.to_string()))
        .set(approval_requests::version.eq(approval_requests::version + 1))
        .execute(conn)?;
    Ok(n == 1)
}

/// Closes a pending request. False if it was no longer pending.
pub fn close(
    conn: &mut AnyConnection,
    id: Uuid,
    state: ApprovalState,
    now: DateTime<Utc>,
    publish_by: Option<DateTime<Utc>>,
) -> StoreResult<bool> {
    let n = diesel::update(
        approval_requests::table
            .filter(approval_requests::id.eq(id.to_string()))
            .filter(approval_requests::state.eq(ApprovalState::Pending.as_str())),
    )
    .set((
        approval_requests::state.eq(state.as_str()),
        approval_requests::decided_at.eq(Some(to_db(now))),
        approval_requests::publish_by.eq(publish_by.map(to_db)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records that the approved content was published.
pub fn mark_published(conn: &mut AnyConnection, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = diesel::update(
        approval_requests::table
            .filter(approval_requests::id.eq(id.to_string()))
            .filter(approval_requests::state.eq(ApprovalState::Approved.as_str()))
            .filter(approval_requests::published_at.is_null()),
    )
    .set(approval_requests::published_at.eq(Some(to_db(now))))
    .execute(conn)?;
    Ok(n == 1)
}

/// The requests about one subject, newest first.
pub fn for_subject(
    conn: &mut AnyConnection,
    subject_type: &str,
    subject_id: &str,
) -> StoreResult<Vec<ApprovalRequest>> {
    let rows: Vec<Row> = approval_requests::table
        .filter(approval_requests::subject_type.eq(subject_type))
        .filter(approval_requests::subject_id.eq(subject_id))
        .order(approval_requests::id.desc())
        .select(Row::as_select())
        .load(conn)?;
    rows.into_iter().map(Row::into_request).collect()
}

/// A stored decision.
#[derive(Debug, Clone)]
pub struct Decision {
    pub id: Uuid,
    pub request_id: Uuid,
    pub step: usize,
    pub role: JobRole,
    pub decider_id: Uuid,
    pub verdict: Verdict,
    pub comment: String,
    pub decided_at: DateTime<Utc>,
    /// Delegation while on leave (R-ATT-8): the absent holder of the role this decision was
    /// taken for by the colleague their leave names.
    pub on_behalf_of: Option<Uuid>,
}

impl Decision {
    pub fn as_decided(&self) -> Decided {
        Decided {
            step: self.step,
            role: self.role,
            decider: self.decider_id,
            verdict: self.verdict,
        }
    }
}

type DecisionRow = (
    String,
    String,
    i32,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    Option<String>,
);

fn decision_from(r: DecisionRow) -> StoreResult<Decision> {
    Ok(Decision {
        id: parse_uuid(&r.0)?,
        request_id: parse_uuid(&r.1)?,
        step: usize::try_from(r.2).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        role: r.3.parse()?,
        decider_id: parse_uuid(&r.4)?,
        verdict: r.5.parse()?,
        comment: r.6,
        decided_at: from_db(r.7),
        on_behalf_of: r.8.as_deref().map(parse_uuid).transpose()?,
    })
}

/// Inserts a decision. A second decision for the same step and role, or by the same person, is a
/// unique violation: the concurrent loser of a race gets a conflict, never a double decision.
pub fn insert_decision(conn: &mut AnyConnection, d: &Decision) -> StoreResult<()> {
    diesel::insert_into(approval_decisions::table)
        .values((
            approval_decisions::id.eq(d.id.to_string()),
            approval_decisions::request_id.eq(d.request_id.to_string()),
            approval_decisions::step_index.eq(i32::try_from(d.step).unwrap_or(i32::MAX)),
            approval_decisions::role.eq(d.role.as_str()),
            approval_decisions::decider_id.eq(d.decider_id.to_string()),
            approval_decisions::verdict.eq(d.verdict.as_str()),
            approval_decisions::comment.eq(&d.comment),
            approval_decisions::decided_at.eq(to_db(d.decided_at)),
            approval_decisions::on_behalf_of.eq(d.on_behalf_of.map(|u| u.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

/// The decisions of many requests in one query, in order.
pub fn decisions_of(
    conn: &mut AnyConnection,
    ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<Decision>>> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<DecisionRow> = approval_decisions::table
        .filter(approval_decisions::request_id.eq_any(keys))
        .order(approval_decisions::id.asc())
        .select((
            approval_decisions::id,
            approval_decisions::request_id,
            approval_decisions::step_index,
            approval_decisions::role,
            approval_decisions::decider_id,
            approval_decisions::verdict,
            approval_decisions::comment,
            approval_decisions::decided_at,
            approval_decisions::on_behalf_of,
        ))
        .load(conn)?;
    let mut map: HashMap<Uuid, Vec<Decision>> = HashMap::new();
    for row in rows {
        let d = decision_from(row)?;
        map.entry(d.request_id).or_default().push(d);
    }
    Ok(map)
}

/// Which requests to list.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub proposer: Option<Uuid>,
    /// Only pending requests whose chain names one of these roles (refined by the caller).
    pub pending_for_roles: Option<Vec<JobRole>>,
    pub kind: Option<ApprovalKind>,
    pub state: Option<ApprovalState>,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Approved, unpublished, with a publish-by deadline before this instant.
    pub publish_overdue_at: Option<DateTime<Utc>>,
    /// Approved and unpublished with a publish-by deadline.
    pub awaiting_publication: bool,
}

/// Newest first, older than the id `before`.
pub fn list(
    conn: &mut AnyConnection,
    filter: &RequestFilter,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<ApprovalRequest>> {
    let mut q = approval_requests::table
        .select(Row::as_select())
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(approval_requests::id.lt(b.to_owned()));
    }
    if let Some(p) = filter.proposer {
        q = q.filter(approval_requests::proposer_id.eq(p.to_string()));
    }
    if let Some(roles) = &filter.pending_for_roles {
        q = q.filter(approval_requests::state.eq(ApprovalState::Pending.as_str()));
        // The chain is stored as JSON; a role key appears in it as a quoted string. This narrows
        // the rows; the caller judges each request's current step exactly.
        type Cond = Box<
            dyn BoxableExpression<
                approval_requests::table,
                crate::db::MultiBackend,
                SqlType = diesel::sql_types::Bool,
            >,
        >;
        let pattern = |r: &JobRole| format!("%\"{}\"%", r.as_str());
        let mut roles = roles.iter();
        let Some(first) = roles.next() else {
            return Ok(Vec::new());
        };
        let mut any: Cond = Box::new(approval_requests::chain.like(pattern(first)));
        for r in roles {
            any = Box::new(any.or(approval_requests::chain.like(pattern(r))));
        }
        q = q.filter(any);
    }
    if let Some(k) = filter.kind {
        q = q.filter(approval_requests::kind.eq(k.as_str()));
    }
    if let Some(s) = filter.state {
        q = q.filter(approval_requests::state.eq(s.as_str()));
    }
    if let Some(t) = &filter.subject_type {
        q = q.filter(approval_requests::subject_type.eq(t.clone()));
    }
    if let Some(s) = &filter.subject_id {
        q = q.filter(approval_requests::subject_id.eq(s.clone()));
    }
    if let Some(f) = filter.from {
        q = q.filter(approval_requests::created_at.ge(to_db(f)));
    }
    if let Some(t) = filter.to {
        q = q.filter(approval_requests::created_at.lt(to_db(t)));
    }
    if filter.awaiting_publication || filter.publish_overdue_at.is_some() {
        q = q
            .filter(approval_requests::state.eq(ApprovalState::Approved.as_str()))
            .filter(approval_requests::publish_by.is_not_null())
            .filter(approval_requests::published_at.is_null());
    }
    if let Some(at) = filter.publish_overdue_at {
        q = q.filter(approval_requests::publish_by.lt(to_db(at)));
    }
    let rows: Vec<Row> = q
        .order(approval_requests::id.desc())
        .limit(limit)
        .load(conn)?;
    rows.into_iter().map(Row::into_request).collect()
}

/// A configured chain version.
#[derive(Debug, Clone)]
pub struct ChainVersion {
    pub kind: ApprovalKind,
    pub version: i64,
    pub chain: Chain,
    pub effective_from: DateTime<Utc>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

type ChainRow = (String, i64, String, NaiveDateTime, String, NaiveDateTime);

fn chain_from(r: ChainRow) -> StoreResult<ChainVersion> {
    Ok(ChainVersion {
        kind: r.0.parse()?,
        version: r.1,
        chain: serde_json::from_str(&r.2)?,
        effective_from: from_db(r.3),
        created_by: parse_uuid(&r.4)?,
        created_at: from_db(r.5),
    })
}

/// Every configured version of a kind's chain, oldest first.
pub fn chain_versions(
    conn: &mut AnyConnection,
    kind: ApprovalKind,
) -> StoreResult<Vec<ChainVersion>> {
    let rows: Vec<ChainRow> = approval_chains::table
        .filter(approval_chains::kind.eq(kind.as_str()))
        .order(approval_chains::version.asc())
        .select((
            approval_chains::kind,
            approval_chains::version,
            approval_chains::steps,
            approval_chains::effective_from,
            approval_chains::created_by,
            approval_chains::created_at,
        ))
        .load(conn)?;
    rows.into_iter().map(chain_from).collect()
}

/// The chain in force for `kind` at `now`: the configured version with the latest
/// `effective_from` not after `now`, else the built-in default (R-APR-2).
pub fn chain_in_force(
    conn: &mut AnyConnection,
    kind: ApprovalKind,
    now: DateTime<Utc>,
) -> StoreResult<(Chain, Option<i64>)> {
    let versions = chain_versions(conn, kind)?;
    Ok(versions
        .into_iter()
        .filter(|v| v.effective_from <= now)
        .max_by_key(|v| (v.effective_from, v.version))
        .map(|v| (v.chain, Some(v.version)))
        .unwrap_or_else(|| (kind.default_chain(), None)))
}

/// Adds a chain version (the next number for the kind).
pub fn insert_chain_version(
    conn: &mut AnyConnection,
    kind: ApprovalKind,
    chain: &Chain,
    effective_from: DateTime<Utc>,
    by: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let next = chain_versions(conn, kind)?
        .last()
        .map_or(1, |v| v.version + 1);
    diesel::insert_into(approval_chains::table)
        .values((
            approval_chains::kind.eq(kind.as_str()),
            approval_chains::version.eq(next),
            approval_chains::steps.eq(serde_json::to_string(chain)?),
            approval_chains::effective_from.eq(to_db(effective_from)),
            approval_chains::created_by.eq(by.to_string()),
            approval_chains::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(next)
}

/// For the deadline report: proposer, publish-by and published-at of requests approved with a
/// publication deadline in `[from, to)`.
pub fn publication_records(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<(String, NaiveDateTime, Option<NaiveDateTime>)>> {
    let rows: Vec<(String, Option<NaiveDateTime>, Option<NaiveDateTime>)> =
        approval_requests::table
            .filter(approval_requests::publish_by.ge(to_db(from)))
            .filter(approval_requests::publish_by.lt(to_db(to)))
            .select((
                approval_requests::proposer_id,
                approval_requests::publish_by,
                approval_requests::published_at,
            ))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, due, done)| due.map(|d| (p, d, done)))
        .collect())
}
