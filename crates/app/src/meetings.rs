//! Meeting minutes (R-REP-5, 会议记录): recorded once with their attendees, decisions and action
//! items; each item is its owner's to finish and stays on their daily report until done.

use crate::approvals::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use ecops_domain::PermissionLevel;
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::meetings::{self as repo, ActionItem, Meeting};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

/// An action item as written in the minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub owner_id: Uuid,
    pub text: String,
    pub due_on: NaiveDate,
}

/// What the minutes say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minutes {
    pub held_on: NaiveDate,
    pub title: String,
    pub attendees: Vec<Uuid>,
    pub decisions: String,
    pub items: Vec<NewItem>,
}

/// Records a meeting's minutes (any staff member at operator level: whoever keeps them). The
/// meeting is held today or before; every attendee and owner is an active colleague; an item is
/// due on the meeting's day or later; owners attended.
pub fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    minutes: Minutes,
    now: DateTime<Utc>,
) -> AppResult<(Meeting, Vec<ActionItem>)> {
    actor.require(PermissionLevel::Operator, &[])?;
    let today = crate::workdays::company_date(conn, now)?;
    if minutes.held_on > today {
        return Err(AppError::invalid(
            "held_on",
            "minutes are written of a meeting held today or before",
        ));
    }
    let title = minutes.title.trim().to_owned();
    if title.is_empty() {
        return Err(AppError::invalid("title", "must not be empty"));
    }
    let attendees: BTreeSet<Uuid> = minutes.attendees.iter().copied().collect();
    for (i, item) in minutes.items.iter().enumerate() {
        if item.text.trim().is_empty() {
            return Err(AppError::invalid(
                format!("action_items.{i}.text"),
                "say what is to be done",
            ));
        }
        if item.due_on < minutes.held_on {
            return Err(AppError::invalid(
                format!("action_items.{i}.due_on"),
                "is due on the meeting's day or later",
            ));
        }
        if !attendees.contains(&item.owner_id) {
            return Err(AppError::invalid(
                format!("action_items.{i}.owner_id"),
                "an item's owner is one of the attendees",
            ));
        }
    }
    write_tx(conn, |conn| {
        for (i, a) in minutes.attendees.iter().enumerate() {
            if !users::find(conn, *a)?.is_some_and(|u| u.is_active()) {
                return Err(AppError::invalid(
                    format!("attendee_ids.{i}"),
                    "names no active colleague",
                ));
            }
        }
        let meeting = Meeting {
            id: Uuid::now_v7(),
            held_on: minutes.held_on,
            title: title.clone(),
            attendees: attendees.iter().copied().collect(),
            decisions: minutes.decisions.trim().to_owned(),
            written_by: actor.id,
            created_at: now,
        };
        let items: Vec<ActionItem> = minutes
            .items
            .iter()
            .map(|i| ActionItem {
                id: Uuid::now_v7(),
                meeting_id: meeting.id,
                owner_id: i.owner_id,
                text: i.text.trim().to_owned(),
                due_on: i.due_on,
                done_at: None,
                done_by: None,
            })
            .collect();
        repo::insert(conn, &meeting, &items)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "meeting.recorded",
                Some(("meeting", meeting.id.to_string())),
                Outcome::Success,
                json!({"held_on": meeting.held_on, "title": title, "action_items": items.len()}),
            ),
            now,
        )?;
        Ok((meeting, items))
    })
}

/// Marks an action item done: its owner, or whoever wrote the minutes. Once only.
pub fn complete(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ActionItem> {
    write_tx(conn, |conn| {
        let item =
            repo::find_item(conn, id)?.ok_or_else(|| AppError::not_found("no such action item"))?;
        let meeting = repo::find(conn, item.meeting_id)?
            .ok_or_else(|| AppError::Internal("an action item without its meeting".into()))?;
        if actor.id != item.owner_id && actor.id != meeting.written_by {
            return Err(AppError::forbidden(
                "not_yours",
                "an action item is done by its owner (or whoever wrote the minutes)",
            ));
        }
        if !repo::complete(conn, id, actor.id, now)? {
            return Err(AppError::conflict(
                "item_done",
                "the action item is done already",
            ));
        }
        audit::append(
            conn,
            &actor.audit_entry(
                "meeting.action_done",
                Some(("action_item", id.to_string())),
                Outcome::Success,
                json!({"meeting_id": item.meeting_id}),
            ),
            now,
        )?;
        repo::find_item(conn, id)?.ok_or_else(|| AppError::not_found("the item vanished"))
    })
}
