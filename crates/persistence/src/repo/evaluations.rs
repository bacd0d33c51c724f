//! The monthly staff evaluation (R-EVAL-1): form versions, evaluations, closed months.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{evaluation_closings, evaluation_forms, evaluations};
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::evaluation::{FormItem, MonthFigures, Source};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One item of an evaluation: the form's item, the figure the system found, the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub weight: u32,
    pub source: Source,
    /// The score the month's figures gave (system items), kept as drafted.
    pub figure: Option<i32>,
    /// The score that counts: the figure, or the manager's.
    pub score: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct Evaluation {
    pub id: Uuid,
    pub person_id: Uuid,
    pub manager_id: Uuid,
    pub month: String,
    pub form_version: i64,
    pub items: Vec<Item>,
    pub figures: MonthFigures,
    pub comment: String,
    pub state: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub dispute_comment: Option<String>,
    pub escalated_to: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// A dispute's resolution by the manager's manager: `upheld` or `returned`.
    pub resolution: Option<String>,
    pub resolution_comment: Option<String>,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = evaluations)]
struct Row {
    id: String,
    person_id: String,
    manager_id: String,
    month: String,
    form_version: i64,
    items: String,
    figures: String,
    comment: String,
    state: String,
    submitted_at: Option<NaiveDateTime>,
    answered_at: Option<NaiveDateTime>,
    dispute_comment: Option<String>,
    escalated_to: Option<String>,
    version: i64,
    created_at: NaiveDateTime,
    resolution: Option<String>,
    resolution_comment: Option<String>,
    resolved_by: Option<String>,
    resolved_at: Option<NaiveDateTime>,
}

fn evaluation(r: Row) -> StoreResult<Evaluation> {
    Ok(Evaluation {
        id: parse_uuid(&r.id)?,
        person_id: parse_uuid(&r.person_id)?,
        manager_id: parse_uuid(&r.manager_id)?,
        month: r.month,
        form_version: r.form_version,
        items: serde_json::from_str(&r.items)?,
        figures: serde_json::from_str(&r.figures)?,
        comment: r.comment,
        state: r.state,
        submitted_at: r.submitted_at.map(from_db),
        answered_at: r.answered_at.map(from_db),
        dispute_comment: r.dispute_comment,
        escalated_to: r.escalated_to.as_deref().map(parse_uuid).transpose()?,
        resolution: r.resolution,
        resolution_comment: r.resolution_comment,
        resolved_by: r.resolved_by.as_deref().map(parse_uuid).transpose()?,
        resolved_at: r.resolved_at.map(from_db),
        version: r.version,
        created_at: from_db(r.created_at),
    })
}

pub fn current_form(conn: &mut AnyConnection) -> StoreResult<Option<(i64, Vec<FormItem>)>> {
    let row: Option<(i64, String)> = evaluation_forms::table
        .select((evaluation_forms::version, evaluation_forms::items))
        .order(evaluation_forms::version.desc())
        .first(conn)
        .optional()?;
    row.map(|(v, items)| Ok((v, serde_json::from_str(&items)?)))
        .transpose()
}

pub fn insert_form(
    conn: &mut AnyConnection,
    version: i64,
    items: &[FormItem],
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(evaluation_forms::table)
        .values((
            evaluation_forms::version.eq(version),
            evaluation_forms::items.eq(serde_json::to_string(items)?),
            evaluation_forms::created_by.eq(by.map(|u| u.to_string())),
            evaluation_forms::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn insert(conn: &mut AnyConnection, e: &Evaluation) -> StoreResult<()> {
    diesel::insert_into(evaluations::table)
        .values((
            evaluations::id.eq(e.id.to_string()),
            evaluations::person_id.eq(e.person_id.to_string()),
            evaluations::manager_id.eq(e.manager_id.to_string()),
            evaluations::month.eq(&e.month),
            evaluations::form_version.eq(e.form_version),
            evaluations::items.eq(serde_json::to_string(&e.items)?),
            evaluations::figures.eq(serde_json::to_string(&e.figures)?),
            evaluations::comment.eq(&e.comment),
            evaluations::state.eq(&e.state),
            evaluations::version.eq(e.version),
            evaluations::created_at.eq(to_db(e.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Evaluation> {
    evaluation(
        evaluations::table
            .find(id.to_string())
            .select(Row::as_select())
            .first(conn)?,
    )
}

pub fn find(
    conn: &mut AnyConnection,
    person: Uuid,
    month: &str,
) -> StoreResult<Option<Evaluation>> {
    let row: Option<Row> = evaluations::table
        .filter(evaluations::person_id.eq(person.to_string()))
        .filter(evaluations::month.eq(month))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    row.map(evaluation).transpose()
}

/// The evaluations of a month, by creation.
pub fn of_month(conn: &mut AnyConnection, month: &str) -> StoreResult<Vec<Evaluation>> {
    let rows: Vec<Row> = evaluations::table
        .filter(evaluations::month.eq(month))
        .select(Row::as_select())
        .order(evaluations::created_at.asc())
        .load(conn)?;
    rows.into_iter().map(evaluation).collect()
}

/// Writes an evaluation's changing fields if it is still at `version`. False: it changed.
pub fn update(conn: &mut AnyConnection, e: &Evaluation, version: i64) -> StoreResult<bool> {
    let n = diesel::update(
        evaluations::table
            .filter(evaluations::id.eq(e.id.to_string()))
            .filter(evaluations::version.eq(version)),
    )
    .set((
        evaluations::manager_id.eq(e.manager_id.to_string()),
        evaluations::items.eq(serde_json::to_string(&e.items)?),
        evaluations::figures.eq(serde_json::to_string(&e.figures)?),
        evaluations::comment.eq(&e.comment),
        evaluations::state.eq(&e.state),
        evaluations::submitted_at.eq(e.submitted_at.map(to_db)),
        evaluations::answered_at.eq(e.answered_at.map(to_db)),
        evaluations::dispute_comment.eq(&e.dispute_comment),
        evaluations::escalated_to.eq(e.escalated_to.map(|u| u.to_string())),
        evaluations::resolution.eq(&e.resolution),
        evaluations::resolution_comment.eq(&e.resolution_comment),
        evaluations::resolved_by.eq(e.resolved_by.map(|u| u.to_string())),
        evaluations::resolved_at.eq(e.resolved_at.map(to_db)),
        evaluations::version.eq(version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn is_closed(conn: &mut AnyConnection, month: &str) -> StoreResult<bool> {
    let n: i64 = evaluation_closings::table
        .filter(evaluation_closings::month.eq(month))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn close(
    conn: &mut AnyConnection,
    month: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(evaluation_closings::table)
        .values((
            evaluation_closings::month.eq(month),
            evaluation_closings::closed_by.eq(by.to_string()),
            evaluation_closings::closed_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}
