//! Content publishing (R-PUB-1..3, R-APR-5).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// What a content item is: `news`, `notice`, `banner` (a page change) or `product_copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    News,
    Notice,
    Banner,
    ProductCopy,
}

impl ContentKind {
    pub const ALL: [ContentKind; 4] = [
        ContentKind::News,
        ContentKind::Notice,
        ContentKind::Banner,
        ContentKind::ProductCopy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::News => "news",
            ContentKind::Notice => "notice",
            ContentKind::Banner => "banner",
            ContentKind::ProductCopy => "product_copy",
        }
    }
}

/// Where a revision stands: `draft` → `in_approval` → `approved` → `published` → `taken_down`;
/// a published revision replaced by a later one is `superseded`. A rejected or withdrawn
/// revision returns to `draft`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContentStatus {
    Draft,
    InApproval,
    Approved,
    Published,
    TakenDown,
    Superseded,
}

impl ContentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentStatus::Draft => "draft",
            ContentStatus::InApproval => "in_approval",
            ContentStatus::Approved => "approved",
            ContentStatus::Published => "published",
            ContentStatus::TakenDown => "taken_down",
            ContentStatus::Superseded => "superseded",
        }
    }
}

/// The kind of an attachment, from its sniffed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Video,
    Document,
}

/// `POST /content`: a new item, drafted as its revision 1.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateContentRequest {
    pub kind: ContentKind,
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    /// Markdown.
    #[serde(default)]
    #[validate(length(max = 100000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100000))]
    pub body: String,
    /// Confidential or copyrighted material (R-PRD-8): approved by the marketing director and
    /// then the general manager.
    #[serde(default)]
    pub confidential_or_copyright: bool,
    /// The page-revision plan a banner belongs to (R-APR-6).
    #[serde(default)]
    pub page_revision_id: Option<Uuid>,
}

/// `PUT /content/{id}`: rewrites the latest revision while it is a draft (its author only).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateContentRequest {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    #[serde(default)]
    #[validate(length(max = 100000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100000))]
    pub body: String,
    #[serde(default)]
    pub confidential_or_copyright: bool,
    /// The draft's `version` as last read: a save over a newer one is refused (412).
    pub version: i64,
}

/// `POST /content/{id}/submit`: why it should go out, shown to the approvers.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmitContentRequest {
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

/// `POST /content/{id}/takedown` (R-PUB-2).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TakedownRequest {
    /// What law or company rule it breaks.
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

/// An attachment of a revision; its bytes at `href`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentAttachmentView {
    pub id: Uuid,
    pub file_name: String,
    pub media: MediaKind,
    /// Sniffed from the bytes.
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTime<Utc>,
    /// `GET` it for the bytes (supports `Range`).
    pub href: String,
}

/// One revision of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentRevisionView {
    pub number: i32,
    pub title: String,
    pub body: String,
    pub confidential_or_copyright: bool,
    pub status: ContentStatus,
    /// Who wrote this revision.
    pub author_id: Uuid,
    pub approval_request_id: Option<Uuid>,
    pub attachments: Vec<ContentAttachmentView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Send it back with a `PUT` of the draft.
    pub version: i64,
}

/// A content item with its latest revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentItemView {
    pub id: Uuid,
    pub kind: ContentKind,
    /// Who drafted the item.
    pub author_id: Uuid,
    pub page_revision_id: Option<Uuid>,
    /// The status of the latest revision.
    pub status: ContentStatus,
    pub latest: ContentRevisionView,
    /// The number of the revision that is live, if one is.
    pub live_revision: Option<i32>,
    /// R-APR-5: the latest revision, approved, must be published by then.
    pub publish_by: Option<DateTime<Utc>>,
    /// Approved, not published, past `publish_by`.
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A step of an item's history: `drafted`, `submitted`, `approved`, `rejected`, `withdrawn`,
/// `published`, `taken_down`, `revised`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentEventView {
    pub revision: i32,
    pub action: String,
    pub actor_id: Option<Uuid>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// `GET /content/{id}`: the item, every revision (newest first), its history, and the approval
/// of the latest revision with its chain and decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentDetailView {
    pub item: ContentItemView,
    pub revisions: Vec<ContentRevisionView>,
    pub events: Vec<ContentEventView>,
    pub approval: Option<crate::ApprovalDetail>,
}

/// `POST /content/{id}/submit`: the revision and its approval request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentSubmission {
    pub item: ContentItemView,
    pub approval_request: crate::ApprovalRequestView,
}

/// A takedown (R-PUB-2): what, why, by whom, and the author responsible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TakedownView {
    pub item_id: Uuid,
    pub kind: ContentKind,
    pub revision: i32,
    pub title: String,
    pub reason: String,
    pub taken_down_by: Option<Uuid>,
    pub taken_down_at: DateTime<Utc>,
    pub responsible_author_id: Uuid,
}

/// `GET /content` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ContentQuery {
    pub kind: Option<ContentKind>,
    /// The status of the latest revision.
    pub status: Option<ContentStatus>,
    /// Items drafted by this person.
    pub author_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// `POST /content/{id}/attachments`: the raw bytes are the body; the name is given here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AttachmentUploadQuery {
    /// The file's name as shown and offered on download.
    pub file_name: String,
}
