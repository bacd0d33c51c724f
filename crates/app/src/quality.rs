//! Service quality (R-QA-1..3): contacts recorded as they happen, reviews against the service
//! checklist by the supervisor or a quality inspector, the reviewed person's response, the
//! reproducible weekly sample and the pass rates.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use ecops_domain::quality::{self as rules, Channel, ChecklistItem, ItemMark, Tally};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::quality::{self as repo, Contact, Review};
use ecops_persistence::{AnyConnection, StoreError};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Who records contacts: customer service and its supervisor.
pub const CONTACT_TAKERS: &[JobRole] = &[JobRole::CustomerService, JobRole::CsSupervisor];
/// Who reviews contacts (R-QA-2).
pub const REVIEWERS: &[JobRole] = &[JobRole::CsSupervisor, JobRole::QaInspector];
/// Who reads everyone's contacts, reviews and figures.
pub const OVERSEERS: &[JobRole] = &[
    JobRole::CsSupervisor,
    JobRole::QaInspector,
    JobRole::DeptManager,
    JobRole::GeneralManager,
];

fn oversees(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| OVERSEERS.contains(r))
}

/// A contact as recorded.
#[derive(Debug, Clone)]
pub struct ContactInput {
    /// Whose contact; `None`: the recorder's own. Only the supervisor records for others.
    pub staff_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub channel: Channel,
    pub inbound: bool,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub summary: String,
    pub transcript: Option<String>,
    pub outcome: String,
    pub feedback: Option<String>,
}

/// R-QA-1: records a contact. Contacts are appended, never edited.
pub fn record_contact(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: ContactInput,
    now: DateTime<Utc>,
) -> AppResult<Contact> {
    actor.require(PermissionLevel::Operator, CONTACT_TAKERS)?;
    let staff_id = input.staff_id.unwrap_or(actor.id);
    if staff_id != actor.id && !actor.roles.contains(&JobRole::CsSupervisor) {
        return Err(AppError::invalid(
            "staff_id",
            "only the customer-service supervisor records another person's contact",
        ));
    }
    if input.ended_at < input.started_at {
        return Err(AppError::invalid(
            "ended_at",
            "must not be before `started_at`",
        ));
    }
    if input.started_at > now + Duration::minutes(5) {
        return Err(AppError::invalid("started_at", "is in the future"));
    }
    let c = Contact {
        id: Uuid::now_v7(),
        staff_id,
        order_id: input.order_id,
        customer_id: input.customer_id,
        channel: input.channel.as_str().to_owned(),
        direction: if input.inbound { "inbound" } else { "outbound" }.to_owned(),
        started_at: input.started_at,
        ended_at: input.ended_at,
        summary: input.summary,
        transcript: input.transcript,
        outcome: input.outcome,
        feedback: input.feedback,
        recorded_by: actor.id,
        recorded_at: now,
    };
    write_tx(conn, |conn| -> AppResult<()> {
        if ecops_persistence::repo::users::find(conn, c.staff_id)?.is_none() {
            return Err(AppError::invalid(
                "staff_id",
                "is not a user of this system",
            ));
        }
        if let Some(o) = c.order_id {
            if ecops_persistence::repo::orders::find_row(conn, o)?.is_none() {
                return Err(AppError::invalid("order_id", "names no order"));
            }
        }
        if let Some(cu) = c.customer_id {
            match ecops_persistence::repo::customers::get(conn, cu) {
                Ok(_) => {}
                Err(StoreError::NotFound) => {
                    return Err(AppError::invalid("customer_id", "names no customer"))
                }
                Err(e) => return Err(e.into()),
            }
        }
        repo::insert_contact(conn, &c)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "contact.record",
                Some(("contact", c.id.to_string())),
                Outcome::Success,
                json!({"staff_id": c.staff_id, "channel": c.channel, "order_id": c.order_id}),
            ),
            now,
        )?;
        Ok(())
    })?;
    Ok(c)
}

fn found<T>(r: Result<T, StoreError>, what: &str) -> AppResult<T> {
    r.map_err(|e| match e {
        StoreError::NotFound => AppError::not_found(format!("no such {what}")),
        other => other.into(),
    })
}

/// One contact: its person and the overseers.
pub fn contact(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> AppResult<Contact> {
    let c = found(repo::get_contact(conn, id), "contact")?;
    if c.staff_id != actor.id && !oversees(actor) {
        return Err(AppError::not_found("no such contact"));
    }
    Ok(c)
}

/// Contacts that began in a period: one's own, or (overseers) anyone's.
pub fn contacts(
    conn: &mut AnyConnection,
    actor: &Actor,
    staff: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<Contact>> {
    let staff = match staff {
        Some(s) if s != actor.id && !oversees(actor) => {
            return Err(AppError::forbidden(
                "missing_role",
                "only supervisors, inspectors and managers read other people's contacts",
            ))
        }
        Some(s) => Some(s),
        None if oversees(actor) => None,
        None => Some(actor.id),
    };
    Ok(repo::contacts_between(conn, staff, from, to, 1_000)?)
}

/// The checklist in force (the rule books' list until someone writes a version).
pub fn checklist(conn: &mut AnyConnection) -> AppResult<(i64, Vec<ChecklistItem>)> {
    Ok(repo::current_checklist(conn)?.unwrap_or((1, rules::default_checklist())))
}

/// A new version of the checklist (the supervisor or the department manager). Reviews keep the
/// version they were made with.
pub fn set_checklist(
    conn: &mut AnyConnection,
    actor: &Actor,
    items: Vec<ChecklistItem>,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    actor.require(
        PermissionLevel::Operator,
        &[JobRole::CsSupervisor, JobRole::DeptManager],
    )?;
    if items.is_empty() {
        return Err(AppError::invalid("items", "must name at least one item"));
    }
    for (i, it) in items.iter().enumerate() {
        if items[..i].iter().any(|o| o.key == it.key) {
            return Err(AppError::invalid(
                format!("items[{i}].key"),
                "is used twice",
            ));
        }
    }
    write_tx(conn, |conn| {
        lock_subject(conn, "qa_checklist", "versions")?;
        let next = match repo::current_checklist(conn)? {
            Some((v, _)) => v + 1,
            None => {
                // The rule books' list becomes version 1, so reviews made with it keep it.
                repo::insert_checklist(conn, 1, &rules::default_checklist(), None, now)?;
                2
            }
        };
        repo::insert_checklist(conn, next, &items, Some(actor.id), now)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "qa.checklist_version",
                Some(("qa_checklist", next.to_string())),
                Outcome::Success,
                json!({"items": items.iter().map(|i| &i.key).collect::<Vec<_>>()}),
            ),
            now,
        )?;
        Ok(next)
    })
}

/// R-QA-2: a review of one contact against the checklist in force. The reviewer never reviews
/// their own contact; a contact is reviewed once; a submitted review is immutable.
pub fn review(
    conn: &mut AnyConnection,
    actor: &Actor,
    contact_id: Uuid,
    marks: Vec<ItemMark>,
    comment: String,
    now: DateTime<Utc>,
) -> AppResult<Review> {
    actor.require(PermissionLevel::Operator, REVIEWERS)?;
    let c = repo::get_contact(conn, contact_id).map_err(|e| match e {
        StoreError::NotFound => AppError::invalid("contact_id", "names no contact"),
        other => other.into(),
    })?;
    if c.staff_id == actor.id || c.recorded_by == actor.id {
        return Err(AppError::forbidden(
            "own_contact",
            "nobody reviews a contact of their own or one they recorded",
        ));
    }
    let channel = Channel::parse(&c.channel)
        .ok_or_else(|| AppError::Internal(format!("stored channel `{}`", c.channel)))?;
    write_tx(conn, |conn| {
        let (version, items) = match repo::current_checklist(conn)? {
            Some(v) => v,
            None => {
                lock_subject(conn, "qa_checklist", "versions")?;
                let list = rules::default_checklist();
                if repo::current_checklist(conn)?.is_none() {
                    repo::insert_checklist(conn, 1, &list, None, now)?;
                }
                (1, list)
            }
        };
        rules::check_marks(&items, channel, &marks).map_err(|errors| AppError::RuleOn {
            code: "invalid_marks",
            detail: "the marks do not fit the checklist".to_owned(),
            errors,
        })?;
        let r = Review {
            id: Uuid::now_v7(),
            contact_id,
            staff_id: c.staff_id,
            reviewer_id: actor.id,
            checklist_version: version,
            score: rules::score(&marks),
            marks,
            comment,
            submitted_at: now,
            response: None,
            responded_at: None,
        };
        repo::insert_review(conn, &r).map_err(crate::error::unique_as(|| {
            AppError::conflict("already_reviewed", "this contact has been reviewed")
        }))?;
        audit::append(
            conn,
            &actor.audit_entry(
                "qa.review",
                Some(("contact", contact_id.to_string())),
                Outcome::Success,
                json!({"review_id": r.id, "staff_id": r.staff_id, "score": r.score,
                       "checklist_version": version}),
            ),
            now,
        )?;
        Ok(r)
    })
}

/// One review: the reviewed person, the reviewer and the overseers.
pub fn get_review(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> AppResult<Review> {
    let r = found(repo::get_review(conn, id), "review")?;
    if r.staff_id != actor.id && r.reviewer_id != actor.id && !oversees(actor) {
        return Err(AppError::not_found("no such review"));
    }
    Ok(r)
}

/// Reviews submitted in a period: one's own (as the reviewed person), or (overseers) anyone's.
pub fn reviews(
    conn: &mut AnyConnection,
    actor: &Actor,
    staff: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<Review>> {
    let staff = match staff {
        Some(s) if s != actor.id && !oversees(actor) => {
            return Err(AppError::forbidden(
                "missing_role",
                "only supervisors, inspectors and managers read other people's reviews",
            ))
        }
        Some(s) => Some(s),
        None if oversees(actor) => None,
        None => Some(actor.id),
    };
    Ok(repo::reviews_between(conn, staff, from, to)?)
}

/// The reviewed person's response to a review, once (R-QA-2).
pub fn respond(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    text: &str,
    now: DateTime<Utc>,
) -> AppResult<Review> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid("text", "must say something"));
    }
    let r = found(repo::get_review(conn, id), "review")?;
    if r.staff_id != actor.id {
        return Err(if r.reviewer_id == actor.id || oversees(actor) {
            AppError::forbidden("not_reviewed_person", "only the reviewed person responds")
        } else {
            AppError::not_found("no such review")
        });
    }
    write_tx(conn, |conn| -> AppResult<()> {
        if !repo::respond(conn, id, text, now)? {
            return Err(AppError::conflict(
                "already_responded",
                "the review has a response already",
            ));
        }
        audit::append(
            conn,
            &actor.audit_entry(
                "qa.response",
                Some(("qa_review", id.to_string())),
                Outcome::Success,
                json!({}),
            ),
            now,
        )?;
        Ok(())
    })?;
    found(repo::get_review(conn, id), "review")
}

/// R-QA-2 sampling: for each person who had contacts in `[from, to)`, `per_person` of their
/// contacts not yet reviewed, chosen by `seed` (the same seed gives the same sample).
pub fn sample(
    conn: &mut AnyConnection,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    per_person: usize,
    seed: &str,
) -> AppResult<BTreeMap<Uuid, Vec<Contact>>> {
    actor.require(PermissionLevel::Viewer, REVIEWERS)?;
    let all = repo::contacts_between(conn, None, from, to, 100_000)?;
    let ids: Vec<Uuid> = all.iter().map(|c| c.id).collect();
    let reviewed = repo::reviewed_among(conn, &ids)?;
    let mut by_person: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    // Never one's own contact, nor one the reviewer recorded.
    for c in all.iter().filter(|c| {
        !reviewed.contains(&c.id) && c.staff_id != actor.id && c.recorded_by != actor.id
    }) {
        by_person.entry(c.staff_id).or_default().push(c.id);
    }
    Ok(by_person
        .into_iter()
        .map(|(person, ids)| {
            let chosen = rules::sample(ids, seed, per_person);
            let contacts = chosen
                .iter()
                .filter_map(|id| all.iter().find(|c| c.id == *id).cloned())
                .collect();
            (person, contacts)
        })
        .collect())
}

/// R-QA-3: the figures of one person over a period.
#[derive(Debug, Clone)]
pub struct PersonFigures {
    pub staff_id: Uuid,
    pub reviews: i64,
    pub average_score: Option<f64>,
    pub previous_average_score: Option<f64>,
    /// Item key → tally, for the period.
    pub items: BTreeMap<String, Tally>,
}

/// R-QA-3 for a period and the period of the same length before it: per person, and per item
/// for the department (ranked by failure rate, worst first).
#[derive(Debug, Clone)]
pub struct Figures {
    pub people: Vec<PersonFigures>,
    pub items: Vec<(String, Tally)>,
}

fn tallies(reviews: &[Review]) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for r in reviews {
        for m in &r.marks {
            out.entry(m.item.clone()).or_default().add(m.mark);
        }
    }
    out
}

fn average(reviews: &[&Review]) -> Option<f64> {
    (!reviews.is_empty())
        .then(|| reviews.iter().map(|r| f64::from(r.score)).sum::<f64>() / reviews.len() as f64)
}

pub fn figures(
    conn: &mut AnyConnection,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Figures> {
    if !oversees(actor) {
        return Err(AppError::forbidden(
            "missing_role",
            "the service-quality figures are for supervisors, inspectors and managers",
        ));
    }
    let now_reviews = repo::reviews_between(conn, None, from, to)?;
    let before = repo::reviews_between(conn, None, from - (to - from), from)?;
    let mut people: BTreeMap<Uuid, Vec<&Review>> = BTreeMap::new();
    for r in &now_reviews {
        people.entry(r.staff_id).or_default().push(r);
    }
    let people = people
        .into_iter()
        .map(|(staff_id, rs)| {
            let earlier: Vec<&Review> = before.iter().filter(|r| r.staff_id == staff_id).collect();
            let owned: Vec<Review> = rs.iter().map(|r| (*r).clone()).collect();
            PersonFigures {
                staff_id,
                reviews: rs.len() as i64,
                average_score: average(&rs),
                previous_average_score: average(&earlier),
                items: tallies(&owned),
            }
        })
        .collect();
    let mut items: Vec<(String, Tally)> = tallies(&now_reviews).into_iter().collect();
    items.sort_by(|(ka, a), (kb, b)| {
        let fail = |t: &Tally| t.pass_rate().map(|p| 1.0 - p).unwrap_or(-1.0);
        fail(b).total_cmp(&fail(a)).then_with(|| ka.cmp(kb))
    });
    Ok(Figures { people, items })
}
