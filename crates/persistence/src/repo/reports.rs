//! Work reports (R-REP-1): one daily report per person and day.

use super::{from_db, parse_uuid, to_db};
use crate::schema::daily_reports as t;
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// A daily work report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyReport {
    pub id: Uuid,
    pub user_id: Uuid,
    pub day: NaiveDate,
    pub done: String,
    pub problems: String,
    pub plan: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = t)]
struct Row {
    id: String,
    user_id: String,
    day: NaiveDate,
    done: String,
    problems: String,
    plan: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

impl TryFrom<Row> for DailyReport {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(DailyReport {
            id: parse_uuid(&r.id)?,
            user_id: parse_uuid(&r.user_id)?,
            day: r.day,
            done: r.done,
            problems: r.problems,
            plan: r.plan,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
            version: r.version,
        })
    }
}

/// One person's report of one day, if filed.
pub fn find(
    conn: &mut AnyConnection,
    user: Uuid,
    day: NaiveDate,
) -> StoreResult<Option<DailyReport>> {
    t::table
        .filter(t::user_id.eq(user.to_string()))
        .filter(t::day.eq(day))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(DailyReport::try_from)
        .transpose()
}

/// Files a new report; a second one for the same person and day is a unique violation.
pub fn insert(conn: &mut AnyConnection, r: &DailyReport) -> StoreResult<()> {
    diesel::insert_into(t::table)
        .values((
            t::id.eq(r.id.to_string()),
            t::user_id.eq(r.user_id.to_string()),
            t::day.eq(r.day),
            t::done.eq(&r.done),
            t::problems.eq(&r.problems),
            t::plan.eq(&r.plan),
            t::created_at.eq(to_db(r.created_at)),
            t::updated_at.eq(to_db(r.updated_at)),
            t::version.eq(r.version),
        ))
        .execute(conn)?;
    Ok(())
}

/// Rewrites a report's text if it is still at `version`; false when it changed meanwhile.
pub fn update(
    conn: &mut AnyConnection,
    id: Uuid,
    version: i64,
    (done, problems, plan): (&str, &str, &str),
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        t::table
            .filter(t::id.eq(id.to_string()))
            .filter(t::version.eq(version)),
    )
    .set((
        t::done.eq(done),
        t::problems.eq(problems),
        t::plan.eq(plan),
        t::updated_at.eq(to_db(now)),
        t::version.eq(version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Reports of `[from, to]` (days, inclusive), of one person or everyone, newest day first.
pub fn between(
    conn: &mut AnyConnection,
    user: Option<Uuid>,
    (from, to): (NaiveDate, NaiveDate),
) -> StoreResult<Vec<DailyReport>> {
    let mut q = t::table
        .filter(t::day.ge(from))
        .filter(t::day.le(to))
        .select(Row::as_select())
        .into_boxed();
    if let Some(u) = user {
        q = q.filter(t::user_id.eq(u.to_string()));
    }
    q.order((t::day.desc(), t::user_id.asc()))
        .load(conn)?
        .into_iter()
        .map(DailyReport::try_from)
        .collect()
}
