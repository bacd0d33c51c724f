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

/// A monthly summary (R-REP-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlySummary {
    pub id: Uuid,
    pub user_id: Uuid,
    /// `YYYY-MM`.
    pub month: String,
    pub done: String,
    pub unfinished: String,
    pub plan: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

type MonthlyRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    i64,
);

fn monthly(r: MonthlyRow) -> StoreResult<MonthlySummary> {
    Ok(MonthlySummary {
        id: parse_uuid(&r.0)?,
        user_id: parse_uuid(&r.1)?,
        month: r.2,
        done: r.3,
        unfinished: r.4,
        plan: r.5,
        created_at: from_db(r.6),
        updated_at: from_db(r.7),
        version: r.8,
    })
}

use crate::schema::{daily_report_notes as n, monthly_summaries as m};

const MONTHLY_COLUMNS: (
    m::id,
    m::user_id,
    m::month,
    m::done,
    m::unfinished,
    m::plan,
    m::created_at,
    m::updated_at,
    m::version,
) = (
    m::id,
    m::user_id,
    m::month,
    m::done,
    m::unfinished,
    m::plan,
    m::created_at,
    m::updated_at,
    m::version,
);

pub fn find_monthly(
    conn: &mut AnyConnection,
    user: Uuid,
    month: &str,
) -> StoreResult<Option<MonthlySummary>> {
    m::table
        .filter(m::user_id.eq(user.to_string()))
        .filter(m::month.eq(month))
        .select(MONTHLY_COLUMNS)
        .first::<MonthlyRow>(conn)
        .optional()?
        .map(monthly)
        .transpose()
}

/// A month's summaries, of one person or everyone.
pub fn monthly_of(
    conn: &mut AnyConnection,
    user: Option<Uuid>,
    month: &str,
) -> StoreResult<Vec<MonthlySummary>> {
    let mut q = m::table
        .filter(m::month.eq(month))
        .select(MONTHLY_COLUMNS)
        .into_boxed();
    if let Some(u) = user {
        q = q.filter(m::user_id.eq(u.to_string()));
    }
    q.order(m::user_id.asc())
        .load::<MonthlyRow>(conn)?
        .into_iter()
        .map(monthly)
        .collect()
}

pub fn insert_monthly(conn: &mut AnyConnection, s: &MonthlySummary) -> StoreResult<()> {
    diesel::insert_into(m::table)
        .values((
            m::id.eq(s.id.to_string()),
            m::user_id.eq(s.user_id.to_string()),
            m::month.eq(&s.month),
            m::done.eq(&s.done),
            m::unfinished.eq(&s.unfinished),
            m::plan.eq(&s.plan),
            m::created_at.eq(to_db(s.created_at)),
            m::updated_at.eq(to_db(s.updated_at)),
            m::version.eq(s.version),
        ))
        .execute(conn)?;
    Ok(())
}

/// Rewrites a summary still at `version`; false when it changed meanwhile.
pub fn update_monthly(
    conn: &mut AnyConnection,
    id: Uuid,
    version: i64,
    (done, unfinished, plan): (&str, &str, &str),
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let k = diesel::update(
        m::table
            .filter(m::id.eq(id.to_string()))
            .filter(m::version.eq(version)),
    )
    .set((
        m::done.eq(done),
        m::unfinished.eq(unfinished),
        m::plan.eq(plan),
        m::updated_at.eq(to_db(now)),
        m::version.eq(version + 1),
    ))
    .execute(conn)?;
    Ok(k == 1)
}

/// A manager's note beside a past day's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateNote {
    pub id: Uuid,
    pub user_id: Uuid,
    pub day: NaiveDate,
    pub note: String,
    pub written_by: Uuid,
    pub written_at: DateTime<Utc>,
}

pub fn insert_note(conn: &mut AnyConnection, x: &LateNote) -> StoreResult<()> {
    diesel::insert_into(n::table)
        .values((
            n::id.eq(x.id.to_string()),
            n::user_id.eq(x.user_id.to_string()),
            n::day.eq(x.day),
            n::note.eq(&x.note),
            n::written_by.eq(x.written_by.to_string()),
            n::written_at.eq(to_db(x.written_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Notes on days of `[from, to]`, of one person or everyone, newest day first.
pub fn notes_between(
    conn: &mut AnyConnection,
    user: Option<Uuid>,
    (from, to): (NaiveDate, NaiveDate),
) -> StoreResult<Vec<LateNote>> {
    let mut q = n::table
        .filter(n::day.ge(from))
        .filter(n::day.le(to))
        .select((
            n::id,
            n::user_id,
            n::day,
            n::note,
            n::written_by,
            n::written_at,
        ))
        .into_boxed();
    if let Some(u) = user {
        q = q.filter(n::user_id.eq(u.to_string()));
    }
    q.order((n::day.desc(), n::written_at.asc()))
        .load::<(String, String, NaiveDate, String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|r| {
            Ok(LateNote {
                id: parse_uuid(&r.0)?,
                user_id: parse_uuid(&r.1)?,
                day: r.2,
                note: r.3,
                written_by: parse_uuid(&r.4)?,
                written_at: from_db(r.5),
            })
        })
        .collect()
}

/// A person's statement of a week's or month's figures, as sent to their superior (R-REP-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub id: Uuid,
    pub user_id: Uuid,
    /// `week` or `month`.
    pub period_kind: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The figures as assembled and confirmed (JSON).
    pub figures: String,
    pub comment: String,
    pub submitted_at: DateTime<Utc>,
}

use crate::schema::statements as st;

type StatementRow = (
    String,
    String,
    String,
    NaiveDate,
    NaiveDate,
    String,
    String,
    NaiveDateTime,
);

fn statement(r: StatementRow) -> StoreResult<Statement> {
    Ok(Statement {
        id: parse_uuid(&r.0)?,
        user_id: parse_uuid(&r.1)?,
        period_kind: r.2,
        period_start: r.3,
        period_end: r.4,
        figures: r.5,
        comment: r.6,
        submitted_at: from_db(r.7),
    })
}

/// Sends a statement; a second for the same person and period is a unique violation.
pub fn insert_statement(conn: &mut AnyConnection, s: &Statement) -> StoreResult<()> {
    diesel::insert_into(st::table)
        .values((
            st::id.eq(s.id.to_string()),
            st::user_id.eq(s.user_id.to_string()),
            st::period_kind.eq(&s.period_kind),
            st::period_start.eq(s.period_start),
            st::period_end.eq(s.period_end),
            st::figures.eq(&s.figures),
            st::comment.eq(&s.comment),
            st::submitted_at.eq(to_db(s.submitted_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The statements of one period, of one person or everyone.
pub fn statements_of(
    conn: &mut AnyConnection,
    user: Option<Uuid>,
    (kind, start): (&str, NaiveDate),
) -> StoreResult<Vec<Statement>> {
    let mut q = st::table
        .filter(st::period_kind.eq(kind))
        .filter(st::period_start.eq(start))
        .select((
            st::id,
            st::user_id,
            st::period_kind,
            st::period_start,
            st::period_end,
            st::figures,
            st::comment,
            st::submitted_at,
        ))
        .into_boxed();
    if let Some(u) = user {
        q = q.filter(st::user_id.eq(u.to_string()));
    }
    q.order(st::submitted_at.asc())
        .load::<StatementRow>(conn)?
        .into_iter()
        .map(statement)
        .collect()
}
