//! The monthly staff evaluation (R-EVAL-1): each month the manager gets one draft per direct
//! report, prefilled with the month's figures from the system (attendance, contact deadlines,
//! service reviews, daily reports); the manager scores the rest, comments and submits; the
//! person acknowledges or disputes (the dispute goes to the manager's own manager); a closed
//! month's evaluations never change. Managers see their reports' evaluations only; the general
//! manager and the department manager see all.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::evaluation::{self as rules, FormItem, MonthFigures, Source, State};
use ecops_domain::workdays::Month;
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::evaluations::{self as repo, Evaluation, Item};
use ecops_persistence::repo::{quality, users};
use ecops_persistence::{AnyConnection, StoreError};
use serde_json::json;
use uuid::Uuid;

/// Who sees every evaluation.
const SEE_ALL: &[JobRole] = &[JobRole::GeneralManager, JobRole::DeptManager];

fn sees_all(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| SEE_ALL.contains(r))
}

fn month_of(label: &str) -> AppResult<Month> {
    Month::parse(label).ok_or_else(|| AppError::invalid("month", "is not a month (YYYY-MM)"))
}

/// The form in force (the department's default until a version is written).
pub fn form(conn: &mut AnyConnection) -> AppResult<(i64, Vec<FormItem>)> {
    Ok(repo::current_form(conn)?.unwrap_or((1, rules::default_form())))
}

/// A new version of the form (the department manager): weights that sum to 100.
pub fn set_form(
    conn: &mut AnyConnection,
    actor: &Actor,
    items: Vec<FormItem>,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    actor.require(PermissionLevel::Operator, &[JobRole::DeptManager])?;
    rules::check_form(&items).map_err(|(f, m)| AppError::invalid(f, m))?;
    write_tx(conn, |conn| {
        lock_subject(conn, "evaluation_form", "versions")?;
        let next = match repo::current_form(conn)? {
            Some((v, _)) => v + 1,
            None => {
                repo::insert_form(conn, 1, &rules::default_form(), None, now)?;
                2
            }
        };
        repo::insert_form(conn, next, &items, Some(actor.id), now)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "evaluation.form_version",
                Some(("evaluation_form", next.to_string())),
                Outcome::Success,
                json!({"items": items.iter().map(|i| (&i.key, i.weight)).collect::<Vec<_>>()}),
            ),
            now,
        )?;
        Ok(next)
    })
}

/// R-EVAL-1: the month's figures of one person, from the system's records.
pub fn month_figures(
    conn: &mut AnyConnection,
    person: Uuid,
    month: Month,
    now: DateTime<Utc>,
) -> AppResult<MonthFigures> {
    let first = month.first();
    let last = month.next().first().pred_opt().unwrap_or(first);
    let f = crate::statements::assemble(conn, person, (first, last), now)?;
    let versions = crate::attendance_month::versions(conn)?;
    let tz = crate::attendance_month::zone_on(&versions, first);
    let reviews = quality::reviews_between(
        conn,
        Some(person),
        crate::attendance_month::day_start(tz, first),
        crate::attendance_month::day_start(tz, month.next().first()),
    )?;
    let review_average = (!reviews.is_empty())
        .then(|| reviews.iter().map(|r| f64::from(r.score)).sum::<f64>() / reviews.len() as f64);
    Ok(MonthFigures {
        days_judged: f.days_judged,
        late: f.late,
        early: f.early,
        absent: f.absent,
        contact_met: f.contact_met,
        contact_missed: f.contact_missed,
        reviews: reviews.len() as i64,
        review_average,
        daily_reports_filed: f.daily_reports_filed,
    })
}

fn prefilled(items: &[FormItem], figures: &MonthFigures) -> Vec<Item> {
    items
        .iter()
        .map(|i| {
            let figure = rules::system_score(i.source, figures);
            Item {
                key: i.key.clone(),
                label_zh: i.label_zh.clone(),
                label_en: i.label_en.clone(),
                weight: i.weight,
                source: i.source,
                figure,
                score: figure,
            }
        })
        .collect()
}

fn refuse_closed(conn: &mut AnyConnection, month: &str) -> AppResult<()> {
    if repo::is_closed(conn, month)? {
        return Err(AppError::conflict(
            "month_closed",
            format!("the evaluations of {month} are closed and never change"),
        ));
    }
    Ok(())
}

/// The manager's drafts for a month: one per direct report, created with the month's figures if
/// missing; the figures of drafts not yet submitted are taken again.
pub fn draft_month(
    conn: &mut AnyConnection,
    actor: &Actor,
    month: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<Evaluation>> {
    actor.require(PermissionLevel::Operator, &[])?;
    let m = month_of(month)?;
    let label = m.label();
    let reports: Vec<Uuid> = users::org_chart(conn)?
        .into_iter()
        .filter(|(_, _, up)| *up == Some(actor.id))
        .map(|(id, _, _)| id)
        .collect();
    if reports.is_empty() {
        return Err(AppError::rule(
            "no_direct_reports",
            "nobody reports to you in the org chart",
        ));
    }
    let (form_version, form_items) = form(conn)?;
    let mut out = Vec::new();
    for person in reports {
        let figures = month_figures(conn, person, m, now)?;
        let e = write_tx(conn, |conn| -> AppResult<Evaluation> {
            lock_subject(conn, "evaluation_month", &label)?;
            refuse_closed(conn, &label)?;
            match repo::find(conn, person, &label)? {
                Some(mut e) if e.state == State::Draft.as_str() => {
                    // The person's manager now drafts it (a change of manager mid-month moves
                    // the draft). Fresh figures; the manager's own scores stay.
                    e.manager_id = actor.id;
                    let fresh = prefilled(&form_items_of(&e), &figures);
                    for (item, new) in e.items.iter_mut().zip(fresh) {
                        item.figure = new.figure;
                        if item.source != Source::Manager && new.figure.is_some() {
                            item.score = new.figure;
                        }
                    }
                    e.figures = figures;
                    let v = e.version;
                    if !repo::update(conn, &e, v)? {
                        return Err(AppError::Stale("the evaluation changed meanwhile".into()));
                    }
                    e.version = v + 1;
                    Ok(e)
                }
                Some(e) => Ok(e),
                None => {
                    let e = new_draft(
                        person,
                        actor.id,
                        &label,
                        (form_version, &form_items),
                        figures,
                        now,
                    );
                    repo::insert(conn, &e)?;
                    audit::append(
                        conn,
                        &actor.audit_entry(
                            "evaluation.draft",
                            Some(("evaluation", e.id.to_string())),
                            Outcome::Success,
                            json!({"person_id": person, "month": label}),
                        ),
                        now,
                    )?;
                    Ok(e)
                }
            }
        })?;
        out.push(e);
    }
    Ok(out)
}

fn new_draft(
    person: Uuid,
    manager: Uuid,
    month: &str,
    (form_version, form_items): (i64, &[FormItem]),
    figures: MonthFigures,
    now: DateTime<Utc>,
) -> Evaluation {
    Evaluation {
        id: Uuid::now_v7(),
        person_id: person,
        manager_id: manager,
        month: month.to_owned(),
        form_version,
        items: prefilled(form_items, &figures),
        figures,
        comment: String::new(),
        state: State::Draft.as_str().to_owned(),
        submitted_at: None,
        answered_at: None,
        dispute_comment: None,
        escalated_to: None,
        version: 1,
        created_at: now,
        resolution: None,
        resolution_comment: None,
        resolved_by: None,
        resolved_at: None,
    }
}

/// R-EVAL-1, the scheduler's part: once a month is over, the evaluations the org chart calls for
/// (one per person with a manager, employed before the month ended) that nobody drafted yet are
/// drafted for their managers with the month's figures. One node does it, under the
/// `evaluation_drafts` lease; the unique (person, month) key keeps it to one per person.
/// Returns how many were drafted.
pub fn draft_due(conn: &mut AnyConnection, node: &str, now: DateTime<Utc>) -> AppResult<usize> {
    let m = Month::of(crate::workdays::company_date(conn, now)?).previous();
    let label = m.label();
    if repo::is_closed(conn, &label)? {
        return Ok(0);
    }
    let drafted: std::collections::HashSet<Uuid> = repo::of_month(conn, &label)?
        .into_iter()
        .map(|e| e.person_id)
        .collect();
    let month_end = crate::workdays::company_instant(conn, m.next().first())?;
    let mut missing: Vec<(Uuid, Uuid)> = Vec::new();
    let chart = users::org_chart(conn)?;
    // The chart lists the active accounts: a manager whose account is closed drafts nothing.
    let active: std::collections::HashSet<Uuid> = chart.iter().map(|(id, _, _)| *id).collect();
    for (person, _, up) in chart {
        let Some(manager) = up.filter(|m| active.contains(m)) else {
            continue;
        };
        if drafted.contains(&person)
            || users::find(conn, person)?.is_none_or(|u| u.created_at >= month_end)
        {
            continue;
        }
        missing.push((person, manager));
    }
    if missing.is_empty()
        || !ecops_persistence::repo::jobs::acquire(
            conn,
            "evaluation_drafts",
            node,
            now,
            now + chrono::Duration::minutes(10),
        )?
    {
        return Ok(0);
    }
    let result = (|| -> AppResult<usize> {
        let (form_version, form_items) = form(conn)?;
        let mut n = 0;
        for (person, manager) in missing {
            let figures = month_figures(conn, person, m, now)?;
            let created = write_tx(conn, |conn| -> AppResult<bool> {
                lock_subject(conn, "evaluation_month", &label)?;
                if repo::is_closed(conn, &label)? || repo::find(conn, person, &label)?.is_some() {
                    return Ok(false);
                }
                let e = new_draft(
                    person,
                    manager,
                    &label,
                    (form_version, &form_items),
                    figures,
                    now,
                );
                repo::insert(conn, &e)?;
                audit::append(
                    conn,
                    &audit::NewEntry {
                        actor_id: None,
                        actor_username: Some("schedule".to_owned()),
                        action: "evaluation.draft".to_owned(),
                        subject_type: Some("evaluation".to_owned()),
                        subject_id: Some(e.id.to_string()),
                        client_addr: None,
                        outcome: Outcome::Success,
                        detail: json!({"person_id": person, "manager_id": manager,
                                       "month": label, "by": "schedule", "node": node}),
                        request_id: None,
                        on_behalf_of: None,
                    },
                    now,
                )?;
                Ok(true)
            })?;
            n += usize::from(created);
        }
        Ok(n)
    })();
    ecops_persistence::repo::jobs::release(conn, "evaluation_drafts", node)?;
    result
}

/// How the manager's manager settles a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The evaluation stands as submitted.
    Upheld,
    /// Back to the manager as a draft, to score again and submit.
    Returned,
}

/// R-EVAL-1: the one a dispute went to (the manager's own manager; at the top of the chart the
/// department manager or the general manager) settles it with a comment.
pub fn resolve(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    resolution: Resolution,
    comment: &str,
    now: DateTime<Utc>,
) -> AppResult<Evaluation> {
    actor.require(PermissionLevel::Operator, &[])?;
    let comment = comment.trim().to_owned();
    if comment.is_empty() {
        return Err(AppError::invalid(
            "comment",
            "say how the dispute is settled",
        ));
    }
    change(
        conn,
        actor,
        id,
        None,
        "evaluation.resolve",
        now,
        |conn, e| {
            // The one the dispute went to; the department's managers when that was nobody (the top
            // of the chart) or their account has been closed since.
            let addressee = match e.escalated_to {
                Some(to) => users::find(conn, to)?
                    .filter(|u| u.is_active())
                    .map(|u| u.id),
                None => None,
            };
            let theirs = match addressee {
                Some(to) => to == actor.id,
                None => sees_all(actor),
            };
            if !theirs || e.manager_id == actor.id || e.person_id == actor.id {
                return Err(AppError::forbidden(
                    "not_the_escalation",
                    "only the manager's own manager settles a dispute",
                ));
            }
            if e.state != State::Disputed.as_str() || e.resolution.is_some() {
                return Err(AppError::conflict(
                    "evaluation_not_disputed",
                    format!(
                        "the evaluation is {}{}",
                        e.state,
                        if e.resolution.is_some() {
                            ", settled already"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            e.resolved_by = Some(actor.id);
            e.resolved_at = Some(now);
            e.resolution_comment = Some(comment.clone());
            match resolution {
                Resolution::Upheld => e.resolution = Some("upheld".to_owned()),
                Resolution::Returned => {
                    e.resolution = Some("returned".to_owned());
                    e.state = State::Draft.as_str().to_owned();
                    e.submitted_at = None;
                    e.answered_at = None;
                }
            }
            Ok(json!({"resolution": e.resolution, "comment": comment}))
        },
    )
}

fn form_items_of(e: &Evaluation) -> Vec<FormItem> {
    e.items
        .iter()
        .map(|i| FormItem {
            key: i.key.clone(),
            label_zh: i.label_zh.clone(),
            label_en: i.label_en.clone(),
            weight: i.weight,
            source: i.source,
        })
        .collect()
}

/// Who may read an evaluation: its person, its manager, the one a dispute went to, the general
/// manager and the department manager. Anyone else: "not found".
fn readable(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> AppResult<Evaluation> {
    let e = repo::get(conn, id).map_err(|e| match e {
        StoreError::NotFound => AppError::not_found("no such evaluation"),
        other => other.into(),
    })?;
    if may_read(actor, &e) {
        Ok(e)
    } else {
        Err(AppError::not_found("no such evaluation"))
    }
}

/// The person sees their evaluation once it is submitted; the manager, the one a dispute went
/// to, the general manager and the department manager see it always.
fn may_read(actor: &Actor, e: &Evaluation) -> bool {
    e.manager_id == actor.id
        || e.escalated_to == Some(actor.id)
        || sees_all(actor)
        || (e.person_id == actor.id && e.state != State::Draft.as_str())
}

/// The person's manager in the org chart now: only they score and submit (a draft follows a
/// change of manager).
fn require_manager(conn: &mut AnyConnection, actor: &Actor, e: &mut Evaluation) -> AppResult<()> {
    actor.require(PermissionLevel::Operator, &[])?;
    if users::manager_of(conn, e.person_id)? != Some(actor.id) {
        return Err(AppError::forbidden(
            "not_the_manager",
            "only the person's manager in the org chart scores and submits it",
        ));
    }
    e.manager_id = actor.id;
    Ok(())
}

pub fn get(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> AppResult<Evaluation> {
    readable(conn, actor, id)
}

/// The evaluations of a month the actor may read.
pub fn list(conn: &mut AnyConnection, actor: &Actor, month: &str) -> AppResult<Vec<Evaluation>> {
    let label = month_of(month)?.label();
    Ok(repo::of_month(conn, &label)?
        .into_iter()
        .filter(|e| may_read(actor, e))
        .collect())
}

/// Runs `change` on an evaluation under its lock, refusing a closed month or another version
/// than `expected`, and audits it as `action`.
fn change(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    expected: Option<i64>,
    action: &str,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut AnyConnection, &mut Evaluation) -> AppResult<serde_json::Value>,
) -> AppResult<Evaluation> {
    write_tx(conn, |conn| {
        // The month's lock: a change and the month's closing never pass each other.
        let month = readable(conn, actor, id)?.month;
        lock_subject(conn, "evaluation_month", &month)?;
        let mut e = readable(conn, actor, id)?;
        refuse_closed(conn, &e.month)?;
        crate::error::check_version(e.version, expected)?;
        let v = e.version;
        let detail = change(conn, &mut e)?;
        if !repo::update(conn, &e, v)? {
            return Err(AppError::Stale(
                "the evaluation changed meanwhile; read it again".into(),
            ));
        }
        e.version = v + 1;
        audit::append(
            conn,
            &actor.audit_entry(
                action,
                Some(("evaluation", id.to_string())),
                Outcome::Success,
                detail,
            ),
            now,
        )?;
        Ok(e)
    })
}

/// The manager scores the items that are theirs (and any system item without a figure) and
/// comments, while the evaluation is a draft.
pub fn score(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    expected: Option<i64>,
    scores: Vec<(String, i32)>,
    comment: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<Evaluation> {
    change(
        conn,
        actor,
        id,
        expected,
        "evaluation.score",
        now,
        |conn, e| {
            require_manager(conn, actor, e)?;
            if e.state != State::Draft.as_str() {
                return Err(AppError::conflict(
                    "evaluation_submitted",
                    "a submitted evaluation is not scored again",
                ));
            }
            for (i, (key, value)) in scores.iter().enumerate() {
                let item = e
                    .items
                    .iter_mut()
                    .find(|it| it.key == *key)
                    .ok_or_else(|| {
                        AppError::invalid(format!("scores[{i}].key"), "is not an item of the form")
                    })?;
                if item.source != Source::Manager && item.figure.is_some() {
                    return Err(AppError::invalid(
                        format!("scores[{i}].key"),
                        "is scored by the month's figures",
                    ));
                }
                if !(0..=100).contains(value) {
                    return Err(AppError::invalid(
                        format!("scores[{i}].score"),
                        "must be 0 to 100",
                    ));
                }
                item.score = Some(*value);
            }
            if let Some(c) = comment {
                e.comment = c;
            }
            Ok(json!({"scores": scores}))
        },
    )
}

/// The manager submits a draft whose items all have a score; the person is asked to
/// acknowledge it.
pub fn submit(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Evaluation> {
    change(
        conn,
        actor,
        id,
        None,
        "evaluation.submit",
        now,
        |conn, e| {
            require_manager(conn, actor, e)?;
            if e.state != State::Draft.as_str() {
                return Err(AppError::conflict(
                    "evaluation_submitted",
                    "the evaluation was submitted already",
                ));
            }
            if let Some(missing) = e.items.iter().find(|i| i.score.is_none()) {
                return Err(AppError::invalid(
                    "scores",
                    format!("the item `{}` has no score", missing.key),
                ));
            }
            e.state = State::Submitted.as_str().to_owned();
            e.submitted_at = Some(now);
            Ok(json!({"total": total(e)}))
        },
    )
}

/// The weighted total, once every item has a score.
pub fn total(e: &Evaluation) -> Option<f64> {
    rules::total(
        &e.items
            .iter()
            .map(|i| (i.weight, i.score))
            .collect::<Vec<_>>(),
    )
}

/// The person acknowledges a submitted evaluation. An answer about oneself is open to every
/// permission level, like changing one's password.
pub fn acknowledge(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Evaluation> {
    change(
        conn,
        actor,
        id,
        None,
        "evaluation.acknowledge",
        now,
        |_, e| {
            answerable(actor, e)?;
            e.state = State::Acknowledged.as_str().to_owned();
            e.answered_at = Some(now);
            Ok(json!({}))
        },
    )
}

fn answerable(actor: &Actor, e: &Evaluation) -> AppResult<()> {
    if e.person_id != actor.id {
        return Err(AppError::forbidden(
            "not_the_person",
            "only the evaluated person answers it",
        ));
    }
    if e.state != State::Submitted.as_str() {
        return Err(AppError::conflict(
            "evaluation_not_submitted",
            format!("the evaluation is {}", e.state),
        ));
    }
    Ok(())
}

/// The person disputes a submitted evaluation with a comment; it goes to the manager's own
/// manager (or, at the top of the chart, to the department manager's role holders who see all).
pub fn dispute(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    comment: &str,
    now: DateTime<Utc>,
) -> AppResult<Evaluation> {
    if comment.trim().is_empty() {
        return Err(AppError::invalid("comment", "must say what is disputed"));
    }
    change(
        conn,
        actor,
        id,
        None,
        "evaluation.dispute",
        now,
        |conn, e| {
            answerable(actor, e)?;
            let above = users::manager_of(conn, e.manager_id)?;
            e.state = State::Disputed.as_str().to_owned();
            e.answered_at = Some(now);
            e.dispute_comment = Some(comment.trim().to_owned());
            e.escalated_to = above;
            e.resolution = None;
            e.resolution_comment = None;
            e.resolved_by = None;
            e.resolved_at = None;
            Ok(json!({"escalated_to": above, "comment": comment.trim()}))
        },
    )
}

/// Closes a month (the department manager): its evaluations never change afterwards.
pub fn close_month(
    conn: &mut AnyConnection,
    actor: &Actor,
    month: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    actor.require(PermissionLevel::Operator, &[JobRole::DeptManager])?;
    let m = month_of(month)?;
    let label = m.label();
    if crate::workdays::company_date(conn, now)? < m.next().first() {
        return Err(AppError::conflict(
            "month_not_over",
            format!("{label} is not over; its evaluations close after it"),
        ));
    }
    write_tx(conn, |conn| {
        lock_subject(conn, "evaluation_month", &label)?;
        let pending = repo::of_month(conn, &label)?
            .into_iter()
            .filter(|e| {
                e.state == State::Draft.as_str()
                    || e.state == State::Submitted.as_str()
                    || (e.state == State::Disputed.as_str() && e.resolution.is_none())
            })
            .count();
        fail::fail_point!("evaluations::close::checked");
        if pending > 0 {
            return Err(AppError::conflict(
                "evaluations_pending",
                format!(
                    "{pending} evaluations of {label} are not submitted and answered, or their \
                     dispute is not settled, yet"
                ),
            ));
        }
        repo::close(conn, &label, actor.id, now).map_err(crate::error::unique_as(|| {
            AppError::conflict("month_closed", "the month is closed already")
        }))?;
        audit::append(
            conn,
            &actor.audit_entry(
                "evaluation.month_closed",
                Some(("evaluation_month", label.clone())),
                Outcome::Success,
                json!({}),
            ),
            now,
        )?;
        Ok(())
    })
}
