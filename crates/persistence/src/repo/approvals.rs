//! Approval requests (R-APR-1): stored with the chain resolved at submission.

use super::{from_db, parse_uuid, to_db};
use crate::schema::approval_requests;
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::approval::{ApprovalKind, ApprovalState, Chain};
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
    pub subject_version: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
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
            subject_version: self.subject_version,
            created_at: from_db(self.created_at),
            decided_at: self.decided_at.map(from_db),
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
            approval_requests::subject_version.eq(req.subject_version),
            approval_requests::created_at.eq(to_db(req.created_at)),
            approval_requests::decided_at.eq(req.decided_at.map(to_db)),
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
