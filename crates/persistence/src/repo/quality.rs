//! Service quality (R-QA-1..3): contacts, checklist versions and reviews.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{contacts, qa_checklists, qa_reviews};
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::quality::{ChecklistItem, ItemMark};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Contact {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub order_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub channel: String,
    pub direction: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub summary: String,
    pub transcript: Option<String>,
    pub outcome: String,
    pub feedback: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = contacts)]
struct ContactRow {
    id: String,
    staff_id: String,
    order_id: Option<String>,
    customer_id: Option<String>,
    channel: String,
    direction: String,
    started_at: NaiveDateTime,
    ended_at: NaiveDateTime,
    summary: String,
    transcript: Option<String>,
    outcome: String,
    feedback: Option<String>,
    recorded_by: String,
    recorded_at: NaiveDateTime,
}

fn contact(r: ContactRow) -> StoreResult<Contact> {
    Ok(Contact {
        id: parse_uuid(&r.id)?,
        staff_id: parse_uuid(&r.staff_id)?,
        order_id: r.order_id.as_deref().map(parse_uuid).transpose()?,
        customer_id: r.customer_id.as_deref().map(parse_uuid).transpose()?,
        channel: r.channel,
        direction: r.direction,
        started_at: from_db(r.started_at),
        ended_at: from_db(r.ended_at),
        summary: r.summary,
        transcript: r.transcript,
        outcome: r.outcome,
        feedback: r.feedback,
        recorded_by: parse_uuid(&r.recorded_by)?,
        recorded_at: from_db(r.recorded_at),
    })
}

pub fn insert_contact(conn: &mut AnyConnection, c: &Contact) -> StoreResult<()> {
    diesel::insert_into(contacts::table)
        .values((
            contacts::id.eq(c.id.to_string()),
            contacts::staff_id.eq(c.staff_id.to_string()),
            contacts::order_id.eq(c.order_id.map(|u| u.to_string())),
            contacts::customer_id.eq(c.customer_id.map(|u| u.to_string())),
            contacts::channel.eq(&c.channel),
            contacts::direction.eq(&c.direction),
            contacts::started_at.eq(to_db(c.started_at)),
            contacts::ended_at.eq(to_db(c.ended_at)),
            contacts::summary.eq(&c.summary),
            contacts::transcript.eq(&c.transcript),
            contacts::outcome.eq(&c.outcome),
            contacts::feedback.eq(&c.feedback),
            contacts::recorded_by.eq(c.recorded_by.to_string()),
            contacts::recorded_at.eq(to_db(c.recorded_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn get_contact(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Contact> {
    contact(
        contacts::table
            .find(id.to_string())
            .select(ContactRow::as_select())
            .first(conn)?,
    )
}

/// Contacts that began in `[from, to)`, of one person when given, oldest first (at most `limit`).
pub fn contacts_between(
    conn: &mut AnyConnection,
    staff: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> StoreResult<Vec<Contact>> {
    let mut q = contacts::table
        .filter(contacts::started_at.ge(to_db(from)))
        .filter(contacts::started_at.lt(to_db(to)))
        .select(ContactRow::as_select())
        .into_boxed();
    if let Some(s) = staff {
        q = q.filter(contacts::staff_id.eq(s.to_string()));
    }
    let rows: Vec<ContactRow> = q
        .order((contacts::started_at.asc(), contacts::id.asc()))
        .limit(limit)
        .load(conn)?;
    rows.into_iter().map(contact).collect()
}

/// The ids of the contacts among `ids` that have a review.
pub fn reviewed_among(conn: &mut AnyConnection, ids: &[Uuid]) -> StoreResult<Vec<Uuid>> {
    let mut out = Vec::new();
    // In chunks: a statement binds at most 32,766 values on SQLite, 65,535 on PostgreSQL.
    for chunk in ids.chunks(10_000) {
        let chunk: Vec<String> = chunk.iter().map(Uuid::to_string).collect();
        let rows: Vec<String> = qa_reviews::table
            .filter(qa_reviews::contact_id.eq_any(chunk))
            .select(qa_reviews::contact_id)
            .load(conn)?;
        for r in rows {
            out.push(parse_uuid(&r)?);
        }
    }
    Ok(out)
}

/// The review of each of `ids` that has one: contact id → review id.
pub fn reviews_of(
    conn: &mut AnyConnection,
    ids: &[Uuid],
) -> StoreResult<std::collections::HashMap<Uuid, Uuid>> {
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(10_000) {
        let chunk: Vec<String> = chunk.iter().map(Uuid::to_string).collect();
        let rows: Vec<(String, String)> = qa_reviews::table
            .filter(qa_reviews::contact_id.eq_any(chunk))
            .select((qa_reviews::contact_id, qa_reviews::id))
            .load(conn)?;
        for (c, r) in rows {
            out.insert(parse_uuid(&c)?, parse_uuid(&r)?);
        }
    }
    Ok(out)
}

/// The checklist in force: the highest version, if any was written.
pub fn current_checklist(
    conn: &mut AnyConnection,
) -> StoreResult<Option<(i64, Vec<ChecklistItem>)>> {
    let row: Option<(i64, String)> = qa_checklists::table
        .select((qa_checklists::version, qa_checklists::items))
        .order(qa_checklists::version.desc())
        .first(conn)
        .optional()?;
    row.map(|(v, items)| Ok((v, serde_json::from_str(&items)?)))
        .transpose()
}

pub fn checklist(conn: &mut AnyConnection, version: i64) -> StoreResult<Vec<ChecklistItem>> {
    let items: String = qa_checklists::table
        .find(version)
        .select(qa_checklists::items)
        .first(conn)?;
    Ok(serde_json::from_str(&items)?)
}

pub fn insert_checklist(
    conn: &mut AnyConnection,
    version: i64,
    items: &[ChecklistItem],
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(qa_checklists::table)
        .values((
            qa_checklists::version.eq(version),
            qa_checklists::items.eq(serde_json::to_string(items)?),
            qa_checklists::created_by.eq(by.map(|u| u.to_string())),
            qa_checklists::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Review {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub staff_id: Uuid,
    pub reviewer_id: Uuid,
    pub checklist_version: i64,
    pub marks: Vec<ItemMark>,
    pub score: i32,
    pub comment: String,
    pub submitted_at: DateTime<Utc>,
    pub response: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = qa_reviews)]
struct ReviewRow {
    id: String,
    contact_id: String,
    staff_id: String,
    reviewer_id: String,
    checklist_version: i64,
    marks: String,
    score: i32,
    comment: String,
    submitted_at: NaiveDateTime,
    response: Option<String>,
    responded_at: Option<NaiveDateTime>,
}

fn review(r: ReviewRow) -> StoreResult<Review> {
    Ok(Review {
        id: parse_uuid(&r.id)?,
        contact_id: parse_uuid(&r.contact_id)?,
        staff_id: parse_uuid(&r.staff_id)?,
        reviewer_id: parse_uuid(&r.reviewer_id)?,
        checklist_version: r.checklist_version,
        marks: serde_json::from_str(&r.marks)?,
        score: r.score,
        comment: r.comment,
        submitted_at: from_db(r.submitted_at),
        response: r.response,
        responded_at: r.responded_at.map(from_db),
    })
}

pub fn insert_review(conn: &mut AnyConnection, r: &Review) -> StoreResult<()> {
    diesel::insert_into(qa_reviews::table)
        .values((
            qa_reviews::id.eq(r.id.to_string()),
            qa_reviews::contact_id.eq(r.contact_id.to_string()),
            qa_reviews::staff_id.eq(r.staff_id.to_string()),
            qa_reviews::reviewer_id.eq(r.reviewer_id.to_string()),
            qa_reviews::checklist_version.eq(r.checklist_version),
            qa_reviews::marks.eq(serde_json::to_string(&r.marks)?),
            qa_reviews::score.eq(r.score),
            qa_reviews::comment.eq(&r.comment),
            qa_reviews::submitted_at.eq(to_db(r.submitted_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn get_review(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Review> {
    review(
        qa_reviews::table
            .find(id.to_string())
            .select(ReviewRow::as_select())
            .first(conn)?,
    )
}

/// Reviews submitted in `[from, to)`, of one person when given, newest first.
pub fn reviews_between(
    conn: &mut AnyConnection,
    staff: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Review>> {
    let mut q = qa_reviews::table
        .filter(qa_reviews::submitted_at.ge(to_db(from)))
        .filter(qa_reviews::submitted_at.lt(to_db(to)))
        .select(ReviewRow::as_select())
        .into_boxed();
    if let Some(s) = staff {
        q = q.filter(qa_reviews::staff_id.eq(s.to_string()));
    }
    let rows: Vec<ReviewRow> = q
        .order((qa_reviews::submitted_at.desc(), qa_reviews::id.desc()))
        .load(conn)?;
    rows.into_iter().map(review).collect()
}

/// Records the reviewed person's response, once. False: there was one already.
pub fn respond(
    conn: &mut AnyConnection,
    id: Uuid,
    text: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        qa_reviews::table
            .filter(qa_reviews::id.eq(id.to_string()))
            .filter(qa_reviews::response.is_null()),
    )
    .set((
        qa_reviews::response.eq(Some(text)),
        qa_reviews::responded_at.eq(Some(to_db(now))),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The id of the review of a contact, if it has one.
pub fn review_of_contact(conn: &mut AnyConnection, contact: Uuid) -> StoreResult<Option<Uuid>> {
    let id: Option<String> = qa_reviews::table
        .filter(qa_reviews::contact_id.eq(contact.to_string()))
        .select(qa_reviews::id)
        .first(conn)
        .optional()?;
    id.as_deref().map(parse_uuid).transpose()
}
