//! Content publishing (R-PUB-1..3, R-APR-5): drafts, submission to the chain, publication by the
//! deadline, takedowns, revisions with their history, and attachments stored in the database.

use super::approval_view;
use super::approvals::details_of;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, page_limit, RequestMeta};
use actix_web::http::header::{
    self, ByteRangeSpec, ContentDisposition, DispositionParam, DispositionType, Range,
};
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use ecops_api_types::{
    AttachmentUploadQuery, ContentAttachmentView, ContentDetailView, ContentEventView,
    ContentItemView, ContentQuery, ContentRevisionView, ContentSubmission, CreateContentRequest,
    FieldError, Page, Problem, SubmitContentRequest, TakedownRequest, TakedownView,
    UpdateContentRequest,
};
use ecops_api_types::{ContentKind as KindView, ContentStatus as StatusView, MediaKind};
use ecops_app::content::{self as app, Text};
use ecops_domain::content::{
    sees_confidential, sees_workflow, ContentKind, ContentStatus, Media, UploadRefusal,
};
use ecops_persistence::repo::approvals;
use ecops_persistence::repo::content::{
    self as repo, Attachment, Filter, Item, Revision, CHUNK_BYTES,
};
use ecops_persistence::AnyConnection;
use futures_util::StreamExt;
use std::collections::HashMap;
use uuid::Uuid;

fn kind_in(k: KindView) -> ContentKind {
    match k {
        KindView::News => ContentKind::News,
        KindView::Notice => ContentKind::Notice,
        KindView::Banner => ContentKind::Banner,
        KindView::ProductCopy => ContentKind::ProductCopy,
    }
}

fn kind_out(k: ContentKind) -> KindView {
    match k {
        ContentKind::News => KindView::News,
        ContentKind::Notice => KindView::Notice,
        ContentKind::Banner => KindView::Banner,
        ContentKind::ProductCopy => KindView::ProductCopy,
    }
}

fn status_in(s: StatusView) -> ContentStatus {
    match s {
        StatusView::Draft => ContentStatus::Draft,
        StatusView::InApproval => ContentStatus::InApproval,
        StatusView::Approved => ContentStatus::Approved,
        StatusView::Published => ContentStatus::Published,
        StatusView::TakenDown => ContentStatus::TakenDown,
        StatusView::Superseded => ContentStatus::Superseded,
    }
}

fn status_out(s: ContentStatus) -> StatusView {
    match s {
        ContentStatus::Draft => StatusView::Draft,
        ContentStatus::InApproval => StatusView::InApproval,
        ContentStatus::Approved => StatusView::Approved,
        ContentStatus::Published => StatusView::Published,
        ContentStatus::TakenDown => StatusView::TakenDown,
        ContentStatus::Superseded => StatusView::Superseded,
    }
}

fn attachment_view(a: &Attachment) -> ContentAttachmentView {
    ContentAttachmentView {
        id: a.id,
        file_name: a.file_name.clone(),
        media: match a.media {
            Media::Image => MediaKind::Image,
            Media::Video => MediaKind::Video,
            Media::Document => MediaKind::Document,
        },
        content_type: a.content_type.clone(),
        size_bytes: a.size_bytes,
        sha256: a.sha256.clone(),
        uploaded_by: a.uploaded_by,
        uploaded_at: a.uploaded_at,
        href: format!("/api/v1/content/attachments/{}", a.id),
    }
}

fn revision_view(r: &Revision, attachments: &[Attachment]) -> ContentRevisionView {
    ContentRevisionView {
        number: r.number,
        title: r.title.clone(),
        body: r.body.clone(),
        confidential_or_copyright: r.confidential,
        status: status_out(r.status),
        author_id: r.author_id,
        approval_request_id: r.approval_request_id,
        attachments: attachments
            .iter()
            .filter(|a| a.revision == r.number)
            .map(attachment_view)
            .collect(),
        created_at: r.created_at,
        updated_at: r.updated_at,
        version: r.version,
    }
}

/// Views of items with their latest revisions, their attachments and their deadlines.
fn item_views(
    conn: &mut AnyConnection,
    rows: &[(Item, Revision)],
    now: DateTime<Utc>,
) -> ApiResult<Vec<ContentItemView>> {
    let ids: Vec<Uuid> = rows
        .iter()
        .filter_map(|(_, r)| r.approval_request_id)
        .collect();
    let deadlines: HashMap<Uuid, Option<DateTime<Utc>>> = approvals::find_many(conn, &ids)?
        .into_iter()
        .map(|a| (a.id, a.publish_by))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for (item, rev) in rows {
        let attachments = repo::attachments_of(conn, item.id, Some(rev.number))?;
        let publish_by = rev
            .approval_request_id
            .and_then(|id| deadlines.get(&id).copied().flatten())
            .filter(|_| rev.status == ContentStatus::Approved);
        out.push(ContentItemView {
            id: item.id,
            kind: kind_out(item.kind),
            author_id: item.author_id,
            page_revision_id: item.page_revision_id,
            status: status_out(rev.status),
            latest: revision_view(rev, &attachments),
            live_revision: item.live_revision,
            publish_by,
            overdue: publish_by.is_some_and(|d| d < now),
            created_at: item.created_at,
            updated_at: item.updated_at,
        });
    }
    Ok(out)
}

/// An item as `GET /content` lists it (its latest revision): what its events carry.
pub(crate) fn rendered(
    conn: &mut AnyConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<ContentItemView> {
    let row = app::latest(conn, id)?;
    one(conn, row, now)
}

fn one(
    conn: &mut AnyConnection,
    row: (Item, Revision),
    now: DateTime<Utc>,
) -> ApiResult<ContentItemView> {
    item_views(conn, &[row], now)?
        .pop()
        .ok_or_else(|| ApiError::internal("a view went missing"))
}

/// Whether `who` may read this revision: readers outside the workflow only what is live; a
/// confidential revision that is not live only its author, its approvers and the publishers.
fn may_read(who: &crate::auth::Identity, item: &Item, rev: &Revision) -> bool {
    let live = item.live_revision == Some(rev.number);
    if !sees_workflow(who.level, &who.roles) {
        return live;
    }
    live || !rev.confidential || sees_confidential(&who.roles, rev.author_id == who.user_id)
}

/// Items as `who` may see them: readers outside the workflow get each item with its live
/// revision.
fn visible(
    conn: &mut AnyConnection,
    who: &crate::auth::Identity,
    rows: Vec<(Item, Revision)>,
) -> ApiResult<Vec<(Item, Revision)>> {
    let mut out = Vec::with_capacity(rows.len());
    for (item, rev) in rows {
        let rev = match item.live_revision {
            Some(n) if !sees_workflow(who.level, &who.roles) && n != rev.number => {
                match repo::find_revision(conn, item.id, n)? {
                    Some(r) => r,
                    None => continue,
                }
            }
            _ => rev,
        };
        if may_read(who, &item, &rev) {
            out.push((item, rev));
        }
    }
    Ok(out)
}

fn text(title: String, body: String, confidential: bool) -> Text {
    Text {
        title,
        body,
        confidential,
    }
}

/// Drafts a new item (authors: planners, storefront specialists, designers, managers). Nothing
/// is published from here: the draft goes through its chain first (R-ACL-6).
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    request_body = CreateContentRequest,
    responses(
        (status = 201, description = "Drafted", body = ContentItemView),
        (status = 403, description = "Not an author", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown kind, an empty title, a body over the limit, an unknown page-revision plan", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/content")]
pub async fn create_content(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateContentRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:write")?;
            let a = actor(&who, &meta);
            let t = text(b.title, b.body, b.confidential_or_copyright);
            let row = app::draft(conn, &a, kind_in(b.kind), &t, b.page_revision_id, now)?;
            one(conn, row, now)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/content/{}", v.id)))
        .json(v))
}

/// Content items with their latest revisions, newest first; filter by kind, status of the
/// latest revision (`status=approved` lists what awaits publication) and author.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(ContentQuery),
    responses(
        (status = 200, description = "One page of items", body = Page<ContentItemView>),
        (status = 400, description = "A bad filter or cursor", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/content")]
pub async fn list_content(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<ContentQuery>,
) -> ApiResult<web::Json<Page<ContentItemView>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let before = state.cursors.decode(q.cursor.as_deref())?;
    let mut filter = Filter {
        kind: q.kind.map(kind_in),
        status: q.status.map(status_in),
        author: q.author_id,
        live_only: false,
    };
    let now = state.clock.now();
    let cursors = state.cursors.clone();
    let (items, next_cursor) = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:read")?;
            filter.live_only = !sees_workflow(who.level, &who.roles);
            ecops_app::read(conn, |conn| {
                let rows = repo::list(conn, &filter, before.as_deref(), limit + 1)?;
                let (rows, next) = cursors.paginate(rows, limit, |(i, _)| i.id.to_string());
                let rows = visible(conn, &who, rows)?;
                Ok((item_views(conn, &rows, now)?, next))
            })
        })
        .await?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// R-APR-5: approved content waiting to be published, the most urgent first, each with its
/// publish-by deadline and whether it is overdue.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    responses((status = 200, description = "Due and overdue items", body = Vec<ContentItemView>))
)]
#[get("/content/due")]
pub async fn due_content(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<Vec<ContentItemView>>> {
    let now = state.clock.now();
    let mut out = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:read")?;
            if !sees_workflow(who.level, &who.roles) {
                return Err(ApiError::forbidden(
                    "missing_role",
                    "what awaits publication is for the authors, publishers and approvers",
                ));
            }
            ecops_app::read(conn, |conn| {
                let rows = repo::in_status(conn, ContentStatus::Approved)?;
                let rows = visible(conn, &who, rows)?;
                item_views(conn, &rows, now)
            })
        })
        .await?;
    out.sort_by_key(|v| (v.publish_by.is_none(), v.publish_by));
    Ok(web::Json(out))
}

/// R-PUB-2: the takedowns, newest first, with the reason, who took it down and the author
/// responsible.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    responses((status = 200, description = "The latest 200 takedowns", body = Vec<TakedownView>))
)]
#[get("/content/takedowns")]
pub async fn list_takedowns(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<Vec<TakedownView>>> {
    let out = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:read")?;
            if !sees_workflow(who.level, &who.roles) {
                return Err(ApiError::forbidden(
                    "missing_role",
                    "the takedowns are for the authors, publishers and approvers",
                ));
            }
            ecops_app::read(conn, |conn| {
                let mut out = Vec::new();
                for e in repo::recent_events(conn, "taken_down", 200)? {
                    let (Some(item), Some(rev)) = (
                        repo::find_item(conn, e.item_id)?,
                        repo::find_revision(conn, e.item_id, e.revision)?,
                    ) else {
                        continue;
                    };
                    out.push(TakedownView {
                        item_id: item.id,
                        kind: kind_out(item.kind),
                        revision: rev.number,
                        title: rev.title,
                        reason: e.note.unwrap_or_default(),
                        taken_down_by: e.actor_id,
                        taken_down_at: e.at,
                        responsible_author_id: rev.author_id,
                    });
                }
                Ok(out)
            })
        })
        .await?;
    Ok(web::Json(out))
}

/// One item: every revision (newest first, earlier ones readable after a new one is
/// published), its history, and the approval of the latest revision with its chain.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item", body = ContentDetailView),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/content/{id}")]
pub async fn get_content(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ContentDetailView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:read")?;
            ecops_app::read(conn, |conn| {
                let (item, rev) = app::latest(conn, id)?;
                let Some((item, rev)) = visible(conn, &who, vec![(item, rev)])?.pop() else {
                    return Err(ApiError::not_found("no such content item"));
                };
                let workflow = sees_workflow(who.level, &who.roles);
                let attachments = repo::attachments_of(conn, id, None)?;
                let revisions = repo::revisions_of(conn, id)?
                    .iter()
                    .filter(|r| may_read(&who, &item, r))
                    .map(|r| revision_view(r, &attachments))
                    .collect();
                let events = repo::events_of(conn, id)?
                    .into_iter()
                    .filter(|e| workflow || Some(e.revision) == item.live_revision)
                    .map(|e| ContentEventView {
                        revision: e.revision,
                        action: e.action,
                        actor_id: e.actor_id,
                        note: e.note,
                        at: e.at,
                    })
                    .collect();
                let approval = match rev.approval_request_id.filter(|_| workflow) {
                    Some(r) => {
                        let reqs = approvals::find_many(conn, &[r])?;
                        details_of(conn, reqs, now)?.pop()
                    }
                    None => None,
                };
                Ok(ContentDetailView {
                    item: one(conn, (item, rev), now)?,
                    revisions,
                    events,
                    approval,
                })
            })
        })
        .await?;
    Ok(web::Json(v))
}

/// Rewrites the latest revision while it is a draft (its author only). A published revision is
/// never edited: start a new revision (`POST /content/{id}/revisions`).
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    request_body = UpdateContentRequest,
    responses(
        (status = 200, description = "Saved", body = ContentItemView),
        (status = 403, description = "Not the draft's author", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The draft changed since `version`", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/content/{id}")]
pub async fn update_content(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateContentRequest>,
) -> ApiResult<web::Json<ContentItemView>> {
    let id = id.into_inner();
    let b = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:write")?;
            let a = actor(&who, &meta);
            let t = text(b.title, b.body, b.confidential_or_copyright);
            let row = app::edit(conn, &a, id, b.version, &t, now)?;
            one(conn, row, now)
        })
        .await?;
    Ok(web::Json(v))
}

/// Submits the draft to its chain (R-APR-2): news, notices and product copy to the marketing
/// director; a banner to the department manager and then the marketing director; anything
/// confidential or copyrighted to the marketing director and then the general manager. The
/// author never approves it (R-APR-3).
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    request_body = SubmitContentRequest,
    responses(
        (status = 202, description = "Submitted", body = ContentSubmission),
        (status = 403, description = "Not the draft's author", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/content/{id}/submit")]
pub async fn submit_content(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<SubmitContentRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.into_inner().reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::invalid_field(
            "reason",
            "say why it should go out",
        ));
    }
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:write")?;
            let a = actor(&who, &meta);
            let (item, rev, request) = app::submit(conn, &a, id, &reason, now)?;
            Ok(ContentSubmission {
                item: one(conn, (item, rev), now)?,
                approval_request: approval_view(&request),
            })
        })
        .await?;
    Ok(HttpResponse::Accepted().json(v))
}

/// Puts the approved latest revision live (storefront specialist, designer, department
/// manager), meeting its publish-by deadline. Only approved content is published: there is no
/// other way, not even for an admin (R-ACL-6).
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    responses(
        (status = 200, description = "Published", body = ContentItemView),
        (status = 403, description = "Not a publisher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not approved, or published already", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/content/{id}/publish")]
pub async fn publish_content(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ContentItemView>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:write")?;
            let a = actor(&who, &meta);
            let row = app::publish(conn, &a, id, now)?;
            one(conn, row, now)
        })
        .await?;
    Ok(web::Json(v))
}

/// R-PUB-2: takes the live revision down at once (storefront specialist, department manager),
/// with the reason; the revision's author is recorded as responsible. Audited.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    request_body = TakedownRequest,
    responses(
        (status = 200, description = "Taken down", body = ContentItemView),
        (status = 403, description = "Not allowed to take content down", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing of it is live", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/content/{id}/takedown")]
pub async fn take_down_content(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<TakedownRequest>,
) -> ApiResult<web::Json<ContentItemView>> {
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:write")?;
            let a = actor(&who, &meta);
            let row = app::take_down(conn, &a, id, &reason, now)?;
            one(conn, row, now)
        })
        .await?;
    Ok(web::Json(v))
}

/// Starts a new revision (a draft by the caller) from the latest one once it is published,
/// taken down or superseded; text and attachments are copied, the earlier revision stays as it
/// was. The new one goes through the chain again before it replaces the live one.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    responses(
        (status = 201, description = "The new draft revision", body = ContentItemView),
        (status = 403, description = "Not an author", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The latest revision is still a draft, in approval or approved", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/content/{id}/revisions")]
pub async fn revise_content(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:write")?;
            let a = actor(&who, &meta);
            let row = app::revise(conn, &a, id, now)?;
            one(conn, row, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

fn upload_refused(r: UploadRefusal) -> ApiError {
    match r {
        UploadRefusal::TooLarge { limit, .. } => ApiError::PayloadTooLarge {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        },
        UploadRefusal::Unsupported { .. } => ApiError::UnsupportedMediaType {
            detail: r.to_string(),
        },
        UploadRefusal::Mislabelled { .. } => ApiError::Unprocessable {
            code: "content_type_mismatch",
            detail: r.to_string(),
            errors: vec![FieldError {
                field: "Content-Type".into(),
                message: r.to_string(),
            }],
        },
    }
}

/// R-PUB-3: attaches a file to the draft (its author). The body is the file's bytes; its type
/// is read from the bytes themselves (PNG, JPEG, GIF, WebP; MP4, WebM, QuickTime; PDF and Office
/// documents) and a `Content-Type` that says otherwise is refused. Each kind has its size limit;
/// a larger file is a 413 and nothing is written. The bytes are stored in the database with
/// their SHA-256.
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id"), AttachmentUploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Attached", body = ContentAttachmentView),
        (status = 403, description = "Not the draft's author", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over the limit of its kind", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not an accepted image, video or document", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Content-Type says another type than the bytes are", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/content/{id}/attachments")]
pub async fn upload_content_attachment(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: Query<AttachmentUploadQuery>,
    mut payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let file_name = query.into_inner().file_name;
    let limits = state.config.upload_limits;
    let largest = usize::try_from(limits.largest()).unwrap_or(usize::MAX);
    let too_large = ApiError::PayloadTooLarge { limit: largest };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > largest) {
        return Err(too_large);
    }
    let claimed = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Who may attach is settled before the body is read.
    let checked = meta.clone();
    let who = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:write")?;
            app::check_attach(conn, &actor(&who, &checked), id)?;
            Ok(who)
        })
        .await?;
    // The limit of the file's own kind applies as soon as its head tells the kind.
    let mut cap = largest;
    let mut sniffed = false;
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(largest));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))?;
        bytes.extend_from_slice(&chunk);
        if !sniffed && bytes.len() >= app::SNIFF_BYTES {
            sniffed = true;
            cap = app::limit_for_head(&bytes[..app::SNIFF_BYTES], &limits)
                .map_err(upload_refused)?
                .min(largest);
        }
        if bytes.len() > cap {
            return Err(ApiError::PayloadTooLarge { limit: cap });
        }
    }
    let upload = app::judge_upload(&file_name, bytes, claimed.as_deref(), &limits)
        .map_err(upload_refused)?;
    let now = state.clock.now();
    let a = state
        .run(move |conn| Ok(app::attach(conn, &actor(&who, &meta), id, upload, now)?))
        .await?;
    Ok(HttpResponse::Created().json(attachment_view(&a)))
}

/// Removes an attachment from the draft (its author).
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id"), ("attachment_id" = Uuid, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "Removed: the item as it is now", body = ContentItemView),
        (status = 403, description = "Not the draft's author", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item or attachment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/content/{id}/attachments/{attachment_id}")]
pub async fn delete_content_attachment(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<web::Json<ContentItemView>> {
    let (id, attachment) = path.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:write")?;
            let a = actor(&who, &meta);
            app::detach(conn, &a, id, attachment, now)?;
            let row = app::latest(conn, id)?;
            one(conn, row, now)
        })
        .await?;
    Ok(web::Json(v))
}

/// An attachment's bytes, streamed from the database with their sniffed `Content-Type`, a
/// `Content-Disposition` with the file name (inline for images and video), an `ETag` of their
/// SHA-256, and single byte ranges (`Range: bytes=…` → 206; unsatisfiable → 416).
#[utoipa::path(
    tag = "content",
    security(("bearer" = [])),
    params(("attachment_id" = Uuid, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 206, description = "The requested range", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 404, description = "No such attachment", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range lies beyond the file")
    )
)]
#[get("/content/attachments/{attachment_id}")]
pub async fn download_content_attachment(
    state: web::Data<AppState>,
    who: Caller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let a = state
        .run_as(who, move |conn, who| {
            who.require_scope("content:read")?;
            let missing = || ApiError::not_found("no such attachment");
            let a = repo::find_attachment(conn, id)?.ok_or_else(missing)?;
            let item = repo::find_item(conn, a.item_id)?.ok_or_else(missing)?;
            let rev = repo::find_revision(conn, a.item_id, a.revision)?.ok_or_else(missing)?;
            if !may_read(&who, &item, &rev) {
                return Err(missing());
            }
            Ok(a)
        })
        .await?;
    let len = u64::try_from(a.size_bytes).unwrap_or(0);
    let range = match req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<Range>().ok())
    {
        Some(Range::Bytes(specs)) if specs.len() == 1 => {
            match specs
                .first()
                .and_then(|s: &ByteRangeSpec| s.to_satisfiable_range(len))
            {
                Some(r) => Some(r),
                None => {
                    return Ok(HttpResponse::RangeNotSatisfiable()
                        .insert_header((header::CONTENT_RANGE, format!("bytes */{len}")))
                        .finish())
                }
            }
        }
        _ => None,
    };
    let (start, end) = range.unwrap_or((0, len.saturating_sub(1)));
    let disposition = ContentDisposition {
        disposition: if a.media == Media::Document {
            DispositionType::Attachment
        } else {
            DispositionType::Inline
        },
        parameters: vec![
            DispositionParam::Filename(a.file_name.replace(|c: char| !c.is_ascii(), "_")),
            DispositionParam::FilenameExt(header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: a.file_name.clone().into_bytes(),
            }),
        ],
    };
    let mut res = if range.is_some() {
        let mut r = HttpResponse::PartialContent();
        r.insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")));
        r
    } else {
        HttpResponse::Ok()
    };
    res.content_type(a.content_type.as_str())
        .insert_header(disposition)
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::ETAG, format!("\"{}\"", a.sha256)))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .no_chunking(if len == 0 { 0 } else { end - start + 1 });
    if len == 0 {
        return Ok(res.finish());
    }
    // One chunk per step from the database, cut to the range.
    let chunk = CHUNK_BYTES as u64;
    let first = i32::try_from(start / chunk).unwrap_or(i32::MAX);
    let last = i32::try_from(end / chunk).unwrap_or(i32::MAX);
    let sha = a.sha256.clone();
    let stream = futures_util::stream::unfold(first, move |seq| {
        let state = state.clone();
        let sha = sha.clone();
        async move {
            if seq > last {
                return None;
            }
            let data = state
                .run(move |conn| Ok(repo::chunks(conn, &sha, (seq, seq))?))
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|mut c| {
                    c.pop()
                        .ok_or_else(|| std::io::Error::other("a stored chunk is missing"))
                });
            let out = data.map(|data| {
                let base = u64::try_from(seq).unwrap_or(0) * chunk;
                let from = usize::try_from(start.saturating_sub(base)).unwrap_or(0);
                let to = usize::try_from((end + 1 - base).min(data.len() as u64)).unwrap_or(0);
                web::Bytes::copy_from_slice(data.get(from..to).unwrap_or(&[]))
            });
            Some((out, seq + 1))
        }
    });
    Ok(res.streaming(stream))
}
