//! Content publishing (R-PUB-1..3, R-APR-5): an author drafts an item, submits a revision to the
//! chain its kind and flag call for, a publisher puts the approved revision live within its
//! publish-by deadline, and the storefront specialist takes live content down at once. A live
//! revision is never edited: the next one is a new revision through the chain again.

use crate::approvals::{self as engine, Actor};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::ApprovalState;
use ecops_domain::content::{
    self as rules, check_upload, ContentKind, ContentRefusal, ContentStatus, Media, UploadLimits,
    UploadRefusal,
};
use ecops_domain::PermissionLevel;
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::audit::{self, Outcome};
use ecops_persistence::repo::content::{self as repo, Attachment, Event, Item, Revision};
use ecops_persistence::repo::page_revisions;
use ecops_persistence::AnyConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The subject type of a content revision's approval request.
pub const SUBJECT: &str = "content_revision";

/// The payload of a content revision's approval request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContentApproval {
    pub item_id: Uuid,
    pub revision: i32,
}

/// The text of a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub title: String,
    pub body: String,
    /// Confidential or copyrighted material (R-PRD-8): a two-step chain.
    pub confidential: bool,
}

fn refused(r: ContentRefusal) -> AppError {
    AppError::conflict(r.code(), r.to_string())
}

fn event(
    conn: &mut AnyConnection,
    (item, revision): (Uuid, i32),
    action: &str,
    actor: Option<Uuid>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    repo::insert_event(
        conn,
        &Event {
            id: Uuid::now_v7(),
            item_id: item,
            revision,
            action: action.to_owned(),
            actor_id: actor,
            note: note.map(str::to_owned),
            at: now,
        },
    )?;
    Ok(())
}

fn audited(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    item: Uuid,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    audit::append(
        conn,
        &actor.audit_entry(
            action,
            Some(("content", item.to_string())),
            Outcome::Success,
            detail,
        ),
        now,
    )?;
    Ok(())
}

/// An item by id, or not found.
pub fn load(conn: &mut AnyConnection, id: Uuid) -> AppResult<Item> {
    repo::find_item(conn, id)?.ok_or_else(|| AppError::not_found("no such content item"))
}

/// The item and its latest revision.
pub fn latest(conn: &mut AnyConnection, id: Uuid) -> AppResult<(Item, Revision)> {
    let item = load(conn, id)?;
    let rev = repo::find_revision(conn, id, item.latest_revision)?
        .ok_or_else(|| AppError::Internal(format!("content {id} lost its latest revision")))?;
    Ok((item, rev))
}

/// Locks the item against other changes of it (PostgreSQL) and reads it with its latest
/// revision.
fn lock(conn: &mut AnyConnection, id: Uuid) -> AppResult<(Item, Revision)> {
    lock_subject(conn, "content", &id.to_string())?;
    latest(conn, id)
}

fn check_text(t: &Text) -> AppResult<Text> {
    let title = t.title.trim();
    if title.is_empty() {
        return Err(AppError::invalid("title", "must not be empty"));
    }
    Ok(Text {
        title: title.to_owned(),
        body: t.body.clone(),
        confidential: t.confidential,
    })
}

/// R-PUB-1: drafts a new item (its revision 1). A banner may name the page-revision plan it
/// belongs to.
pub fn draft(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: ContentKind,
    text: &Text,
    page_revision: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<(Item, Revision)> {
    actor.require(PermissionLevel::Operator, rules::CONTENT_AUTHORS)?;
    let text = check_text(text)?;
    write_tx(conn, |conn| {
        if let Some(p) = page_revision {
            if page_revisions::find(conn, p)?.is_none() {
                return Err(AppError::invalid(
                    "page_revision_id",
                    "names no page-revision plan",
                ));
            }
        }
        let item = Item {
            id: Uuid::now_v7(),
            kind,
            author_id: actor.id,
            page_revision_id: page_revision,
            latest_revision: 1,
            live_revision: None,
            created_at: now,
            updated_at: now,
        };
        let rev = Revision {
            item_id: item.id,
            number: 1,
            title: text.title.clone(),
            body: text.body.clone(),
            confidential: text.confidential,
            status: ContentStatus::Draft,
            author_id: actor.id,
            approval_request_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        repo::insert_item(conn, &item)?;
        repo::insert_revision(conn, &rev)?;
        event(conn, (item.id, 1), "drafted", Some(actor.id), None, now)?;
        audited(
            conn,
            actor,
            "content.drafted",
            item.id,
            json!({"kind": kind.as_str(), "title": text.title}),
            now,
        )?;
        Ok((item, rev))
    })
}

fn own_draft(actor: &Actor, rev: &Revision) -> AppResult<()> {
    if !rev.status.editable() {
        return Err(refused(ContentRefusal::NotDraft));
    }
    if rev.author_id != actor.id {
        return Err(AppError::forbidden(
            "not_author",
            "only the author of a draft changes or submits it",
        ));
    }
    Ok(())
}

/// Rewrites the latest revision while it is a draft, by its author, if it is still at
/// `version`.
pub fn edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    version: i64,
    text: &Text,
    now: DateTime<Utc>,
) -> AppResult<(Item, Revision)> {
    actor.require(PermissionLevel::Operator, rules::CONTENT_AUTHORS)?;
    let text = check_text(text)?;
    write_tx(conn, |conn| {
        let (item, rev) = lock(conn, id)?;
        own_draft(actor, &rev)?;
        if rev.title == text.title && rev.body == text.body && rev.confidential == text.confidential
        {
            return latest(conn, id);
        }
        if !repo::update_draft(
            conn,
            id,
            rev.number,
            version,
            (&text.title, &text.body, text.confidential),
            now,
        )? {
            return Err(AppError::Stale(
                "the draft changed meanwhile: reload it".to_owned(),
            ));
        }
        repo::set_pointers(conn, id, rev.number, item.live_revision, now)?;
        audited(
            conn,
            actor,
            "content.edited",
            id,
            json!({"revision": rev.number, "version": version + 1}),
            now,
        )?;
        latest(conn, id)
    })
}

/// Submits the latest revision (a draft, by its author) to its chain (R-APR-2, R-PRD-8).
pub fn submit(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<(Item, Revision, ApprovalRequest)> {
    actor.require(PermissionLevel::Operator, rules::CONTENT_AUTHORS)?;
    write_tx(conn, |conn| {
        let (item, rev) = lock(conn, id)?;
        own_draft(actor, &rev)?;
        rev.status.submit().map_err(refused)?;
        let kind = item.kind.approval_kind(rev.confidential);
        let payload = serde_json::to_value(ContentApproval {
            item_id: id,
            revision: rev.number,
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let request = engine::submit(
            conn,
            kind,
            (SUBJECT, format!("{id}/{}", rev.number)),
            actor,
            payload,
            reason,
            Some(rev.version),
            now,
        )?;
        if !repo::set_status(
            conn,
            id,
            rev.number,
            (ContentStatus::Draft, ContentStatus::InApproval),
            Some(request.id),
            now,
        )? {
            return Err(refused(ContentRefusal::NotDraft));
        }
        event(
            conn,
            (id, rev.number),
            "submitted",
            Some(actor.id),
            Some(reason),
            now,
        )?;
        let (item, rev) = latest(conn, id)?;
        Ok((item, rev, request))
    })
}

fn approval_of(req: &ApprovalRequest) -> AppResult<ContentApproval> {
    serde_json::from_value(req.payload.clone())
        .map_err(|e| AppError::Internal(format!("request {} payload: {e}", req.id)))
}

/// The effect of the last approval (R-APR-4): the revision is approved and its publish-by
/// deadline runs (the engine set it on the request).
pub fn on_approved(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    approver: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let p = approval_of(req)?;
    lock_subject(conn, "content", &p.item_id.to_string())?;
    if !repo::set_status(
        conn,
        p.item_id,
        p.revision,
        (ContentStatus::InApproval, ContentStatus::Approved),
        None,
        now,
    )? {
        return Err(AppError::rule(
            "subject_changed",
            "the revision is no longer waiting for approval",
        ));
    }
    event(
        conn,
        (p.item_id, p.revision),
        "approved",
        Some(approver),
        None,
        now,
    )
}

/// A rejected or withdrawn revision returns to draft, for its author to rework and submit again.
pub fn on_closed(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    state: ApprovalState,
    actor: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let p = approval_of(req)?;
    lock_subject(conn, "content", &p.item_id.to_string())?;
    if repo::set_status(
        conn,
        p.item_id,
        p.revision,
        (ContentStatus::InApproval, ContentStatus::Draft),
        None,
        now,
    )? {
        event(
            conn,
            (p.item_id, p.revision),
            state.as_str(),
            Some(actor),
            None,
            now,
        )?;
    }
    Ok(())
}

/// Puts the approved latest revision live (R-ACL-6: nothing else can be published), meeting its
/// publish-by deadline (R-APR-5). The revision live before it is superseded and stays readable.
pub fn publish(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(Item, Revision)> {
    actor.require(PermissionLevel::Operator, rules::PUBLISHERS)?;
    write_tx(conn, |conn| {
        let (item, rev) = lock(conn, id)?;
        rev.status.publish().map_err(refused)?;
        fail::fail_point!("content::publish::checked");
        if !repo::set_status(
            conn,
            id,
            rev.number,
            (ContentStatus::Approved, ContentStatus::Published),
            None,
            now,
        )? {
            return Err(refused(ContentRefusal::AlreadyPublished));
        }
        if let Some(before) = item.live_revision.filter(|n| *n != rev.number) {
            repo::set_status(
                conn,
                id,
                before,
                (ContentStatus::Published, ContentStatus::Superseded),
                None,
                now,
            )?;
        }
        repo::set_pointers(conn, id, rev.number, Some(rev.number), now)?;
        let request = rev
            .approval_request_id
            .ok_or_else(|| AppError::Internal("an approved revision without its request".into()))?;
        engine::record_publication(conn, request, actor, now)?;
        event(
            conn,
            (id, rev.number),
            "published",
            Some(actor.id),
            None,
            now,
        )?;
        audited(
            conn,
            actor,
            "content.published",
            id,
            json!({"revision": rev.number, "approval_request_id": request}),
            now,
        )?;
        crate::outbox::record(
            conn,
            crate::outbox::EventType::ContentPublished,
            &id.to_string(),
            json!({"revision": rev.number}),
            now,
        )?;
        latest(conn, id)
    })
}

/// R-PUB-2: takes the live revision down at once, with the reason; its author is recorded as
/// responsible. Audited.
pub fn take_down(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<(Item, Revision)> {
    actor.require(PermissionLevel::Operator, rules::TAKEDOWN)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "say why it is taken down"));
    }
    write_tx(conn, |conn| {
        let (item, _) = lock(conn, id)?;
        let live = item
            .live_revision
            .ok_or_else(|| refused(ContentRefusal::NotPublished))?;
        let rev = repo::find_revision(conn, id, live)?
            .ok_or_else(|| AppError::Internal("the live revision is missing".into()))?;
        rev.status.take_down().map_err(refused)?;
        if !repo::set_status(
            conn,
            id,
            live,
            (ContentStatus::Published, ContentStatus::TakenDown),
            None,
            now,
        )? {
            return Err(refused(ContentRefusal::NotPublished));
        }
        repo::set_pointers(conn, id, item.latest_revision, None, now)?;
        event(
            conn,
            (id, live),
            "taken_down",
            Some(actor.id),
            Some(reason),
            now,
        )?;
        audited(
            conn,
            actor,
            "content.taken_down",
            id,
            json!({"revision": live, "reason": reason, "responsible_author_id": rev.author_id}),
            now,
        )?;
        crate::outbox::record(
            conn,
            crate::outbox::EventType::ContentTakenDown,
            &id.to_string(),
            json!({"revision": live, "reason": reason}),
            now,
        )?;
        latest(conn, id)
    })
}

/// R-PUB-1: starts a new revision (a draft by the actor) from the latest settled one: its text
/// and attachments are copied; the earlier revision is untouched.
pub fn revise(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(Item, Revision)> {
    actor.require(PermissionLevel::Operator, rules::CONTENT_AUTHORS)?;
    write_tx(conn, |conn| {
        let (item, rev) = lock(conn, id)?;
        rules::check_new_revision(rev.status).map_err(refused)?;
        let next = Revision {
            number: rev.number + 1,
            status: ContentStatus::Draft,
            author_id: actor.id,
            approval_request_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
            ..rev.clone()
        };
        repo::insert_revision(conn, &next).map_err(|e| match e {
            ecops_persistence::StoreError::Unique(_) => refused(ContentRefusal::RevisionOpen),
            other => other.into(),
        })?;
        for a in repo::attachments_of(conn, id, Some(rev.number))? {
            repo::insert_attachment(
                conn,
                &Attachment {
                    id: Uuid::now_v7(),
                    revision: next.number,
                    ..a
                },
            )?;
        }
        repo::set_pointers(conn, id, next.number, item.live_revision, now)?;
        event(
            conn,
            (id, next.number),
            "revised",
            Some(actor.id),
            Some(&format!("from revision {}", rev.number)),
            now,
        )?;
        audited(
            conn,
            actor,
            "content.revised",
            id,
            json!({"revision": next.number}),
            now,
        )?;
        latest(conn, id)
    })
}

/// An upload judged acceptable (R-PUB-3): only [`judge_upload`] makes one, so every way in
/// meets the same sniffing and limits.
#[derive(Debug, Clone)]
pub struct Upload {
    file_name: String,
    bytes: Vec<u8>,
    media: Media,
    content_type: String,
    sha256: String,
}

impl Upload {
    pub fn media(&self) -> Media {
        self.media
    }
    pub fn content_type(&self) -> &str {
        &self.content_type
    }
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

/// R-PUB-3: judges uploaded bytes by their content (magic bytes), not the client's claimed
/// `Content-Type`, against the limit of their kind, and hashes them.
pub fn judge_upload(
    file_name: &str,
    bytes: Vec<u8>,
    claimed: Option<&str>,
    limits: &UploadLimits,
) -> Result<Upload, UploadRefusal> {
    let sniffed = infer::get(&bytes).map(|t| t.mime_type());
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let media = check_upload(sniffed, claimed, size, limits)?;
    let content_type = sniffed.unwrap_or("application/octet-stream").to_owned();
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(Upload {
        file_name: file_name.to_owned(),
        bytes,
        media,
        content_type,
        sha256,
    })
}

/// How many leading bytes tell a file's kind.
pub const SNIFF_BYTES: usize = 8192;

/// R-PUB-3: the size limit of a file by its first [`SNIFF_BYTES`] bytes (so a large upload is
/// cut off at its own kind's limit); an unrecognised head is refused at once.
pub fn limit_for_head(head: &[u8], limits: &UploadLimits) -> Result<usize, UploadRefusal> {
    let mime = infer::get(head).map(|t| t.mime_type());
    let media = mime
        .and_then(Media::of_mime)
        .ok_or_else(|| UploadRefusal::Unsupported {
            found: mime.unwrap_or("unrecognised content").to_owned(),
        })?;
    Ok(usize::try_from(limits.of(media)).unwrap_or(usize::MAX))
}

/// Whether the actor may attach a file to the item now (an author, the latest revision their
/// own draft): checked before an upload's body is read.
pub fn check_attach(conn: &mut AnyConnection, actor: &Actor, id: Uuid) -> AppResult<()> {
    actor.require(PermissionLevel::Operator, rules::CONTENT_AUTHORS)?;
    let (_, rev) = latest(conn, id)?;
    own_draft(actor, &rev)
}

/// Attaches an upload to the latest revision while it is a draft, by its author. The bytes are
/// stored once however many revisions or items carry them.
pub fn attach(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    upload: Upload,
    now: DateTime<Utc>,
) -> AppResult<Attachment> {
    actor.require(PermissionLevel::Operator, rules::CONTENT_AUTHORS)?;
    let name = upload.file_name.trim();
    if name.is_empty()
        || name.len() > 200
        || name.contains(['/', '\\', '"'])
        || name.chars().any(char::is_control)
    {
        return Err(AppError::invalid(
            "file_name",
            "1 to 200 characters, without slashes, quotes or control characters",
        ));
    }
    let name = name.to_owned();
    write_tx(conn, |conn| {
        let (_, rev) = lock(conn, id)?;
        own_draft(actor, &rev)?;
        lock_subject(conn, "content_blob", &upload.sha256)?;
        if !repo::blob_exists(conn, &upload.sha256)? {
            repo::insert_blob(
                conn,
                &upload.sha256,
                &upload.content_type,
                &upload.bytes,
                now,
            )?;
        }
        let a = Attachment {
            id: Uuid::now_v7(),
            item_id: id,
            revision: rev.number,
            sha256: upload.sha256.clone(),
            file_name: name.clone(),
            media: upload.media,
            content_type: upload.content_type.clone(),
            size_bytes: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
            uploaded_by: actor.id,
            uploaded_at: now,
        };
        repo::insert_attachment(conn, &a)?;
        audited(
            conn,
            actor,
            "content.attached",
            id,
            json!({"revision": rev.number, "attachment_id": a.id, "file_name": name,
                   "sha256": a.sha256, "size_bytes": a.size_bytes, "content_type": a.content_type}),
            now,
        )?;
        Ok(a)
    })
}

/// Removes an attachment from the latest revision while it is a draft, by its author (the bytes
/// stay: earlier revisions or other items may carry them).
pub fn detach(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Uuid,
    attachment: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    actor.require(PermissionLevel::Operator, rules::CONTENT_AUTHORS)?;
    write_tx(conn, |conn| {
        let (_, rev) = lock(conn, id)?;
        own_draft(actor, &rev)?;
        let a = repo::find_attachment(conn, attachment)?
            .filter(|a| a.item_id == id && a.revision == rev.number)
            .ok_or_else(|| AppError::not_found("no such attachment on this draft"))?;
        repo::delete_attachment(conn, a.id)?;
        audited(
            conn,
            actor,
            "content.detached",
            id,
            json!({"revision": rev.number, "attachment_id": a.id, "file_name": a.file_name}),
            now,
        )
    })
}
