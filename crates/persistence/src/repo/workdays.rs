//! Attendance as data: policy versions, the working-day calendar, employment dates, closed months
//! with their frozen figures, and the adjustments made to closed months.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{
    attendance_adjustments as adj, attendance_calendar as cal, attendance_closings as closings,
    attendance_policies as pol, employments as emp,
};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::attendance::AttendancePolicy;
use ecops_domain::workdays::{CalendarEntry, CalendarKind, Month, PolicyVersion};
use uuid::Uuid;

/// A stored policy version and who made it.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    pub version: PolicyVersion<Uuid>,
    pub note: String,
    /// `None` for the version written at first start from the configuration.
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

type VersionRow = (
    String,
    NaiveDate,
    String,
    String,
    String,
    Option<String>,
    NaiveDateTime,
);

fn version_of(r: VersionRow) -> StoreResult<StoredVersion> {
    let (id, effective_from, timezone, policy, note, by, at) = r;
    let policy: AttendancePolicy = serde_json::from_str(&policy)
        .map_err(|e| StoreError::Corrupt(format!("attendance policy {id}: {e}")))?;
    Ok(StoredVersion {
        version: PolicyVersion {
            id: parse_uuid(&id)?,
            effective_from,
            timezone,
            policy,
        },
        note,
        created_by: by.as_deref().map(parse_uuid).transpose()?,
        created_at: from_db(at),
    })
}

/// Every version, oldest first.
pub fn versions(conn: &mut AnyConnection) -> StoreResult<Vec<StoredVersion>> {
    let rows: Vec<VersionRow> = pol::table
        .select((
            pol::id,
            pol::effective_from,
            pol::timezone,
            pol::policy,
            pol::note,
            pol::created_by,
            pol::created_at,
        ))
        .order(pol::effective_from.asc())
        .load(conn)?;
    rows.into_iter().map(version_of).collect()
}

/// Stores a version; one per effective day ([`StoreError::Unique`] otherwise).
pub fn insert_version(conn: &mut AnyConnection, v: &StoredVersion) -> StoreResult<()> {
    let policy = serde_json::to_string(&v.version.policy)
        .map_err(|e| StoreError::Corrupt(format!("attendance policy: {e}")))?;
    diesel::insert_into(pol::table)
        .values((
            pol::id.eq(v.version.id.to_string()),
            pol::effective_from.eq(v.version.effective_from),
            pol::timezone.eq(&v.version.timezone),
            pol::policy.eq(policy),
            pol::note.eq(&v.note),
            pol::created_by.eq(v.created_by.map(|u| u.to_string())),
            pol::created_at.eq(to_db(v.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A calendar entry and who entered it.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub entry: CalendarEntry,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

fn kind_str(k: CalendarKind) -> &'static str {
    match k {
        CalendarKind::Holiday => "holiday",
        CalendarKind::Workday => "workday",
    }
}

/// Calendar entries on days in `[from, to)`.
pub fn calendar(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<StoredEntry>> {
    let rows: Vec<(NaiveDate, String, String, String, NaiveDateTime)> = cal::table
        .filter(cal::day.ge(from))
        .filter(cal::day.lt(to))
        .select((
            cal::day,
            cal::kind,
            cal::name,
            cal::created_by,
            cal::created_at,
        ))
        .order(cal::day.asc())
        .load(conn)?;
    rows.into_iter()
        .map(|(day, kind, name, by, at)| {
            let kind = match kind.as_str() {
                "holiday" => CalendarKind::Holiday,
                "workday" => CalendarKind::Workday,
                other => return Err(StoreError::Corrupt(format!("calendar kind `{other}`"))),
            };
            Ok(StoredEntry {
                entry: CalendarEntry { day, kind, name },
                created_by: parse_uuid(&by)?,
                created_at: from_db(at),
            })
        })
        .collect()
}

/// Enters days in the calendar; a day that has an entry already is a [`StoreError::Unique`].
pub fn insert_entries(conn: &mut AnyConnection, entries: &[StoredEntry]) -> StoreResult<()> {
    for e in entries {
        diesel::insert_into(cal::table)
            .values((
                cal::day.eq(e.entry.day),
                cal::kind.eq(kind_str(e.entry.kind)),
                cal::name.eq(&e.entry.name),
                cal::created_by.eq(e.created_by.to_string()),
                cal::created_at.eq(to_db(e.created_at)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes a day's entry; `false` when it had none.
pub fn delete_entry(conn: &mut AnyConnection, day: NaiveDate) -> StoreResult<bool> {
    Ok(diesel::delete(cal::table.filter(cal::day.eq(day))).execute(conn)? > 0)
}

/// When a person is employed: from `started_on` to `ended_on`, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Employment {
    pub user_id: Uuid,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

/// The recorded employments (everyone's, or one person's).
pub fn employments(conn: &mut AnyConnection, user: Option<Uuid>) -> StoreResult<Vec<Employment>> {
    let mut q = emp::table
        .select((emp::user_id, emp::started_on, emp::ended_on))
        .into_boxed();
    if let Some(user) = user {
        q = q.filter(emp::user_id.eq(user.to_string()));
    }
    let rows: Vec<(String, NaiveDate, Option<NaiveDate>)> = q.order(emp::user_id).load(conn)?;
    rows.into_iter()
        .map(|(u, started_on, ended_on)| {
            Ok(Employment {
                user_id: parse_uuid(&u)?,
                started_on,
                ended_on,
            })
        })
        .collect()
}

/// One person's employment, if recorded.
pub fn employment(conn: &mut AnyConnection, user: Uuid) -> StoreResult<Option<Employment>> {
    let row: Option<(NaiveDate, Option<NaiveDate>)> = emp::table
        .filter(emp::user_id.eq(user.to_string()))
        .select((emp::started_on, emp::ended_on))
        .first(conn)
        .optional()?;
    Ok(row.map(|(started_on, ended_on)| Employment {
        user_id: user,
        started_on,
        ended_on,
    }))
}

/// Records or replaces a person's employment dates.
pub fn set_employment(
    conn: &mut AnyConnection,
    e: &Employment,
    by: Option<Uuid>,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let changed = diesel::update(emp::table.filter(emp::user_id.eq(e.user_id.to_string())))
        .set((
            emp::started_on.eq(e.started_on),
            emp::ended_on.eq(e.ended_on),
            emp::updated_by.eq(by.map(|u| u.to_string())),
            emp::updated_at.eq(to_db(at)),
        ))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(emp::table)
            .values((
                emp::user_id.eq(e.user_id.to_string()),
                emp::started_on.eq(e.started_on),
                emp::ended_on.eq(e.ended_on),
                emp::updated_by.eq(by.map(|u| u.to_string())),
                emp::updated_at.eq(to_db(at)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A closed month.
#[derive(Debug, Clone)]
pub struct Closing {
    pub month: Month,
    pub closed_by: Uuid,
    pub closed_at: DateTime<Utc>,
    /// The manager confirmed the missing punches as the policy judges them at closing.
    pub missing_punches_confirmed: bool,
    /// Every person's figures as they were at closing (JSON).
    pub figures: String,
}

type ClosingRow = (String, String, NaiveDateTime, i32, String);

fn closing_of((m, by, at, confirmed, figures): ClosingRow) -> StoreResult<Closing> {
    Ok(Closing {
        month: Month::parse(&m).ok_or_else(|| StoreError::Corrupt(format!("month `{m}`")))?,
        closed_by: parse_uuid(&by)?,
        closed_at: from_db(at),
        missing_punches_confirmed: confirmed != 0,
        figures,
    })
}

const CLOSING_COLUMNS: (
    closings::month,
    closings::closed_by,
    closings::closed_at,
    closings::missing_punches_confirmed,
    closings::figures,
) = (
    closings::month,
    closings::closed_by,
    closings::closed_at,
    closings::missing_punches_confirmed,
    closings::figures,
);

/// The closing of `month`, if it is closed.
pub fn closing(conn: &mut AnyConnection, month: Month) -> StoreResult<Option<Closing>> {
    closings::table
        .filter(closings::month.eq(month.label()))
        .select(CLOSING_COLUMNS)
        .first::<ClosingRow>(conn)
        .optional()?
        .map(closing_of)
        .transpose()
}

/// The latest closed month (months close in order), without its figures.
pub fn last_closed(conn: &mut AnyConnection) -> StoreResult<Option<Month>> {
    let m: Option<String> = closings::table
        .select(closings::month)
        .order(closings::month.desc())
        .first(conn)
        .optional()?;
    m.map(|m| Month::parse(&m).ok_or_else(|| StoreError::Corrupt(format!("month `{m}`"))))
        .transpose()
}

/// Closes a month; closing it twice is a [`StoreError::Unique`].
pub fn insert_closing(conn: &mut AnyConnection, c: &Closing) -> StoreResult<()> {
    diesel::insert_into(closings::table)
        .values((
            closings::month.eq(c.month.label()),
            closings::closed_by.eq(c.closed_by.to_string()),
            closings::closed_at.eq(to_db(c.closed_at)),
            closings::missing_punches_confirmed.eq(i32::from(c.missing_punches_confirmed)),
            closings::figures.eq(&c.figures),
        ))
        .execute(conn)?;
    Ok(())
}

/// Reopens a month; `false` when it was not closed.
pub fn delete_closing(conn: &mut AnyConnection, month: Month) -> StoreResult<bool> {
    Ok(
        diesel::delete(closings::table.filter(closings::month.eq(month.label()))).execute(conn)?
            > 0,
    )
}

/// What a change to a closed month made different, carried into an open month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    pub id: Uuid,
    pub user_id: Uuid,
    pub concerns_day: NaiveDate,
    pub concerns_month: Month,
    pub applied_month: Month,
    /// Positive: more deducted; negative: given back.
    pub deduction_fen: i64,
    /// The change costs the full-attendance bonus of the concerned month after the fact.
    pub loses_bonus: bool,
    pub reason: String,
    /// `correction` or `leave`, and the id of the punch or leave request.
    pub source: String,
    pub source_id: Uuid,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

type AdjustmentRow = (
    String,
    String,
    NaiveDate,
    String,
    String,
    i64,
    i32,
    String,
    String,
    String,
    String,
    NaiveDateTime,
);

pub fn insert_adjustment(conn: &mut AnyConnection, a: &Adjustment) -> StoreResult<()> {
    diesel::insert_into(adj::table)
        .values((
            adj::id.eq(a.id.to_string()),
            adj::user_id.eq(a.user_id.to_string()),
            adj::concerns_day.eq(a.concerns_day),
            adj::concerns_month.eq(a.concerns_month.label()),
            adj::applied_month.eq(a.applied_month.label()),
            adj::deduction_fen.eq(a.deduction_fen),
            adj::loses_bonus.eq(i32::from(a.loses_bonus)),
            adj::reason.eq(&a.reason),
            adj::source.eq(&a.source),
            adj::source_id.eq(a.source_id.to_string()),
            adj::created_by.eq(a.created_by.to_string()),
            adj::created_at.eq(to_db(a.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The adjustments shown in `month` (everyone's, or one person's), oldest first.
pub fn adjustments_in(
    conn: &mut AnyConnection,
    month: Month,
    user: Option<Uuid>,
) -> StoreResult<Vec<Adjustment>> {
    let mut q = adj::table
        .filter(adj::applied_month.eq(month.label()))
        .select((
            adj::id,
            adj::user_id,
            adj::concerns_day,
            adj::concerns_month,
            adj::applied_month,
            adj::deduction_fen,
            adj::loses_bonus,
            adj::reason,
            adj::source,
            adj::source_id,
            adj::created_by,
            adj::created_at,
        ))
        .into_boxed();
    if let Some(user) = user {
        q = q.filter(adj::user_id.eq(user.to_string()));
    }
    let rows: Vec<AdjustmentRow> = q.order((adj::created_at.asc(), adj::id.asc())).load(conn)?;
    rows.into_iter()
        .map(|r| {
            let month = |m: &str| {
                Month::parse(m).ok_or_else(|| StoreError::Corrupt(format!("month `{m}`")))
            };
            Ok(Adjustment {
                id: parse_uuid(&r.0)?,
                user_id: parse_uuid(&r.1)?,
                concerns_day: r.2,
                concerns_month: month(&r.3)?,
                applied_month: month(&r.4)?,
                deduction_fen: r.5,
                loses_bonus: r.6 != 0,
                reason: r.7,
                source: r.8,
                source_id: parse_uuid(&r.9)?,
                created_by: parse_uuid(&r.10)?,
                created_at: from_db(r.11),
            })
        })
        .collect()
}

/// Reopening `concerns`: its adjustments still waiting in months after `last_closed` go (the
/// reopened month shows their changes itself). Answers how many.
pub fn drop_open_adjustments(
    conn: &mut AnyConnection,
    concerns: Month,
    last_closed: Option<Month>,
) -> StoreResult<usize> {
    let mut q = diesel::delete(adj::table)
        .filter(adj::concerns_month.eq(concerns.label()))
        .into_boxed();
    if let Some(last) = last_closed {
        q = q.filter(adj::applied_month.gt(last.label()));
    }
    Ok(q.execute(conn)?)
}
