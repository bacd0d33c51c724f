//! The statistics sent to one's superior every Monday and on the 1st (R-REP-5, 每周一、每月1号
//! 向上级提交统计数据): the system assembles each person's figures of the past week or month
//! (orders taken, contact deadlines met, after-sales cases, attendance, daily reports filed);
//! the person confirms them, with a comment, and they are kept as sent, true to the system.

use crate::approvals::Actor;
use crate::attendance_month::{month, Scope};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use ecops_domain::attendance::{Arrival, Departure};
use ecops_domain::report::StatementPeriod;
use ecops_domain::workdays::Month;
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::figures;
use ecops_persistence::repo::reports::{self, Statement};
use ecops_persistence::repo::users;
use ecops_persistence::{AnyConnection, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// One person's figures of a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFigures {
    pub orders_taken: i64,
    pub orders_total_fen: i64,
    pub contact_met: i64,
    pub contact_missed: i64,
    pub cases_opened: i64,
    pub cases_closed: i64,
    pub days_judged: i64,
    pub late: i64,
    pub early: i64,
    pub absent: i64,
    pub deduction_fen: i64,
    pub daily_reports_filed: i64,
}

/// The period's days and its UTC span (`[start of first day, start of the day after last)`).
fn span(
    conn: &mut AnyConnection,
    (first, last): (NaiveDate, NaiveDate),
) -> AppResult<(DateTime<Utc>, DateTime<Utc>)> {
    let versions = crate::attendance_month::versions(conn)?;
    let tz = crate::attendance_month::zone_on(&versions, first);
    Ok((
        crate::attendance_month::day_start(tz, first),
        crate::attendance_month::day_start(tz, last.succ_opt().unwrap_or(last)),
    ))
}

/// Assembles `person`'s figures of the days `[first, last]`, each from the system's records.
pub fn assemble(
    conn: &mut AnyConnection,
    person: Uuid,
    (first, last): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> AppResult<PersonFigures> {
    crate::read(conn, |conn| {
        let period = span(conn, (first, last))?;
        let orders = figures::person_orders(conn, period, person)?;
        let contact = figures::contact_compliance(conn, period, now)?
            .into_iter()
            .find(|c| c.person == person.to_string());
        let cases = figures::person_cases(conn, period, person)?;
        let mut f = PersonFigures {
            orders_taken: orders.orders,
            orders_total_fen: orders.total_fen,
            contact_met: contact.as_ref().map_or(0, |c| c.met),
            contact_missed: contact.as_ref().map_or(0, |c| c.missed),
            cases_opened: cases.opened,
            cases_closed: cases.closed,
            daily_reports_filed: i64::try_from(
                reports::between(conn, Some(person), (first, last))?.len(),
            )
            .unwrap_or(i64::MAX),
            ..PersonFigures::default()
        };
        let mut m = Month::of(first);
        while m.first() <= last {
            for p in month(conn, Scope::One(person), m, now)?.people {
                for d in p.days.iter().filter(|d| d.day >= first && d.day <= last) {
                    let Some(v) = &d.verdict else { continue };
                    f.days_judged += 1;
                    f.late += i64::from(matches!(v.arrival, Some(Arrival::Late { .. })));
                    f.early += i64::from(matches!(v.departure, Some(Departure::Early { .. })));
                    f.absent += i64::from(v.absent);
                    f.deduction_fen += v.deduction_fen;
                }
            }
            m = m.next();
        }
        Ok(f)
    })
}

/// The last complete period of `kind` before today (company time).
pub fn period(
    conn: &mut AnyConnection,
    kind: StatementPeriod,
    now: DateTime<Utc>,
) -> AppResult<(NaiveDate, NaiveDate)> {
    Ok(kind.last_before(crate::workdays::company_date(conn, now)?))
}

/// R-REP-5: the actor confirms their figures of the last week or month and sends them: the
/// figures are assembled again now and kept exactly as sent, with the comment. Once per person
/// and period (a second is refused).
pub fn send(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: StatementPeriod,
    comment: &str,
    now: DateTime<Utc>,
) -> AppResult<(Statement, PersonFigures)> {
    let (first, last) = period(conn, kind, now)?;
    let figures = assemble(conn, actor.id, (first, last), now)?;
    let text = serde_json::to_string(&figures).map_err(|e| AppError::Internal(e.to_string()))?;
    write_tx(conn, |conn| {
        if users::get(conn, actor.id)?.is_special {
            return Err(AppError::forbidden(
                "not_staff",
                "service accounts send no statements",
            ));
        }
        let s = Statement {
            id: Uuid::now_v7(),
            user_id: actor.id,
            period_kind: kind.as_str().to_owned(),
            period_start: first,
            period_end: last,
            figures: text.clone(),
            comment: comment.trim().to_owned(),
            submitted_at: now,
        };
        reports::insert_statement(conn, &s).map_err(|e| match e {
            StoreError::Unique(_) => {
                AppError::conflict("statement_sent", "this period's statement was sent already")
            }
            other => other.into(),
        })?;
        audit::append(
            conn,
            &actor.audit_entry(
                "report.statement_sent",
                Some(("statement", s.id.to_string())),
                Outcome::Success,
                json!({"period": kind.as_str(), "from": first, "to": last}),
            ),
            now,
        )?;
        Ok((s, figures.clone()))
    })
}
