//! Content items, their revisions and history, and attachments stored in the database
//! (R-PUB-1..3).

use super::{from_db, parse_uuid, to_db};
use crate::schema::{
    content_attachments as a, content_blob_chunks as ch, content_blobs as b, content_events as e,
    content_items as i, content_revisions as r,
};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::content::{ContentKind, ContentStatus, Media};
use uuid::Uuid;

/// Bytes per stored chunk of an attachment: a range is served by reading only its chunks.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// A content item: what stays the same across its revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: Uuid,
    pub kind: ContentKind,
    pub author_id: Uuid,
    pub page_revision_id: Option<Uuid>,
    pub latest_revision: i32,
    /// The published revision, if one is live.
    pub live_revision: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One revision of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub item_id: Uuid,
    pub number: i32,
    pub title: String,
    pub body: String,
    pub confidential: bool,
    pub status: ContentStatus,
    pub author_id: Uuid,
    pub approval_request_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// A step of an item's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: Uuid,
    pub item_id: Uuid,
    pub revision: i32,
    pub action: String,
    pub actor_id: Option<Uuid>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// An attachment of a revision, with what is known of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: Uuid,
    pub item_id: Uuid,
    pub revision: i32,
    pub sha256: String,
    pub file_name: String,
    pub media: Media,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = i)]
struct ItemRow {
    id: String,
    kind: String,
    author_id: String,
    page_revision_id: Option<String>,
    latest_revision: i32,
    live_revision: Option<i32>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<ItemRow> for Item {
    type Error = StoreError;
    fn try_from(x: ItemRow) -> StoreResult<Self> {
        Ok(Item {
            id: parse_uuid(&x.id)?,
            kind: x.kind.parse().map_err(StoreError::Corrupt)?,
            author_id: parse_uuid(&x.author_id)?,
            page_revision_id: x.page_revision_id.as_deref().map(parse_uuid).transpose()?,
            latest_revision: x.latest_revision,
            live_revision: x.live_revision,
            created_at: from_db(x.created_at),
            updated_at: from_db(x.updated_at),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = r)]
struct RevisionRow {
    item_id: String,
    number: i32,
    title: String,
    body: String,
    confidential: i32,
    status: String,
    author_id: String,
    approval_request_id: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

impl TryFrom<RevisionRow> for Revision {
    type Error = StoreError;
    fn try_from(x: RevisionRow) -> StoreResult<Self> {
        Ok(Revision {
            item_id: parse_uuid(&x.item_id)?,
            number: x.number,
            title: x.title,
            body: x.body,
            confidential: x.confidential != 0,
            status: x.status.parse().map_err(StoreError::Corrupt)?,
            author_id: parse_uuid(&x.author_id)?,
            approval_request_id: x
                .approval_request_id
                .as_deref()
                .map(parse_uuid)
                .transpose()?,
            created_at: from_db(x.created_at),
            updated_at: from_db(x.updated_at),
            version: x.version,
        })
    }
}

pub fn insert_item(conn: &mut AnyConnection, x: &Item) -> StoreResult<()> {
    diesel::insert_into(i::table)
        .values((
            i::id.eq(x.id.to_string()),
            i::kind.eq(x.kind.as_str()),
            i::author_id.eq(x.author_id.to_string()),
            i::page_revision_id.eq(x.page_revision_id.map(|p| p.to_string())),
            i::latest_revision.eq(x.latest_revision),
            i::live_revision.eq(x.live_revision),
            i::created_at.eq(to_db(x.created_at)),
            i::updated_at.eq(to_db(x.updated_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_item(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Item>> {
    i::table
        .filter(i::id.eq(id.to_string()))
        .select(ItemRow::as_select())
        .first(conn)
        .optional()?
        .map(Item::try_from)
        .transpose()
}

/// Points the item at its latest and its live revision.
pub fn set_pointers(
    conn: &mut AnyConnection,
    id: Uuid,
    latest: i32,
    live: Option<i32>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(i::table.filter(i::id.eq(id.to_string())))
        .set((
            i::latest_revision.eq(latest),
            i::live_revision.eq(live),
            i::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which items a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kind: Option<ContentKind>,
    /// The status of the item's latest revision.
    pub status: Option<ContentStatus>,
    pub author: Option<Uuid>,
    /// Only items with a live revision (for readers outside the workflow).
    pub live_only: bool,
}

/// Items with their latest revisions, newest first, `limit` of them before the cursor (an id).
pub fn list(
    conn: &mut AnyConnection,
    f: &Filter,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<(Item, Revision)>> {
    let mut q = i::table
        .inner_join(r::table.on(r::item_id.eq(i::id).and(r::number.eq(i::latest_revision))))
        .select((ItemRow::as_select(), RevisionRow::as_select()))
        .into_boxed();
    if let Some(k) = f.kind {
        q = q.filter(i::kind.eq(k.as_str()));
    }
    if let Some(s) = f.status {
        q = q.filter(r::status.eq(s.as_str()));
    }
    if let Some(u) = f.author {
        q = q.filter(i::author_id.eq(u.to_string()));
    }
    if f.live_only {
        q = q.filter(i::live_revision.is_not_null());
    }
    if let Some(c) = before {
        q = q.filter(i::id.lt(c.to_owned()));
    }
    q.order(i::id.desc())
        .limit(limit)
        .load::<(ItemRow, RevisionRow)>(conn)?
        .into_iter()
        .map(|(x, y)| Ok((Item::try_from(x)?, Revision::try_from(y)?)))
        .collect()
}

/// Items whose latest revision is in `status`, with that revision, oldest change first.
pub fn in_status(
    conn: &mut AnyConnection,
    status: ContentStatus,
) -> StoreResult<Vec<(Item, Revision)>> {
    i::table
        .inner_join(r::table.on(r::item_id.eq(i::id).and(r::number.eq(i::latest_revision))))
        .filter(r::status.eq(status.as_str()))
        .select((ItemRow::as_select(), RevisionRow::as_select()))
        .order(r::updated_at.asc())
        .load::<(ItemRow, RevisionRow)>(conn)?
        .into_iter()
        .map(|(x, y)| Ok((Item::try_from(x)?, Revision::try_from(y)?)))
        .collect()
}

pub fn insert_revision(conn: &mut AnyConnection, x: &Revision) -> StoreResult<()> {
    diesel::insert_into(r::table)
        .values((
            r::item_id.eq(x.item_id.to_string()),
            r::number.eq(x.number),
            r::title.eq(&x.title),
            r::body.eq(&x.body),
            r::confidential.eq(i32::from(x.confidential)),
            r::status.eq(x.status.as_str()),
            r::author_id.eq(x.author_id.to_string()),
            r::approval_request_id.eq(x.approval_request_id.map(|p| p.to_string())),
            r::created_at.eq(to_db(x.created_at)),
            r::updated_at.eq(to_db(x.updated_at)),
            r::version.eq(x.version),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_revision(
    conn: &mut AnyConnection,
    item: Uuid,
    number: i32,
) -> StoreResult<Option<Revision>> {
    r::table
        .filter(r::item_id.eq(item.to_string()))
        .filter(r::number.eq(number))
        .select(RevisionRow::as_select())
        .first(conn)
        .optional()?
        .map(Revision::try_from)
        .transpose()
}

/// Every revision of an item, newest first.
pub fn revisions_of(conn: &mut AnyConnection, item: Uuid) -> StoreResult<Vec<Revision>> {
    r::table
        .filter(r::item_id.eq(item.to_string()))
        .order(r::number.desc())
        .select(RevisionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Revision::try_from)
        .collect()
}

/// Rewrites a draft at `version`; false when it changed meanwhile or is no longer a draft.
pub fn update_draft(
    conn: &mut AnyConnection,
    item: Uuid,
    number: i32,
    version: i64,
    (title, body, confidential): (&str, &str, bool),
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        r::table
            .filter(r::item_id.eq(item.to_string()))
            .filter(r::number.eq(number))
            .filter(r::version.eq(version))
            .filter(r::status.eq(ContentStatus::Draft.as_str())),
    )
    .set((
        r::title.eq(title),
        r::body.eq(body),
        r::confidential.eq(i32::from(confidential)),
        r::updated_at.eq(to_db(now)),
        r::version.eq(version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Moves a revision from `from` to `to` (and names its approval request when given); false when
/// it was not in `from`.
pub fn set_status(
    conn: &mut AnyConnection,
    item: Uuid,
    number: i32,
    (from, to): (ContentStatus, ContentStatus),
    request: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let target = r::table
        .filter(r::item_id.eq(item.to_string()))
        .filter(r::number.eq(number))
        .filter(r::status.eq(from.as_str()));
    let n = match request {
        Some(req) => diesel::update(target)
            .set((
                r::status.eq(to.as_str()),
                r::approval_request_id.eq(Some(req.to_string())),
                r::updated_at.eq(to_db(now)),
                r::version.eq(r::version + 1),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                r::status.eq(to.as_str()),
                r::updated_at.eq(to_db(now)),
                r::version.eq(r::version + 1),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

pub fn insert_event(conn: &mut AnyConnection, x: &Event) -> StoreResult<()> {
    diesel::insert_into(e::table)
        .values((
            e::id.eq(x.id.to_string()),
            e::item_id.eq(x.item_id.to_string()),
            e::revision.eq(x.revision),
            e::action.eq(&x.action),
            e::actor_id.eq(x.actor_id.map(|p| p.to_string())),
            e::note.eq(x.note.as_deref()),
            e::at.eq(to_db(x.at)),
        ))
        .execute(conn)?;
    Ok(())
}

type EventRow = (
    String,
    String,
    i32,
    String,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

fn event(x: EventRow) -> StoreResult<Event> {
    Ok(Event {
        id: parse_uuid(&x.0)?,
        item_id: parse_uuid(&x.1)?,
        revision: x.2,
        action: x.3,
        actor_id: x.4.as_deref().map(parse_uuid).transpose()?,
        note: x.5,
        at: from_db(x.6),
    })
}

const EVENT_COLUMNS: (
    e::id,
    e::item_id,
    e::revision,
    e::action,
    e::actor_id,
    e::note,
    e::at,
) = (
    e::id,
    e::item_id,
    e::revision,
    e::action,
    e::actor_id,
    e::note,
    e::at,
);

/// An item's history, oldest first.
pub fn events_of(conn: &mut AnyConnection, item: Uuid) -> StoreResult<Vec<Event>> {
    e::table
        .filter(e::item_id.eq(item.to_string()))
        .order((e::at.asc(), e::id.asc()))
        .select(EVENT_COLUMNS)
        .load::<EventRow>(conn)?
        .into_iter()
        .map(event)
        .collect()
}

/// The most recent events of one action across all items (the takedown list), newest first.
pub fn recent_events(
    conn: &mut AnyConnection,
    action: &str,
    limit: i64,
) -> StoreResult<Vec<Event>> {
    e::table
        .filter(e::action.eq(action))
        .order((e::at.desc(), e::id.desc()))
        .limit(limit)
        .select(EVENT_COLUMNS)
        .load::<EventRow>(conn)?
        .into_iter()
        .map(event)
        .collect()
}

/// Whether these bytes are stored already.
pub fn blob_exists(conn: &mut AnyConnection, sha256: &str) -> StoreResult<bool> {
    Ok(b::table
        .filter(b::sha256.eq(sha256))
        .select(b::sha256)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

/// Stores bytes once under their SHA-256, in chunks of [`CHUNK_BYTES`].
pub fn insert_blob(
    conn: &mut AnyConnection,
    sha256: &str,
    content_type: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(b::table)
        .values((
            b::sha256.eq(sha256),
            b::size_bytes.eq(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
            b::content_type.eq(content_type),
            b::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    for (seq, chunk) in bytes.chunks(CHUNK_BYTES).enumerate() {
        diesel::insert_into(ch::table)
            .values((
                ch::sha256.eq(sha256),
                ch::seq.eq(i32::try_from(seq).unwrap_or(i32::MAX)),
                ch::data.eq(chunk),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The chunks `first..=last` of stored bytes, in order.
pub fn chunks(
    conn: &mut AnyConnection,
    sha256: &str,
    (first, last): (i32, i32),
) -> StoreResult<Vec<Vec<u8>>> {
    Ok(ch::table
        .filter(ch::sha256.eq(sha256))
        .filter(ch::seq.ge(first))
        .filter(ch::seq.le(last))
        .order(ch::seq.asc())
        .select(ch::data)
        .load::<Vec<u8>>(conn)?)
}

pub fn insert_attachment(conn: &mut AnyConnection, x: &Attachment) -> StoreResult<()> {
    diesel::insert_into(a::table)
        .values((
            a::id.eq(x.id.to_string()),
            a::item_id.eq(x.item_id.to_string()),
            a::revision.eq(x.revision),
            a::sha256.eq(&x.sha256),
            a::file_name.eq(&x.file_name),
            a::media.eq(x.media.as_str()),
            a::uploaded_by.eq(x.uploaded_by.to_string()),
            a::uploaded_at.eq(to_db(x.uploaded_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_attachment(conn: &mut AnyConnection, id: Uuid) -> StoreResult<bool> {
    Ok(diesel::delete(a::table.filter(a::id.eq(id.to_string()))).execute(conn)? == 1)
}

type AttachmentRow = (
    String,
    String,
    i32,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    String,
    i64,
);

fn attachment(x: AttachmentRow) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: parse_uuid(&x.0)?,
        item_id: parse_uuid(&x.1)?,
        revision: x.2,
        sha256: x.3,
        file_name: x.4,
        media: x.5.parse().map_err(StoreError::Corrupt)?,
        uploaded_by: parse_uuid(&x.6)?,
        uploaded_at: from_db(x.7),
        content_type: x.8,
        size_bytes: x.9,
    })
}

macro_rules! attachment_query {
    () => {
        a::table
            .inner_join(b::table.on(b::sha256.eq(a::sha256)))
            .select((
                a::id,
                a::item_id,
                a::revision,
                a::sha256,
                a::file_name,
                a::media,
                a::uploaded_by,
                a::uploaded_at,
                b::content_type,
                b::size_bytes,
            ))
    };
}

pub fn find_attachment(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Attachment>> {
    attachment_query!()
        .filter(a::id.eq(id.to_string()))
        .first::<AttachmentRow>(conn)
        .optional()?
        .map(attachment)
        .transpose()
}

/// The attachments of an item's revisions (all of them when `revision` is `None`), oldest first.
pub fn attachments_of(
    conn: &mut AnyConnection,
    item: Uuid,
    revision: Option<i32>,
) -> StoreResult<Vec<Attachment>> {
    let mut q = attachment_query!()
        .filter(a::item_id.eq(item.to_string()))
        .into_boxed();
    if let Some(n) = revision {
        q = q.filter(a::revision.eq(n));
    }
    q.order((a::revision.asc(), a::id.asc()))
        .load::<AttachmentRow>(conn)?
        .into_iter()
        .map(attachment)
        .collect()
}
