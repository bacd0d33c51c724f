//! Attendance punches and lateness notices (R-ATT-5, R-ATT-7). Punches are append-only: the
//! database refuses UPDATE and DELETE.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{lateness_notices, punches};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// Clock-in or clock-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        match s {
            "in" => Ok(Direction::In),
            "out" => Ok(Direction::Out),
            other => Err(StoreError::Corrupt(format!("punch direction `{other}`"))),
        }
    }
}

/// Where a punch came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The person on the dashboard, at the server's time.
    Web,
    /// A clocking device through the API, with its own id for the punch.
    Device {
        device_id: String,
        device_punch_id: String,
    },
    /// A manager's correction: the reason, and the manager who approved it.
    Correction { reason: String, approved_by: Uuid },
}

/// A source's columns: device id, device punch id, reason, approver.
pub type SourceParts<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<Uuid>,
);

impl Source {
    /// The columns that carry the source's details.
    pub fn parts(&self) -> SourceParts<'_> {
        match self {
            Source::Web => (None, None, None, None),
            Source::Device {
                device_id,
                device_punch_id,
            } => (Some(device_id), Some(device_punch_id), None, None),
            Source::Correction {
                reason,
                approved_by,
            } => (None, None, Some(reason), Some(*approved_by)),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Source::Web => "web",
            Source::Device { .. } => "device",
            Source::Correction { .. } => "correction",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Punch {
    pub id: Uuid,
    pub user_id: Uuid,
    pub direction: Direction,
    /// Whole seconds (R-ATT-2).
    pub punched_at: DateTime<Utc>,
    pub source: Source,
    pub recorded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = punches)]
struct Row {
    id: String,
    user_id: String,
    direction: String,
    punched_at: NaiveDateTime,
    source: String,
    device_id: Option<String>,
    device_punch_id: Option<String>,
    reason: Option<String>,
    approved_by: Option<String>,
    recorded_by: String,
    created_at: NaiveDateTime,
}

impl TryFrom<Row> for Punch {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        let source = match (
            r.source.as_str(),
            r.device_id,
            r.device_punch_id,
            r.reason,
            r.approved_by,
        ) {
            ("web", ..) => Source::Web,
            ("device", Some(device_id), Some(device_punch_id), ..) => Source::Device {
                device_id,
                device_punch_id,
            },
            ("correction", _, _, Some(reason), Some(by)) => Source::Correction {
                reason,
                approved_by: parse_uuid(&by)?,
            },
            (other, ..) => {
                return Err(StoreError::Corrupt(format!(
                    "punch {}: source `{other}` without its details",
                    r.id
                )))
            }
        };
        Ok(Punch {
            id: parse_uuid(&r.id)?,
            user_id: parse_uuid(&r.user_id)?,
            direction: Direction::parse(&r.direction)?,
            punched_at: from_db(r.punched_at),
            source,
            recorded_by: parse_uuid(&r.recorded_by)?,
            created_at: from_db(r.created_at),
        })
    }
}

/// Records a punch. A device punch already recorded (same device and device punch id) is a
/// [`StoreError::Unique`]: the caller answers with the first one.
pub fn insert(conn: &mut AnyConnection, p: &Punch) -> StoreResult<()> {
    let (device_id, device_punch_id, reason, approved_by) = p.source.parts();
    diesel::insert_into(punches::table)
        .values((
            punches::id.eq(p.id.to_string()),
            punches::user_id.eq(p.user_id.to_string()),
            punches::direction.eq(p.direction.as_str()),
            punches::punched_at.eq(to_db(p.punched_at)),
            punches::source.eq(p.source.as_str()),
            punches::device_id.eq(device_id),
            punches::device_punch_id.eq(device_punch_id),
            punches::reason.eq(reason),
            punches::approved_by.eq(approved_by.map(|u| u.to_string())),
            punches::recorded_by.eq(p.recorded_by.to_string()),
            punches::created_at.eq(to_db(p.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The punch a device recorded under its own id.
pub fn find_device_punch(
    conn: &mut AnyConnection,
    device_id: &str,
    device_punch_id: &str,
) -> StoreResult<Option<Punch>> {
    punches::table
        .filter(punches::device_id.eq(device_id))
        .filter(punches::device_punch_id.eq(device_punch_id))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Punch::try_from)
        .transpose()
}

/// Punches in `[from, to)`, of one person or of everyone, in time order.
pub fn between(
    conn: &mut AnyConnection,
    user: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Punch>> {
    let mut q = punches::table
        .filter(punches::punched_at.ge(to_db(from)))
        .filter(punches::punched_at.lt(to_db(to)))
        .select(Row::as_select())
        .into_boxed();
    if let Some(user) = user {
        q = q.filter(punches::user_id.eq(user.to_string()));
    }
    q.order((punches::punched_at.asc(), punches::id.asc()))
        .load(conn)?
        .into_iter()
        .map(Punch::try_from)
        .collect()
}

/// A telephone notice before the start of a day (R-ATT-5).
#[derive(Debug, Clone)]
pub struct Notice {
    pub user_id: Uuid,
    pub day: NaiveDate,
    pub note: String,
    pub recorded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// Records a notice; a second one for the same person and day is a [`StoreError::Unique`].
pub fn insert_notice(conn: &mut AnyConnection, n: &Notice) -> StoreResult<()> {
    diesel::insert_into(lateness_notices::table)
        .values((
            lateness_notices::user_id.eq(n.user_id.to_string()),
            lateness_notices::day.eq(n.day),
            lateness_notices::note.eq(&n.note),
            lateness_notices::recorded_by.eq(n.recorded_by.to_string()),
            lateness_notices::created_at.eq(to_db(n.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Notices on days in `[from, to)`, of one person or of everyone.
pub fn notices_between(
    conn: &mut AnyConnection,
    user: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<Notice>> {
    let mut q = lateness_notices::table
        .filter(lateness_notices::day.ge(from))
        .filter(lateness_notices::day.lt(to))
        .into_boxed();
    if let Some(user) = user {
        q = q.filter(lateness_notices::user_id.eq(user.to_string()));
    }
    let rows: Vec<(String, NaiveDate, String, String, NaiveDateTime)> = q
        .select((
            lateness_notices::user_id,
            lateness_notices::day,
            lateness_notices::note,
            lateness_notices::recorded_by,
            lateness_notices::created_at,
        ))
        .order((lateness_notices::day.asc(), lateness_notices::user_id.asc()))
        .load(conn)?;
    rows.into_iter()
        .map(|(u, day, note, by, at)| {
            Ok(Notice {
                user_id: parse_uuid(&u)?,
                day,
                note,
                recorded_by: parse_uuid(&by)?,
                created_at: from_db(at),
            })
        })
        .collect()
}
