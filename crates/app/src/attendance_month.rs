//! The department's attendance month (R-ATT-9): every day of every person employed in it,
//! judged by the policy version in force on that day and the working-day calendar, with the
//! adjustments carried in from closed months; closing a month freezes its figures, reopening is
//! the general manager's.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use ecops_domain::approval::ApprovalState;
use ecops_domain::attendance::{self as rules, DayRecord, DayVerdict, MonthSummary};
use ecops_domain::workdays::{self, CalendarEntry, DayKind, Month, Versions};
use ecops_domain::{JobRole, PermissionLevel, StaffLevel};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::attendance::{self as punches, Direction, Punch};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::leave::{self, Leave};
use ecops_persistence::repo::users::{self, UserFilter};
use ecops_persistence::repo::workdays::{self as store, Adjustment, Closing};
use ecops_persistence::AnyConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Where a day stands for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    /// Before the start date or after the end date.
    NotEmployed,
    /// Not a working day (a rest day or a public holiday).
    Off,
    /// A working day still to come, or today before the working day has ended.
    Upcoming,
    /// A working day judged.
    Judged,
}

/// One punch as the day shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayPunch {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub direction: String,
    pub source: String,
    pub reason: Option<String>,
}

/// One day of one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    /// The calendar's name for a holiday or make-up working day.
    pub calendar_name: Option<String>,
    pub status: DayStatus,
    /// The policy version that judges the day.
    pub policy_version: Uuid,
    pub punches: Vec<DayPunch>,
    pub clock_in: Option<NaiveTime>,
    pub clock_out: Option<NaiveTime>,
    pub phoned_ahead: bool,
    /// Approved leave on the day, wall-clock spans.
    pub leave: Vec<(NaiveTime, NaiveTime)>,
    pub verdict: Option<DayVerdict>,
    /// Today, before the working day has ended: how the clock-in already stands (R-ATT-2/3),
    /// so the person sees it at once; the day itself is judged when it is over.
    pub arrival_so_far: Option<ecops_domain::attendance::Arrival>,
}

/// A change to a closed month shown in this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustmentLine {
    pub id: Uuid,
    pub concerns_day: NaiveDate,
    pub concerns_month: String,
    pub deduction_fen: i64,
    pub loses_bonus: bool,
    pub reason: String,
    pub source: String,
    pub source_id: Uuid,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// One person's month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonMonth {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub staff_level: StaffLevel,
    pub monthly_wage_fen: Option<i64>,
    pub days_judged: u32,
    pub summary: MonthSummary,
    /// Working days with a missing punch still open (no correction yet, month not closed).
    pub pending_missing_punches: u32,
    pub adjustments: Vec<AdjustmentLine>,
    /// The month's deductions plus its adjustments.
    pub total_deductions_fen: i64,
    /// Kept in the month and not lost by an adjustment.
    pub full_attendance_bonus_kept: bool,
    pub days: Vec<PersonDay>,
}

/// A month of the department (or of one person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub closed: Option<ClosedBy>,
    pub people: Vec<PersonMonth>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedBy {
    pub by: Uuid,
    pub at: DateTime<Utc>,
    pub missing_punches_confirmed: bool,
}

/// What judging needs, read in one snapshot.
struct Inputs {
    versions: Versions<Uuid>,
    calendar: HashMap<NaiveDate, CalendarEntry>,
    people: Vec<(users::User, store::Employment)>,
    punches: Vec<Punch>,
    notices: HashSet<(Uuid, NaiveDate)>,
    leave: Vec<Leave>,
    adjustments: Vec<Adjustment>,
}

/// The company time zone of a version (the configuration's zone when a stored name is unknown,
/// which the API never stores).
fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::Asia::Shanghai)
}

/// The company time zone on `day`: the zone of the policy version in force then.
pub fn zone_on(versions: &Versions<Uuid>, day: NaiveDate) -> Tz {
    zone(&versions.on(day).timezone)
}

/// Local midnight of `day` in `tz`, as an instant.
pub fn day_start(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    tz.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map_or_else(
            || day.and_time(NaiveTime::MIN).and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

/// The versions, or an internal error when none was ever written (start-up writes the first).
pub fn versions(conn: &mut AnyConnection) -> AppResult<Versions<Uuid>> {
    let all = store::versions(conn)?
        .into_iter()
        .map(|v| v.version)
        .collect();
    Versions::new(all).ok_or_else(|| AppError::Internal("no attendance policy version".into()))
}

fn load(conn: &mut AnyConnection, only: Option<Uuid>, month: Month) -> AppResult<Inputs> {
    let versions = versions(conn)?;
    let (first, next) = (month.first(), month.next().first());
    let calendar = store::calendar(conn, first, next)?
        .into_iter()
        .map(|e| (e.entry.day, e.entry))
        .collect();
    let tz = zone(&versions.on(first).timezone);
    let mut recorded: HashMap<Uuid, store::Employment> = store::employments(conn, only)?
        .into_iter()
        .map(|e| (e.user_id, e))
        .collect();
    let accounts: Vec<users::User> = match only {
        Some(id) => users::find(conn, id)?.into_iter().collect(),
        None => users::list(
            conn,
            &UserFilter {
                active: None,
                role: None,
            },
            None,
            1_000_000,
        )?,
    };
    let people: Vec<(users::User, store::Employment)> = accounts
        .into_iter()
        .filter(|u| !u.is_special)
        .filter_map(|u| {
            let employment = recorded
                .remove(&u.id)
                .unwrap_or_else(|| implied_employment(&u, tz));
            let overlaps =
                employment.started_on < next && employment.ended_on.is_none_or(|end| end >= first);
            overlaps.then_some((u, employment))
        })
        .collect();
    // A day away from the month's edges on both sides covers any zone's local days.
    let from = day_start(tz, first) - chrono::Duration::days(1);
    let to = day_start(tz, next) + chrono::Duration::days(1);
    let punches = punches::between(conn, only, from, to)?;
    let notices = punches::notices_between(conn, only, first, next)?
        .into_iter()
        .map(|n| (n.user_id, n.day))
        .collect();
    let leave = leave::overlapping(conn, only, &[ApprovalState::Approved], from, to)?;
    let adjustments = store::adjustments_in(conn, month, only)?;
    Ok(Inputs {
        versions,
        calendar,
        people,
        punches,
        notices,
        leave,
        adjustments,
    })
}

/// Without recorded dates, someone is employed from the day their account was created to the
/// day it was deactivated.
pub fn implied_employment(u: &users::User, tz: Tz) -> store::Employment {
    store::Employment {
        user_id: u.id,
        started_on: u.created_at.with_timezone(&tz).date_naive(),
        ended_on: u.deactivated_at.map(|d| d.with_timezone(&tz).date_naive()),
    }
}

/// R-ATT-8: the wall-clock spans of `day` that a person's approved leave covers.
fn leave_on(leave: &[Leave], user: Uuid, day: NaiveDate, tz: Tz) -> Vec<(NaiveTime, NaiveTime)> {
    let (start, end) = (
        day_start(tz, day),
        day_start(tz, day + chrono::Duration::days(1)),
    );
    let last = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    leave
        .iter()
        .filter(|l| l.user_id == user && l.starts_at < end && l.ends_at > start)
        .map(|l| {
            let from = l.starts_at.max(start).with_timezone(&tz).time();
            let to = if l.ends_at >= end {
                last
            } else {
                l.ends_at.with_timezone(&tz).time()
            };
            (from, to)
        })
        .collect()
}

/// Judges every day of the month for everyone in `inputs`. `settle`: the month is being closed
/// (or was closed) with missing punches confirmed or not; `None` while it is open.
fn judge(
    inputs: &Inputs,
    month: Month,
    now: DateTime<Utc>,
    settle: Option<bool>,
) -> Vec<PersonMonth> {
    // Each punch on its local day, under the zone of the version in force that day.
    let mut by_day: HashMap<(Uuid, NaiveDate), Vec<&Punch>> = HashMap::new();
    for p in &inputs.punches {
        let guess = p.punched_at.with_timezone(&zone(
            &inputs.versions.on(p.punched_at.date_naive()).timezone,
        ));
        let tz = zone(&inputs.versions.on(guess.date_naive()).timezone);
        let day = p.punched_at.with_timezone(&tz).date_naive();
        if month.contains(day) {
            by_day.entry((p.user_id, day)).or_default().push(p);
        }
    }
    inputs
        .people
        .iter()
        .map(|(u, employment)| {
            let wage = u.monthly_wage_fen.unwrap_or(0);
            let days: Vec<PersonDay> = month
                .days()
                .map(|day| {
                    let version = inputs.versions.on(day);
                    let policy = &version.policy;
                    let tz = zone(&version.timezone);
                    let entry = inputs.calendar.get(&day);
                    let kind = workdays::day_kind(policy, entry, day);
                    let mut punches: Vec<&Punch> =
                        by_day.get(&(u.id, day)).cloned().unwrap_or_default();
                    punches.sort_by_key(|p| (p.punched_at, p.id));
                    let local = |p: &Punch| p.punched_at.with_timezone(&tz).time();
                    let clock_in = punches
                        .iter()
                        .filter(|p| p.direction == Direction::In)
                        .map(|p| local(p))
                        .min();
                    let clock_out = punches
                        .iter()
                        .filter(|p| p.direction == Direction::Out)
                        .map(|p| local(p))
                        .max();
                    let record = DayRecord {
                        clock_in,
                        clock_out,
                        leave: leave_on(&inputs.leave, u.id, day, tz),
                        phoned_ahead: inputs.notices.contains(&(u.id, day)),
                    };
                    let local_now = now.with_timezone(&tz);
                    let over = day < local_now.date_naive()
                        || (day == local_now.date_naive() && local_now.time() >= policy.end);
                    let status = if !workdays::employed_on(
                        employment.started_on,
                        employment.ended_on,
                        day,
                    ) {
                        DayStatus::NotEmployed
                    } else if !kind.is_working() {
                        DayStatus::Off
                    } else if !over {
                        DayStatus::Upcoming
                    } else {
                        DayStatus::Judged
                    };
                    let verdict = (status == DayStatus::Judged).then(|| {
                        let v = rules::judge_day(policy, u.staff_level, wage, &record);
                        match settle {
                            Some(confirmed) => rules::settle(policy, wage, &v, confirmed),
                            None => v,
                        }
                    });
                    let arrival_so_far = match (status, record.clock_in) {
                        (DayStatus::Upcoming, Some(at))
                            if day == local_now.date_naive() && record.leave.is_empty() =>
                        {
                            Some(policy.arrival(policy.start, at, record.phoned_ahead))
                        }
                        _ => None,
                    };
                    PersonDay {
                        arrival_so_far,
                        day,
                        kind,
                        calendar_name: entry.map(|e| e.name.clone()),
                        status,
                        policy_version: version.id,
                        punches: punches
                            .iter()
                            .map(|p| DayPunch {
                                id: p.id,
                                at: p.punched_at,
                                direction: p.direction.as_str().to_owned(),
                                source: p.source.as_str().to_owned(),
                                reason: p.source.parts().2.map(str::to_owned),
                            })
                            .collect(),
                        clock_in: record.clock_in,
                        clock_out: record.clock_out,
                        phoned_ahead: record.phoned_ahead,
                        leave: record.leave,
                        verdict,
                    }
                })
                .collect();
            let verdicts: Vec<&DayVerdict> =
                days.iter().filter_map(|d| d.verdict.as_ref()).collect();
            let summary = rules::summarize(verdicts.iter().copied());
            let pending = verdicts
                .iter()
                .filter(|v| v.missing_punch && !v.absent)
                .count();
            let adjustments: Vec<AdjustmentLine> = inputs
                .adjustments
                .iter()
                .filter(|a| a.user_id == u.id)
                .map(|a| AdjustmentLine {
                    id: a.id,
                    concerns_day: a.concerns_day,
                    concerns_month: a.concerns_month.label(),
                    deduction_fen: a.deduction_fen,
                    loses_bonus: a.loses_bonus,
                    reason: a.reason.clone(),
                    source: a.source.clone(),
                    source_id: a.source_id,
                    created_by: a.created_by,
                    created_at: a.created_at,
                })
                .collect();
            PersonMonth {
                user_id: u.id,
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                staff_level: u.staff_level,
                monthly_wage_fen: u.monthly_wage_fen,
                days_judged: u32::try_from(verdicts.len()).unwrap_or(u32::MAX),
                total_deductions_fen: summary.deductions_fen
                    + adjustments.iter().map(|a| a.deduction_fen).sum::<i64>(),
                full_attendance_bonus_kept: summary.full_attendance_bonus_kept
                    && !adjustments.iter().any(|a| a.loses_bonus),
                pending_missing_punches: if settle.is_some() {
                    0
                } else {
                    u32::try_from(pending).unwrap_or(u32::MAX)
                },
                summary,
                adjustments,
                days,
            }
        })
        .collect()
}

/// Who may read whose month.
pub enum Scope {
    Everyone,
    One(Uuid),
}

/// The month as it stands: frozen figures when closed, judged now when open.
pub fn month(
    conn: &mut AnyConnection,
    scope: Scope,
    month: Month,
    now: DateTime<Utc>,
) -> AppResult<MonthFigures> {
    let only = match scope {
        Scope::Everyone => None,
        Scope::One(id) => Some(id),
    };
    crate::read(conn, |conn| {
        if let Some(c) = store::closing(conn, month)? {
            let people: Vec<PersonMonth> = serde_json::from_str(&c.figures)
                .map_err(|e| AppError::Internal(format!("closed month {}: {e}", month.label())))?;
            return Ok(MonthFigures {
                month: month.label(),
                closed: Some(ClosedBy {
                    by: c.closed_by,
                    at: c.closed_at,
                    missing_punches_confirmed: c.missing_punches_confirmed,
                }),
                people: people
                    .into_iter()
                    .filter(|p| only.is_none_or(|id| id == p.user_id))
                    .collect(),
            });
        }
        let inputs = load(conn, only, month)?;
        Ok(MonthFigures {
            month: month.label(),
            closed: None,
            people: judge(&inputs, month, now, None),
        })
    })
}

/// The department manager closes a month that is over: its figures are frozen as judged now,
/// missing punches settled by the policy (which needs `confirm_missing_punches` when the policy
/// turns them into absences). Months close in order.
pub fn close(
    conn: &mut AnyConnection,
    actor: &Actor,
    month: Month,
    confirm_missing_punches: bool,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<MonthFigures> {
    actor.require(PermissionLevel::Operator, &[JobRole::DeptManager])?;
    write_tx(conn, |conn| {
        lock_month(conn, month)?;
        workdays::check_closing(month, today, store::last_closed(conn)?).map_err(|e| {
            use workdays::ClosingRefusal as R;
            match e {
                R::NotOver => AppError::rule("month_not_over", "a month closes once it is over"),
                R::EarlierOpen => AppError::rule(
                    "earlier_month_open",
                    "close the month before it first: months close in order",
                ),
                R::AlreadyClosed => AppError::conflict("month_closed", "the month is closed"),
            }
        })?;
        let inputs = load(conn, None, month)?;
        let open = judge(&inputs, month, now, None);
        let pending: u32 = open.iter().map(|p| p.pending_missing_punches).sum();
        let needs_confirmation = open.iter().any(|p| {
            p.days.iter().any(|d| {
                d.verdict
                    .as_ref()
                    .is_some_and(|v| v.missing_punch && !v.absent)
                    && inputs.versions.on(d.day).policy.missing_punch
                        == rules::MissingPunchRule::AbsenceOnConfirmation
            })
        });
        if needs_confirmation && !confirm_missing_punches {
            return Err(AppError::conflict(
                "missing_punches_pending",
                format!(
                    "{pending} working days still miss a clock-in or clock-out: correct them, or confirm that the policy judges them (as absences) when closing"
                ),
            ));
        }
        let people = judge(&inputs, month, now, Some(confirm_missing_punches));
        let figures = serde_json::to_string(&people)
            .map_err(|e| AppError::Internal(format!("month figures: {e}")))?;
        store::insert_closing(
            conn,
            &Closing {
                month,
                closed_by: actor.id,
                closed_at: now,
                missing_punches_confirmed: confirm_missing_punches,
                figures,
            },
        )
        .map_err(crate::error::unique_as(|| {
            AppError::conflict("month_closed", "the month is closed")
        }))?;
        let entry = actor.audit_entry(
            "attendance.month_close",
            Some(("month", month.label())),
            Outcome::Success,
            json!({"people": people.len(), "missing_punches_confirmed": confirm_missing_punches,
                   "pending_missing_punches": pending,
                   "deductions_fen": people.iter().map(|p| p.total_deductions_fen).sum::<i64>()}),
        );
        audit::append(conn, &entry, now)?;
        crate::outbox::record(
            conn,
            crate::outbox::EventType::AttendanceMonthClosed,
            &month.label(),
            json!({"missing_punches_confirmed": confirm_missing_punches}),
            now,
        )?;
        Ok(MonthFigures {
            month: month.label(),
            closed: Some(ClosedBy {
                by: actor.id,
                at: now,
                missing_punches_confirmed: confirm_missing_punches,
            }),
            people,
        })
    })
}

/// The general manager reopens the latest closed month, with a reason. Its adjustments still
/// waiting in open months go: the reopened month shows those changes itself.
pub fn reopen(
    conn: &mut AnyConnection,
    actor: &Actor,
    month: Month,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    actor.require(PermissionLevel::Operator, &[JobRole::GeneralManager])?;
    write_tx(conn, |conn| {
        lock_month(conn, month)?;
        let last = store::last_closed(conn)?;
        match last {
            Some(l) if l == month => {}
            Some(l) if l > month => {
                return Err(AppError::rule(
                    "later_month_closed",
                    format!("{} is closed after it: reopen that one first", l.label()),
                ))
            }
            _ => return Err(AppError::conflict("month_open", "the month is not closed")),
        }
        store::delete_closing(conn, month)?;
        let still_closed = store::last_closed(conn)?;
        let dropped = store::drop_open_adjustments(conn, month, still_closed)?;
        let entry = actor.audit_entry(
            "attendance.month_reopen",
            Some(("month", month.label())),
            Outcome::Success,
            json!({"reason": reason, "adjustments_withdrawn": dropped}),
        );
        audit::append(conn, &entry, now)?;
        crate::outbox::record(
            conn,
            crate::outbox::EventType::AttendanceMonthReopened,
            &month.label(),
            json!({"reason": reason}),
            now,
        )?;
        Ok(())
    })
}

/// Closing a month, reopening it and a change to one of its days take turns (PostgreSQL: an
/// advisory lock per month), so a correction committed while the month closes is either in the
/// frozen figures or an adjustment, never lost between them.
pub(crate) fn lock_month(conn: &mut AnyConnection, month: Month) -> AppResult<()> {
    ecops_persistence::db::lock_subject(conn, "attendance_month", &month.label())?;
    Ok(())
}

/// Inside a write transaction: if any of `days` (the first and last day a change concerns) lies
/// in a closed month, runs `change` and records what it made different for `user` in each such
/// month as an adjustment in the first open month; otherwise just runs it. A closed month's
/// figures are never touched. `by` is who made the change.
pub fn with_adjustment<T>(
    conn: &mut AnyConnection,
    by: Uuid,
    (user, days): (Uuid, &[NaiveDate]),
    (source, source_id, reason): (&str, Uuid, &str),
    now: DateTime<Utc>,
    change: impl FnOnce(&mut AnyConnection) -> AppResult<T>,
) -> AppResult<T> {
    let mut months: Vec<Month> = days.iter().map(|d| Month::of(*d)).collect();
    months.sort();
    months.dedup();
    let mut closed = Vec::new();
    for m in months {
        lock_month(conn, m)?;
        if let Some(c) = store::closing(conn, m)? {
            closed.push((m, c.missing_punches_confirmed));
        }
    }
    // Tests widen the window between reading whether the month is closed and the change here.
    fail::fail_point!("attendance::adjustment::checked");
    if closed.is_empty() {
        return change(conn);
    }
    let figure = |conn: &mut AnyConnection, (m, settle): (Month, bool)| -> AppResult<(i64, bool)> {
        let inputs = load(conn, Some(user), m)?;
        let p = judge(&inputs, m, now, Some(settle));
        Ok(p.first().map_or((0, true), |p| {
            (
                p.summary.deductions_fen,
                p.summary.full_attendance_bonus_kept,
            )
        }))
    };
    let mut before = Vec::new();
    for c in &closed {
        before.push(figure(conn, *c)?);
    }
    let out = change(conn)?;
    let applied = store::last_closed(conn)?;
    for (c, before) in closed.iter().zip(before) {
        let after = figure(conn, *c)?;
        if before == after {
            continue;
        }
        let concerns_day = days
            .iter()
            .copied()
            .find(|d| Month::of(*d) == c.0)
            .unwrap_or_else(|| c.0.first());
        store::insert_adjustment(
            conn,
            &Adjustment {
                id: Uuid::now_v7(),
                user_id: user,
                concerns_day,
                concerns_month: c.0,
                applied_month: applied.map_or(c.0.next(), Month::next),
                deduction_fen: after.0 - before.0,
                loses_bonus: before.1 && !after.1,
                reason: reason.to_owned(),
                source: source.to_owned(),
                source_id,
                created_by: by,
                created_at: now,
            },
        )?;
    }
    Ok(out)
}
