//! The department's figures for a period (R-REP-4): orders by day and channel and by status,
//! contact-deadline compliance per person, after-sales by kind and approval throughput, each an
//! aggregate query in the database ([`ecops_persistence::repo::figures`]); attendance per week
//! from the judged months, where the rules (policy versions, leave, the calendar) decide what is
//! late, early or absent.

use crate::attendance_month::{month, Scope};
use crate::error::AppResult;
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use ecops_domain::attendance::{Arrival, Departure};
use ecops_domain::workdays::Month;
use ecops_persistence::repo::figures::{
    self as sql, AftersalesKind, ApprovalThroughput, ChannelStatus, DayChannel,
};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Contact-deadline compliance of one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonContact {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub orders: i64,
    pub met: i64,
    pub missed: i64,
}

/// One ISO week (from its Monday) of the department's attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttendanceWeek {
    pub week_start: NaiveDate,
    pub days_judged: i64,
    pub late: i64,
    pub early: i64,
    pub absent: i64,
    pub deduction_fen: i64,
}

/// Everything the figures page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub orders_by_day: Vec<DayChannel>,
    pub orders_by_status: Vec<ChannelStatus>,
    pub contact: Vec<PersonContact>,
    pub aftersales: Vec<AftersalesKind>,
    pub approvals: Vec<ApprovalThroughput>,
    pub attendance: Vec<AttendanceWeek>,
}

/// The figures of the company-time days `[from, to]`: `period` is the same span as UTC instants
/// (`[start of from, start of the day after to)`), `offset` the company's seconds east of UTC.
pub fn department(
    conn: &mut AnyConnection,
    (from, to): (NaiveDate, NaiveDate),
    period: (DateTime<Utc>, DateTime<Utc>),
    offset: i32,
    now: DateTime<Utc>,
) -> AppResult<Figures> {
    crate::read(conn, |conn| {
        let mut contact = Vec::new();
        for c in sql::contact_compliance(conn, period, now)? {
            let user_id = Uuid::parse_str(&c.person)
                .map_err(|e| crate::AppError::Internal(format!("person `{}`: {e}", c.person)))?;
            let (username, display_name) = users::find(conn, user_id)?
                .map(|u| (u.username, u.display_name))
                .unwrap_or_default();
            contact.push(PersonContact {
                user_id,
                username,
                display_name,
                orders: c.orders,
                met: c.met,
                missed: c.missed,
            });
        }
        Ok(Figures {
            orders_by_day: sql::orders_by_day(conn, period, offset)?,
            orders_by_status: sql::orders_by_status(conn, period)?,
            contact,
            aftersales: sql::aftersales_by_kind(conn, period)?,
            approvals: sql::approval_throughput(conn, period, now)?,
            attendance: attendance_weeks(conn, (from, to), now)?,
        })
    })
}

/// Late, early and absent days and deductions per week, from the months as judged.
fn attendance_weeks(
    conn: &mut AnyConnection,
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> AppResult<Vec<AttendanceWeek>> {
    let mut weeks: BTreeMap<NaiveDate, AttendanceWeek> = BTreeMap::new();
    let mut m = Month::of(from);
    while m.first() <= to {
        for p in month(conn, Scope::Everyone, m, now)?.people {
            for d in p.days.iter().filter(|d| d.day >= from && d.day <= to) {
                let Some(v) = &d.verdict else { continue };
                let monday = d
                    .day
                    .checked_sub_days(Days::new(u64::from(d.day.weekday().num_days_from_monday())))
                    .unwrap_or(d.day);
                let w = weeks.entry(monday).or_insert(AttendanceWeek {
                    week_start: monday,
                    ..AttendanceWeek::default()
                });
                w.days_judged += 1;
                w.late += i64::from(matches!(v.arrival, Some(Arrival::Late { .. })));
                w.early += i64::from(matches!(v.departure, Some(Departure::Early { .. })));
                w.absent += i64::from(v.absent);
                w.deduction_fen += v.deduction_fen;
            }
        }
        m = m.next();
    }
    Ok(weeks.into_values().collect())
}
