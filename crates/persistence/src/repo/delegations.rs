//! Delegated access (R-ACC-1): lendings of job roles, their decisions and revocations.

use super::{from_db, parse_uuid, to_db};
use crate::schema::delegations;
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::lending::Stored;
use ecops_domain::JobRole;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Delegation {
    pub id: Uuid,
    pub delegator_id: Uuid,
    pub delegate_id: Uuid,
    /// Who asked: the delegator, or for a vacant post the departed holder's superior.
    pub requested_by: Uuid,
    pub task: String,
    pub roles: Vec<JobRole>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub state: Stored,
    pub approval_request_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<Uuid>,
    pub revoke_reason: Option<String>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = delegations)]
struct Row {
    id: String,
    delegator_id: String,
    delegate_id: String,
    requested_by: String,
    task: String,
    roles: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    state: String,
    approval_request_id: String,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
    revoked_by: Option<String>,
    revoke_reason: Option<String>,
}

fn delegation(r: Row) -> StoreResult<Delegation> {
    let roles: Vec<String> = serde_json::from_str(&r.roles)?;
    Ok(Delegation {
        id: parse_uuid(&r.id)?,
        delegator_id: parse_uuid(&r.delegator_id)?,
        delegate_id: parse_uuid(&r.delegate_id)?,
        requested_by: parse_uuid(&r.requested_by)?,
        task: r.task,
        roles: roles
            .iter()
            .map(|s| {
                s.parse::<JobRole>()
                    .map_err(|_| StoreError::Corrupt(format!("delegation role {s}")))
            })
            .collect::<StoreResult<_>>()?,
        starts_at: from_db(r.starts_at),
        ends_at: from_db(r.ends_at),
        state: Stored::parse(&r.state)
            .ok_or_else(|| StoreError::Corrupt(format!("delegation state {}", r.state)))?,
        approval_request_id: parse_uuid(&r.approval_request_id)?,
        created_at: from_db(r.created_at),
        decided_at: r.decided_at.map(from_db),
        revoked_at: r.revoked_at.map(from_db),
        revoked_by: r.revoked_by.as_deref().map(parse_uuid).transpose()?,
        revoke_reason: r.revoke_reason,
    })
}

pub fn insert(conn: &mut AnyConnection, d: &Delegation) -> StoreResult<()> {
    let roles: Vec<&str> = d.roles.iter().map(|r| r.as_str()).collect();
    diesel::insert_into(delegations::table)
        .values(Row {
            id: d.id.to_string(),
            delegator_id: d.delegator_id.to_string(),
            delegate_id: d.delegate_id.to_string(),
            requested_by: d.requested_by.to_string(),
            task: d.task.clone(),
            roles: serde_json::to_string(&roles)?,
            starts_at: to_db(d.starts_at),
            ends_at: to_db(d.ends_at),
            state: d.state.as_str().to_owned(),
            approval_request_id: d.approval_request_id.to_string(),
            created_at: to_db(d.created_at),
            decided_at: d.decided_at.map(to_db),
            revoked_at: d.revoked_at.map(to_db),
            revoked_by: d.revoked_by.map(|u| u.to_string()),
            revoke_reason: d.revoke_reason.clone(),
        })
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Delegation>> {
    delegations::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(delegation)
        .transpose()
}

/// The approved lendings to `delegate` whose period contains `now`. Runs on every request of a
/// login session: one indexed equality, nothing found for nearly everyone.
pub fn active_for(
    conn: &mut AnyConnection,
    delegate: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Delegation>> {
    let now = to_db(now);
    delegations::table
        .filter(delegations::delegate_id.eq(delegate.to_string()))
        .filter(delegations::state.eq(Stored::Approved.as_str()))
        .filter(delegations::ends_at.gt(now))
        .filter(delegations::starts_at.le(now))
        .select(Row::as_select())
        .order(delegations::id.asc())
        .load(conn)?
        .into_iter()
        .map(delegation)
        .collect()
}

/// Which lendings a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only those where this person lends or receives.
    pub party: Option<Uuid>,
    pub delegator: Option<Uuid>,
    pub delegate: Option<Uuid>,
    pub state: Option<Stored>,
}

/// Newest first, older than the id `before`.
pub fn list(
    conn: &mut AnyConnection,
    f: &Filter,
    before: Option<Uuid>,
    limit: i64,
) -> StoreResult<Vec<Delegation>> {
    let mut q = delegations::table.select(Row::as_select()).into_boxed();
    if let Some(p) = f.party {
        let p = p.to_string();
        q = q.filter(
            delegations::delegator_id
                .eq(p.clone())
                .or(delegations::delegate_id.eq(p.clone()))
                .or(delegations::requested_by.eq(p)),
        );
    }
    if let Some(p) = f.delegator {
        q = q.filter(delegations::delegator_id.eq(p.to_string()));
    }
    if let Some(p) = f.delegate {
        q = q.filter(delegations::delegate_id.eq(p.to_string()));
    }
    if let Some(s) = f.state {
        q = q.filter(delegations::state.eq(s.as_str()));
    }
    if let Some(b) = before {
        q = q.filter(delegations::id.lt(b.to_string()));
    }
    q.order(delegations::id.desc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(delegation)
        .collect()
}

/// Moves a lending from `from` to `to` (a decision); false when it was no longer `from`.
pub fn decide(
    conn: &mut AnyConnection,
    id: Uuid,
    from: Stored,
    to: Stored,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        delegations::table
            .filter(delegations::id.eq(id.to_string()))
            .filter(delegations::state.eq(from.as_str())),
    )
    .set((
        delegations::state.eq(to.as_str()),
        delegations::decided_at.eq(Some(to_db(now))),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes an approved lending that has not ended; false when it was not approved or had ended.
pub fn revoke(
    conn: &mut AnyConnection,
    id: Uuid,
    by: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        delegations::table
            .filter(delegations::id.eq(id.to_string()))
            .filter(delegations::state.eq(Stored::Approved.as_str()))
            .filter(delegations::ends_at.gt(to_db(now))),
    )
    .set((
        delegations::state.eq(Stored::Revoked.as_str()),
        delegations::revoked_at.eq(Some(to_db(now))),
        delegations::revoked_by.eq(Some(by.to_string())),
        delegations::revoke_reason.eq(Some(reason.to_owned())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// How many audited actions were taken through each lending.
pub fn action_counts(
    conn: &mut AnyConnection,
    ids: &[Uuid],
) -> StoreResult<std::collections::HashMap<Uuid, i64>> {
    use crate::schema::audit_log;
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<(Option<String>, i64)> = audit_log::table
        .filter(audit_log::delegation_id.eq_any(keys))
        .group_by(audit_log::delegation_id)
        .select((audit_log::delegation_id, diesel::dsl::count_star()))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(id, n)| id.map(|id| parse_uuid(&id).map(|id| (id, n))))
        .collect()
}

impl Delegation {
    /// Whether it covers a vacant post (asked for by someone other than the holder).
    pub fn covers_vacancy(&self) -> bool {
        self.requested_by != self.delegator_id
    }

    /// The people it is between: the lender (or the vacant post), the delegate, who asked.
    pub fn is_party(&self, who: Uuid) -> bool {
        who == self.delegator_id || who == self.delegate_id || who == self.requested_by
    }
}
