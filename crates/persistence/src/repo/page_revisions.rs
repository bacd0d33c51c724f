//! Page revision plans (R-APR-6).

use super::{from_db, parse_uuid, to_db};
use crate::schema::page_revisions as t;
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::revision::{Area, Cadence, RevisionStatus};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct PageRevision {
    pub id: Uuid,
    pub page: String,
    pub title: String,
    pub cadence: Cadence,
    pub areas: Vec<Area>,
    pub plan: String,
    pub planned_for: NaiveDate,
    pub status: RevisionStatus,
    pub approval_request_id: Uuid,
    pub proposer_id: Uuid,
    pub executed_at: Option<DateTime<Utc>>,
    pub executed_by: Option<Uuid>,
    pub execution_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = t)]
struct Row {
    id: String,
    page: String,
    title: String,
    cadence: String,
    areas: String,
    plan: String,
    planned_for: NaiveDate,
    status: String,
    approval_request_id: String,
    proposer_id: String,
    executed_at: Option<NaiveDateTime>,
    executed_by: Option<String>,
    execution_note: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<Row> for PageRevision {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        let corrupt = |e: String| StoreError::Corrupt(format!("page revision {}: {e}", r.id));
        let areas = r
            .areas
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<Area>, _>>()
            .map_err(corrupt)?;
        Ok(PageRevision {
            id: parse_uuid(&r.id)?,
            cadence: r.cadence.parse().map_err(corrupt)?,
            status: r.status.parse().map_err(corrupt)?,
            areas,
            page: r.page,
            title: r.title,
            plan: r.plan,
            planned_for: r.planned_for,
            approval_request_id: parse_uuid(&r.approval_request_id)?,
            proposer_id: parse_uuid(&r.proposer_id)?,
            executed_at: r.executed_at.map(from_db),
            executed_by: r.executed_by.as_deref().map(parse_uuid).transpose()?,
            execution_note: r.execution_note,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
        })
    }
}

fn areas_text(areas: &[Area]) -> String {
    areas
        .iter()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn insert(conn: &mut AnyConnection, r: &PageRevision) -> StoreResult<()> {
    diesel::insert_into(t::table)
        .values((
            t::id.eq(r.id.to_string()),
            t::page.eq(&r.page),
            t::title.eq(&r.title),
            t::cadence.eq(r.cadence.as_str()),
            t::areas.eq(areas_text(&r.areas)),
            t::plan.eq(&r.plan),
            t::planned_for.eq(r.planned_for),
            t::status.eq(r.status.as_str()),
            t::approval_request_id.eq(r.approval_request_id.to_string()),
            t::proposer_id.eq(r.proposer_id.to_string()),
            t::created_at.eq(to_db(r.created_at)),
            t::updated_at.eq(to_db(r.updated_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<PageRevision>> {
    t::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(PageRevision::try_from)
        .transpose()
}

/// Moves a plan from `from` to `to`; false when it was no longer in `from`.
pub fn set_status(
    conn: &mut AnyConnection,
    id: Uuid,
    from: RevisionStatus,
    to: RevisionStatus,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        t::table
            .filter(t::id.eq(id.to_string()))
            .filter(t::status.eq(from.as_str())),
    )
    .set((t::status.eq(to.as_str()), t::updated_at.eq(to_db(now))))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records that an approved plan was carried out; false when it was not approved (any more).
pub fn mark_executed(
    conn: &mut AnyConnection,
    id: Uuid,
    by: Uuid,
    note: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        t::table
            .filter(t::id.eq(id.to_string()))
            .filter(t::status.eq(RevisionStatus::Approved.as_str())),
    )
    .set((
        t::status.eq(RevisionStatus::Executed.as_str()),
        t::executed_at.eq(Some(to_db(now))),
        t::executed_by.eq(Some(by.to_string())),
        t::execution_note.eq(Some(note)),
        t::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Filters of [`list`].
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub page: Option<String>,
    pub status: Option<RevisionStatus>,
}

/// Plans newest first (ids are time-ordered), after the id `before`.
pub fn list(
    conn: &mut AnyConnection,
    f: &Filter,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<PageRevision>> {
    let mut q = t::table.select(Row::as_select()).into_boxed();
    if let Some(page) = &f.page {
        q = q.filter(t::page.eq(page.clone()));
    }
    if let Some(s) = f.status {
        q = q.filter(t::status.eq(s.as_str()));
    }
    if let Some(before) = before {
        q = q.filter(t::id.lt(before.to_owned()));
    }
    q.order(t::id.desc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(PageRevision::try_from)
        .collect()
}

/// The pages that have plans.
pub fn pages(conn: &mut AnyConnection) -> StoreResult<Vec<String>> {
    Ok(t::table
        .select(t::page)
        .distinct()
        .order(t::page.asc())
        .load(conn)?)
}

/// The plan of `page` carried out last.
pub fn last_executed(conn: &mut AnyConnection, page: &str) -> StoreResult<Option<PageRevision>> {
    t::table
        .filter(t::page.eq(page))
        .filter(t::status.eq(RevisionStatus::Executed.as_str()))
        .order((t::executed_at.desc(), t::id.desc()))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(PageRevision::try_from)
        .transpose()
}

/// Plans of `page` in the given states, oldest planned first.
pub fn in_states(
    conn: &mut AnyConnection,
    page: &str,
    states: &[RevisionStatus],
) -> StoreResult<Vec<PageRevision>> {
    let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    t::table
        .filter(t::page.eq(page))
        .filter(t::status.eq_any(states))
        .order((t::planned_for.asc(), t::id.asc()))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(PageRevision::try_from)
        .collect()
}
