//! The library of approved service phrases (话术) per situation: the customer-service supervisor
//! proposes, the department manager approves (an approval request of kind `service_phrase`),
//! customer service searches it, and the transcript pre-check recognises its greetings and
//! closings.

use crate::approvals::{self as engine, Actor};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::{ApprovalKind, ApprovalState};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::phrases::{self, Phrase};
use ecops_persistence::AnyConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

pub const SUBJECT: &str = "service_phrase";

/// The situations of the library.
pub const SITUATIONS: [&str; 6] = [
    "greeting",
    "delay",
    "refund",
    "complaint",
    "closing",
    "other",
];

/// Who proposes and retires phrases.
const EDITORS: &[JobRole] = &[JobRole::CsSupervisor, JobRole::DeptManager];

/// The approval request's payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhraseApproval {
    pub phrase_id: Uuid,
    pub situation: String,
    pub language: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct PhraseInput {
    pub situation: String,
    pub language: String,
    pub text: String,
    pub note: String,
}

/// Proposes a phrase for the library; it is found by searches once the department manager
/// approves it.
pub fn propose(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: PhraseInput,
    now: DateTime<Utc>,
) -> AppResult<(Phrase, ApprovalRequest)> {
    actor.require(PermissionLevel::Operator, EDITORS)?;
    if !SITUATIONS.contains(&input.situation.as_str()) {
        return Err(AppError::invalid(
            "situation",
            format!("one of {}", SITUATIONS.join(", ")),
        ));
    }
    if input.language != "zh" && input.language != "en" {
        return Err(AppError::invalid("language", "zh or en"));
    }
    let text = input.text.trim().to_owned();
    if text.chars().count() < 2 {
        return Err(AppError::invalid("text", "the phrase is empty"));
    }
    write_tx(conn, |conn| {
        lock_subject(
            conn,
            SUBJECT,
            &format!("{}:{}", input.situation, input.language),
        )?;
        if let Some(other) =
            phrases::live_duplicate(conn, &input.situation, &input.language, &text)?
        {
            return Err(AppError::conflict(
                "duplicate_phrase",
                format!("the library has this phrase already, or it waits for approval ({other})"),
            ));
        }
        fail::fail_point!("phrases::propose::checked");
        let id = Uuid::now_v7();
        let payload = PhraseApproval {
            phrase_id: id,
            situation: input.situation.clone(),
            language: input.language.clone(),
            text: text.clone(),
        };
        let reason = if input.note.trim().is_empty() {
            format!("service phrase ({})", input.situation)
        } else {
            input.note.trim().to_owned()
        };
        let req = engine::submit(
            conn,
            ApprovalKind::ServicePhrase,
            (SUBJECT, id.to_string()),
            actor,
            serde_json::to_value(&payload)?,
            &reason,
            None,
            now,
        )?;
        let p = Phrase {
            id,
            situation: input.situation.clone(),
            language: input.language.clone(),
            text: text.clone(),
            note: input.note.trim().to_owned(),
            state: "pending".to_owned(),
            proposed_by: actor.id,
            approval_request_id: req.id,
            created_at: now,
            decided_at: None,
            retired_at: None,
            retired_by: None,
        };
        phrases::insert(conn, &p)?;
        audit::append(
            conn,
            &actor.audit_entry(
                "phrase.propose",
                Some((SUBJECT, id.to_string())),
                Outcome::Success,
                json!({"situation": p.situation, "language": p.language, "approval_request": req.id}),
            ),
            now,
        )?;
        Ok((p, req))
    })
}

fn subject(req: &ApprovalRequest) -> AppResult<Uuid> {
    Uuid::parse_str(&req.subject_id).map_err(|e| AppError::Internal(e.to_string()))
}

/// The approval's effect: the phrase joins the library.
pub fn on_approved(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !phrases::set_state(conn, subject(req)?, "pending", "approved", None, now)? {
        return Err(AppError::rule(
            "subject_changed",
            "the phrase is no longer waiting for approval",
        ));
    }
    Ok(())
}

pub fn on_closed(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    state: ApprovalState,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let to = if state == ApprovalState::Withdrawn {
        "withdrawn"
    } else {
        "rejected"
    };
    phrases::set_state(conn, subject(req)?, "pending", to, None, now)?;
    Ok(())
}

/// Takes an approved phrase out of the library (it stays on record).
pub fn retire(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<Phrase> {
    actor.require(PermissionLevel::Operator, EDITORS)?;
    write_tx(conn, |conn| {
        let p = phrases::find(conn, id)?.ok_or_else(|| AppError::not_found("no such phrase"))?;
        if !phrases::set_state(conn, id, "approved", "retired", Some(actor.id), now)? {
            return Err(AppError::conflict(
                "phrase_not_approved",
                format!("the phrase is {}: only an approved one is retired", p.state),
            ));
        }
        audit::append(
            conn,
            &actor.audit_entry(
                "phrase.retire",
                Some((SUBJECT, id.to_string())),
                Outcome::Success,
                json!({"reason": reason.trim()}),
            ),
            now,
        )?;
        phrases::find(conn, id)?.ok_or_else(|| AppError::not_found("no such phrase"))
    })
}

/// The pre-check's phrase lists: the built-in openings and closings and the library's approved
/// greetings and closings.
pub fn precheck_phrases(
    conn: &mut AnyConnection,
) -> AppResult<ecops_domain::quality::PrecheckPhrases> {
    let mut lists = ecops_domain::quality::PrecheckPhrases::built_in();
    for (situation, _, text) in phrases::approved_texts(conn, &["greeting", "closing"])? {
        if situation == "greeting" {
            lists.opening.push(text.to_lowercase());
        } else {
            lists.closing.push(text.to_lowercase());
        }
    }
    Ok(lists)
}
