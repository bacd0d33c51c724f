//! The library of service phrases (话术): proposed, approved through the approvals engine,
//! retired when outdated.

use super::{from_db, parse_uuid, to_db};
use crate::schema::service_phrases;
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

diesel::define_sql_function! {
    /// SQL `lower()`: both backends fold case for the searches.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[derive(Debug, Clone)]
pub struct Phrase {
    pub id: Uuid,
    /// greeting, delay, refund, complaint, closing, other
    pub situation: String,
    /// zh or en
    pub language: String,
    pub text: String,
    pub note: String,
    /// pending, approved, rejected, withdrawn, retired
    pub state: String,
    pub proposed_by: Uuid,
    pub approval_request_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub retired_at: Option<DateTime<Utc>>,
    pub retired_by: Option<Uuid>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = service_phrases)]
struct Row {
    id: String,
    situation: String,
    language: String,
    text: String,
    note: String,
    state: String,
    proposed_by: String,
    approval_request_id: String,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
    retired_at: Option<NaiveDateTime>,
    retired_by: Option<String>,
}

fn phrase(r: Row) -> StoreResult<Phrase> {
    Ok(Phrase {
        id: parse_uuid(&r.id)?,
        situation: r.situation,
        language: r.language,
        text: r.text,
        note: r.note,
        state: r.state,
        proposed_by: parse_uuid(&r.proposed_by)?,
        approval_request_id: parse_uuid(&r.approval_request_id)?,
        created_at: from_db(r.created_at),
        decided_at: r.decided_at.map(from_db),
        retired_at: r.retired_at.map(from_db),
        retired_by: r.retired_by.as_deref().map(parse_uuid).transpose()?,
    })
}

pub fn insert(conn: &mut AnyConnection, p: &Phrase) -> StoreResult<()> {
    diesel::insert_into(service_phrases::table)
        .values(Row {
            id: p.id.to_string(),
            situation: p.situation.clone(),
            language: p.language.clone(),
            text: p.text.clone(),
            note: p.note.clone(),
            state: p.state.clone(),
            proposed_by: p.proposed_by.to_string(),
            approval_request_id: p.approval_request_id.to_string(),
            created_at: to_db(p.created_at),
            decided_at: p.decided_at.map(to_db),
            retired_at: p.retired_at.map(to_db),
            retired_by: p.retired_by.map(|u| u.to_string()),
        })
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Phrase>> {
    service_phrases::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(phrase)
        .transpose()
}

/// Which phrases a search shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub states: Vec<String>,
    pub situation: Option<String>,
    pub language: Option<String>,
    /// Words that must all appear in the text or the note (case-insensitive).
    pub words: Vec<String>,
}

/// Newest first, older than the id `before`.
pub fn list(
    conn: &mut AnyConnection,
    f: &Filter,
    before: Option<Uuid>,
    limit: i64,
) -> StoreResult<Vec<Phrase>> {
    let mut q = service_phrases::table.select(Row::as_select()).into_boxed();
    if !f.states.is_empty() {
        q = q.filter(service_phrases::state.eq_any(f.states.clone()));
    }
    if let Some(s) = &f.situation {
        q = q.filter(service_phrases::situation.eq(s.clone()));
    }
    if let Some(l) = &f.language {
        q = q.filter(service_phrases::language.eq(l.clone()));
    }
    for w in &f.words {
        let pattern = format!("%{}%", w.to_lowercase().replace(['\\', '%', '_'], ""));
        q = q.filter(
            lower(service_phrases::text)
                .like(pattern.clone())
                .or(lower(service_phrases::note).like(pattern)),
        );
    }
    if let Some(b) = before {
        q = q.filter(service_phrases::id.lt(b.to_string()));
    }
    q.order(service_phrases::id.desc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(phrase)
        .collect()
}

/// Whether the same text waits or is approved already for the situation and language.
pub fn live_duplicate(
    conn: &mut AnyConnection,
    situation: &str,
    language: &str,
    text: &str,
) -> StoreResult<Option<Uuid>> {
    let id: Option<String> = service_phrases::table
        .filter(service_phrases::situation.eq(situation))
        .filter(service_phrases::language.eq(language))
        .filter(service_phrases::text.eq(text))
        .filter(service_phrases::state.eq_any(["pending", "approved"]))
        .select(service_phrases::id)
        .first(conn)
        .optional()?;
    id.as_deref().map(parse_uuid).transpose()
}

/// The approved phrases of some situations (for the transcript pre-check).
pub fn approved_texts(
    conn: &mut AnyConnection,
    situations: &[&str],
) -> StoreResult<Vec<(String, String, String)>> {
    Ok(service_phrases::table
        .filter(service_phrases::state.eq("approved"))
        .filter(service_phrases::situation.eq_any(situations))
        .select((
            service_phrases::situation,
            service_phrases::language,
            service_phrases::text,
        ))
        .order(service_phrases::id.asc())
        .load(conn)?)
}

/// Moves a phrase from `from` to `to`; false when it was no longer `from`.
pub fn set_state(
    conn: &mut AnyConnection,
    id: Uuid,
    from: &str,
    to: &str,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let target = service_phrases::table
        .filter(service_phrases::id.eq(id.to_string()))
        .filter(service_phrases::state.eq(from));
    let n = if to == "retired" {
        diesel::update(target)
            .set((
                service_phrases::state.eq(to),
                service_phrases::retired_at.eq(Some(to_db(now))),
                service_phrases::retired_by.eq(by.map(|u| u.to_string())),
            ))
            .execute(conn)?
    } else {
        diesel::update(target)
            .set((
                service_phrases::state.eq(to),
                service_phrases::decided_at.eq(Some(to_db(now))),
            ))
            .execute(conn)?
    };
    Ok(n == 1)
}
