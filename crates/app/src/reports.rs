//! Work reports (R-REP-1): each person files a daily report of their own, on its day.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use ecops_domain::report::{check_daily, DailyRefusal};
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::reports::{self, DailyReport};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// What a daily report says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyText {
    pub done: String,
    pub problems: String,
    pub plan: String,
}

/// R-REP-1: files or rewrites the actor's report of `day`, which must be today in the company's
/// time zone (a report is immutable once its day is over, and is not written ahead). Saving the
/// same text again changes nothing. Returns the report and whether it was created now. Saves of
/// one person take turns (a lock), so two at once never make two reports or lose one's text.
pub fn file_daily(
    conn: &mut AnyConnection,
    actor: &Actor,
    day: NaiveDate,
    text: DailyText,
    now: DateTime<Utc>,
) -> AppResult<(DailyReport, bool)> {
    let today = crate::workdays::company_date(conn, now)?;
    check_daily(today, day).map_err(|r| match r {
        DailyRefusal::DayOver => AppError::rule("report_day_over", r.to_string()),
        DailyRefusal::DayToCome => AppError::rule("report_day_to_come", r.to_string()),
    })?;
    let text = DailyText {
        done: text.done.trim().to_owned(),
        problems: text.problems.trim().to_owned(),
        plan: text.plan.trim().to_owned(),
    };
    if text.done.is_empty() && text.problems.is_empty() && text.plan.is_empty() {
        return Err(AppError::invalid("done", "write what you did today"));
    }
    write_tx(conn, |conn| {
        if users::get(conn, actor.id)?.is_special {
            return Err(AppError::forbidden(
                "not_staff",
                "service accounts file no reports",
            ));
        }
        lock_subject(conn, "daily_report", &actor.id.to_string())?;
        let existing = reports::find(conn, actor.id, day)?;
        let (report, created) = match existing {
            Some(r)
                if r.done == text.done && r.problems == text.problems && r.plan == text.plan =>
            {
                return Ok((r, false));
            }
            Some(r) => {
                if !reports::update(
                    conn,
                    r.id,
                    r.version,
                    (&text.done, &text.problems, &text.plan),
                    now,
                )? {
                    return Err(AppError::Stale(
                        "the report changed meanwhile: reload it".to_owned(),
                    ));
                }
                let r = reports::find(conn, actor.id, day)?
                    .ok_or_else(|| AppError::not_found("the report vanished"))?;
                (r, false)
            }
            None => {
                let r = DailyReport {
                    id: Uuid::now_v7(),
                    user_id: actor.id,
                    day,
                    done: text.done.clone(),
                    problems: text.problems.clone(),
                    plan: text.plan.clone(),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                reports::insert(conn, &r)?;
                (r, true)
            }
        };
        audit::append(
            conn,
            &actor.audit_entry(
                if created {
                    "report.daily_filed"
                } else {
                    "report.daily_revised"
                },
                Some(("daily_report", report.id.to_string())),
                Outcome::Success,
                json!({"day": day, "version": report.version}),
            ),
            now,
        )?;
        Ok((report, created))
    })
}

/// A working day someone has not filed their report of (R-REP-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub day: NaiveDate,
    pub user_id: Uuid,
    pub display_name: String,
    /// Today: still to be filed before the day is over.
    pub due_today: bool,
}

/// R-REP-3: who has not filed a daily report, for each day of `[from, to]` up to today: the
/// people employed that day for whom it is a working day (the policy's weekdays and the
/// calendar) and who are not on approved leave all of it (today: any approved leave that day).
pub fn missing(
    conn: &mut AnyConnection,
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> AppResult<Vec<Missing>> {
    use crate::attendance_month::{month, DayStatus, Scope};
    let today = crate::workdays::company_date(conn, now)?;
    let to = to.min(today);
    if to < from {
        return Ok(Vec::new());
    }
    let filed: std::collections::HashSet<(Uuid, NaiveDate)> =
        reports::between(conn, None, (from, to))?
            .into_iter()
            .map(|r| (r.user_id, r.day))
            .collect();
    let mut out = Vec::new();
    let mut m = ecops_domain::workdays::Month::of(from);
    while m.first() <= to {
        let figures = month(conn, Scope::Everyone, m, now)?;
        for p in &figures.people {
            for d in p.days.iter().filter(|d| d.day >= from && d.day <= to) {
                let works = d.kind.is_working()
                    && d.status != DayStatus::NotEmployed
                    && !d.verdict.as_ref().is_some_and(|v| v.on_leave)
                    // Today is not over: any approved leave that day excuses it.
                    && (d.day != today || d.leave.is_empty());
                if works && !filed.contains(&(p.user_id, d.day)) {
                    out.push(Missing {
                        day: d.day,
                        user_id: p.user_id,
                        display_name: p.display_name.clone(),
                        due_today: d.day == today,
                    });
                }
            }
        }
        m = m.next();
    }
    out.sort_by(|a, b| {
        b.day
            .cmp(&a.day)
            .then_with(|| a.display_name.cmp(&b.display_name))
    });
    Ok(out)
}

/// What a monthly summary says (R-REP-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyText {
    pub done: String,
    pub unfinished: String,
    pub plan: String,
}

/// The last working day of `month` by the policy in force on each day and the calendar.
pub fn last_working_day(
    conn: &mut AnyConnection,
    month: ecops_domain::workdays::Month,
) -> AppResult<NaiveDate> {
    let versions = crate::attendance_month::versions(conn)?;
    let (first, next) = (month.first(), month.next().first());
    let calendar: std::collections::HashMap<NaiveDate, ecops_domain::workdays::CalendarEntry> =
        ecops_persistence::repo::workdays::calendar(conn, first, next)?
            .into_iter()
            .map(|e| (e.entry.day, e.entry))
            .collect();
    let mut day = next.pred_opt().unwrap_or(first);
    while day > first {
        let kind =
            ecops_domain::workdays::day_kind(&versions.on(day).policy, calendar.get(&day), day);
        if kind.is_working() {
            break;
        }
        day = day.pred_opt().unwrap_or(first);
    }
    Ok(day)
}

/// R-REP-2: when the month's summaries may be filed: `(opens, closes)`, both included.
pub fn monthly_window(
    conn: &mut AnyConnection,
    month: ecops_domain::workdays::Month,
    close_day: u32,
) -> AppResult<(NaiveDate, NaiveDate)> {
    let last = last_working_day(conn, month)?;
    Ok(ecops_domain::report::monthly_window(
        month.first(),
        last,
        close_day,
    ))
}

/// R-REP-2: files or rewrites the actor's summary of `month`, from the month's last working day
/// through the `close_day`th of the next month (company time); immutable after. Returns the
/// summary and whether it was created now. One person's saves take turns (a lock).
pub fn file_monthly(
    conn: &mut AnyConnection,
    actor: &Actor,
    month: ecops_domain::workdays::Month,
    text: MonthlyText,
    close_day: u32,
    now: DateTime<Utc>,
) -> AppResult<(ecops_persistence::repo::reports::MonthlySummary, bool)> {
    use ecops_domain::report::{check_monthly, MonthlyRefusal};
    use ecops_persistence::repo::reports::MonthlySummary;
    let today = crate::workdays::company_date(conn, now)?;
    let window = monthly_window(conn, month, close_day)?;
    check_monthly(today, window).map_err(|r| match r {
        MonthlyRefusal::TooEarly { .. } => AppError::rule("summary_too_early", r.to_string()),
        MonthlyRefusal::Closed { .. } => AppError::rule("summary_closed", r.to_string()),
    })?;
    let text = MonthlyText {
        done: text.done.trim().to_owned(),
        unfinished: text.unfinished.trim().to_owned(),
        plan: text.plan.trim().to_owned(),
    };
    if text.done.is_empty() {
        return Err(AppError::invalid("done", "write this month's work"));
    }
    let label = month.label();
    write_tx(conn, |conn| {
        if users::get(conn, actor.id)?.is_special {
            return Err(AppError::forbidden(
                "not_staff",
                "service accounts file no reports",
            ));
        }
        lock_subject(conn, "monthly_summary", &actor.id.to_string())?;
        let (summary, created) = match reports::find_monthly(conn, actor.id, &label)? {
            Some(s)
                if s.done == text.done
                    && s.unfinished == text.unfinished
                    && s.plan == text.plan =>
            {
                return Ok((s, false));
            }
            Some(s) => {
                if !reports::update_monthly(
                    conn,
                    s.id,
                    s.version,
                    (&text.done, &text.unfinished, &text.plan),
                    now,
                )? {
                    return Err(AppError::Stale(
                        "the summary changed meanwhile: reload it".to_owned(),
                    ));
                }
                let s = reports::find_monthly(conn, actor.id, &label)?
                    .ok_or_else(|| AppError::not_found("the summary vanished"))?;
                (s, false)
            }
            None => {
                let s = MonthlySummary {
                    id: Uuid::now_v7(),
                    user_id: actor.id,
                    month: label.clone(),
                    done: text.done.clone(),
                    unfinished: text.unfinished.clone(),
                    plan: text.plan.clone(),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                reports::insert_monthly(conn, &s)?;
                (s, true)
            }
        };
        audit::append(
            conn,
            &actor.audit_entry(
                if created {
                    "report.monthly_filed"
                } else {
                    "report.monthly_revised"
                },
                Some(("monthly_summary", summary.id.to_string())),
                Outcome::Success,
                json!({"month": label, "version": summary.version}),
            ),
            now,
        )?;
        Ok((summary, created))
    })
}

/// R-REP-1: a manager's note beside someone's report of a past day (filed or not: "handed in on
/// paper", "was at the trade fair"). The report itself never changes.
pub fn late_note(
    conn: &mut AnyConnection,
    actor: &Actor,
    (user, day): (Uuid, NaiveDate),
    note: &str,
    now: DateTime<Utc>,
) -> AppResult<ecops_persistence::repo::reports::LateNote> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[
            ecops_domain::JobRole::DeptManager,
            ecops_domain::JobRole::GeneralManager,
        ],
    )?;
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::invalid("note", "must not be empty"));
    }
    let today = crate::workdays::company_date(conn, now)?;
    if day >= today {
        return Err(AppError::rule(
            "report_day_not_over",
            "a note goes beside a past day's report; today's is still its author's to write",
        ));
    }
    write_tx(conn, |conn| {
        if users::find(conn, user)?.is_none() {
            return Err(AppError::invalid("user_id", "names nobody"));
        }
        let n = ecops_persistence::repo::reports::LateNote {
            id: Uuid::now_v7(),
            user_id: user,
            day,
            note: note.to_owned(),
            written_by: actor.id,
            written_at: now,
        };
        reports::insert_note(conn, &n)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "report.late_note",
                Some(("user", user.to_string())),
                Outcome::Success,
                json!({"day": day, "note": note}),
            ),
            now,
        )?;
        Ok(n)
    })
}
