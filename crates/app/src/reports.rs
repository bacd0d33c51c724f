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
