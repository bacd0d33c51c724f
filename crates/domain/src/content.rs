//! Content publishing (R-PUB-1..3): the kinds of content, the lifecycle of a revision, the chain
//! each goes through (R-APR-2, R-PRD-8) and the kinds of attachment with their size limits.

use crate::access::JobRole;
use crate::approval::ApprovalKind;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What a content item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    News,
    Notice,
    /// A banner on the shop's pages: a change to a page.
    Banner,
    /// The descriptive copy of a product.
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

    /// R-APR-2 and R-PRD-8: the approval kind (and so the chain) a revision goes through. News,
    /// notices and product copy go to the marketing director; a banner changes a page, so the
    /// department manager checks it first; anything confidential or copyrighted goes to the
    /// marketing director and then the general manager, whatever its kind.
    pub fn approval_kind(self, confidential: bool) -> ApprovalKind {
        if confidential {
            return ApprovalKind::ConfidentialInfo;
        }
        match self {
            ContentKind::News | ContentKind::Notice | ContentKind::ProductCopy => {
                ApprovalKind::News
            }
            ContentKind::Banner => ApprovalKind::PageRevision,
        }
    }
}

impl FromStr for ContentKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ContentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown content kind `{s}`"))
    }
}

/// Where one revision of an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentStatus {
    /// Being written; only its author changes it. A rejected or withdrawn revision returns here.
    Draft,
    /// Submitted: waiting for its chain.
    InApproval,
    /// The chain approved it: the publish-by deadline runs (R-APR-5).
    Approved,
    /// Live.
    Published,
    /// Taken down (R-PUB-2).
    TakenDown,
    /// Was live, replaced by a later published revision; readable in the history.
    Superseded,
}

impl ContentStatus {
    pub const ALL: [ContentStatus; 6] = [
        ContentStatus::Draft,
        ContentStatus::InApproval,
        ContentStatus::Approved,
        ContentStatus::Published,
        ContentStatus::TakenDown,
        ContentStatus::Superseded,
    ];

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

    /// Whether the revision's text and attachments may still change (R-PUB-1: only a draft).
    pub fn editable(self) -> bool {
        self == ContentStatus::Draft
    }

    /// Submitting for approval.
    pub fn submit(self) -> Result<ContentStatus, ContentRefusal> {
        match self {
            ContentStatus::Draft => Ok(ContentStatus::InApproval),
            _ => Err(ContentRefusal::NotDraft),
        }
    }

    /// R-ACL-6: publishing needs the approval; nothing skips it.
    pub fn publish(self) -> Result<ContentStatus, ContentRefusal> {
        match self {
            ContentStatus::Approved => Ok(ContentStatus::Published),
            ContentStatus::Published | ContentStatus::Superseded => {
                Err(ContentRefusal::AlreadyPublished)
            }
            _ => Err(ContentRefusal::NotApproved),
        }
    }

    /// R-PUB-2: only what is live is taken down.
    pub fn take_down(self) -> Result<ContentStatus, ContentRefusal> {
        match self {
            ContentStatus::Published => Ok(ContentStatus::TakenDown),
            _ => Err(ContentRefusal::NotPublished),
        }
    }
}

impl FromStr for ContentStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ContentStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown content status `{s}`"))
    }
}

/// Why a step of the lifecycle is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ContentRefusal {
    #[error("only a draft is changed or submitted: a submitted revision waits for its chain, a published one is revised by a new revision")]
    NotDraft,
    #[error("only approved content is published: it has not passed its approval chain")]
    NotApproved,
    #[error("this revision was published already")]
    AlreadyPublished,
    #[error("only published content is taken down")]
    NotPublished,
    #[error("a new revision is started from the latest one once it is published, taken down or back in draft")]
    RevisionOpen,
}

impl ContentRefusal {
    pub fn code(self) -> &'static str {
        match self {
            ContentRefusal::NotDraft => "content_not_draft",
            ContentRefusal::NotApproved => "content_not_approved",
            ContentRefusal::AlreadyPublished => "content_already_published",
            ContentRefusal::NotPublished => "content_not_published",
            ContentRefusal::RevisionOpen => "content_revision_open",
        }
    }
}

/// R-PUB-1: a new revision starts from the latest one only when that one is settled: live,
/// taken down or superseded. A draft is edited instead; one in approval or approved is waited
/// for (or withdrawn).
pub fn check_new_revision(latest: ContentStatus) -> Result<(), ContentRefusal> {
    match latest {
        ContentStatus::Published | ContentStatus::TakenDown | ContentStatus::Superseded => Ok(()),
        ContentStatus::Draft | ContentStatus::InApproval | ContentStatus::Approved => {
            Err(ContentRefusal::RevisionOpen)
        }
    }
}

/// Who drafts content.
pub const CONTENT_AUTHORS: &[JobRole] = &[
    JobRole::Planner,
    JobRole::StorefrontSpecialist,
    JobRole::Designer,
    JobRole::DeptManager,
    JobRole::MarketingDirector,
];

/// Who puts approved content live.
pub const PUBLISHERS: &[JobRole] = &[
    JobRole::StorefrontSpecialist,
    JobRole::Designer,
    JobRole::DeptManager,
];

/// R-PUB-2: who takes content down at once.
pub const TAKEDOWN: &[JobRole] = &[JobRole::StorefrontSpecialist, JobRole::DeptManager];

/// Who sees content before it is live: its authors, publishers and approvers at operator level.
/// Everyone else reads only what is published.
pub fn sees_workflow(level: crate::PermissionLevel, roles: &[JobRole]) -> bool {
    level >= crate::PermissionLevel::Operator
        && roles.iter().any(|r| {
            CONTENT_AUTHORS.contains(r)
                || PUBLISHERS.contains(r)
                || TAKEDOWN.contains(r)
                || *r == JobRole::GeneralManager
        })
}

/// R-PRD-8: a confidential or copyrighted revision that is not live is seen only by its author,
/// those who approve such material and those who publish it.
pub fn sees_confidential(roles: &[JobRole], is_author: bool) -> bool {
    is_author
        || roles.iter().any(|r| {
            matches!(
                r,
                JobRole::MarketingDirector | JobRole::GeneralManager | JobRole::DeptManager
            ) || PUBLISHERS.contains(r)
        })
}

/// What an attachment is, by its sniffed type (R-PUB-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Media {
    Image,
    Video,
    Document,
}

impl Media {
    pub fn as_str(self) -> &'static str {
        match self {
            Media::Image => "image",
            Media::Video => "video",
            Media::Document => "document",
        }
    }

    /// The kind of an accepted MIME type, or `None` for one the department does not take.
    pub fn of_mime(mime: &str) -> Option<Media> {
        match mime {
            "image/png" | "image/jpeg" | "image/gif" | "image/webp" => Some(Media::Image),
            "video/mp4" | "video/webm" | "video/quicktime" => Some(Media::Video),
            "application/pdf"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            | "application/msword"
            | "application/vnd.ms-excel"
            | "application/vnd.ms-powerpoint" => Some(Media::Document),
            _ => None,
        }
    }
}

impl FromStr for Media {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [Media::Image, Media::Video, Media::Document]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown media `{s}`"))
    }
}

/// R-PUB-3: the largest file of each media kind, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadLimits {
    pub image_bytes: i64,
    pub video_bytes: i64,
    pub document_bytes: i64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            image_bytes: 5 * 1024 * 1024,
            video_bytes: 200 * 1024 * 1024,
            document_bytes: 20 * 1024 * 1024,
        }
    }
}

impl UploadLimits {
    pub fn of(&self, media: Media) -> i64 {
        match media {
            Media::Image => self.image_bytes,
            Media::Video => self.video_bytes,
            Media::Document => self.document_bytes,
        }
    }

    /// The largest upload of any kind: what is read before the type is known.
    pub fn largest(&self) -> i64 {
        self.image_bytes
            .max(self.video_bytes)
            .max(self.document_bytes)
    }
}

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadRefusal {
    #[error("the file's content is not an accepted image, video or document (found {found})")]
    Unsupported { found: String },
    #[error("the file is a {sniffed}, not the {claimed} its Content-Type says")]
    Mislabelled { claimed: String, sniffed: String },
    #[error("a {media} is at most {limit} bytes; this one is {size}")]
    TooLarge {
        media: &'static str,
        limit: i64,
        size: i64,
    },
}

/// R-PUB-3: judges an upload from the type sniffed from its bytes (`None`: not recognised), the
/// client's claimed `Content-Type` (ignored when absent or generic) and its size.
pub fn check_upload(
    sniffed: Option<&str>,
    claimed: Option<&str>,
    size: i64,
    limits: &UploadLimits,
) -> Result<Media, UploadRefusal> {
    let mime = sniffed.ok_or_else(|| UploadRefusal::Unsupported {
        found: "unrecognised content".to_owned(),
    })?;
    let media = Media::of_mime(mime).ok_or_else(|| UploadRefusal::Unsupported {
        found: mime.to_owned(),
    })?;
    if let Some(claimed) = claimed
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|c| !c.is_empty() && c != "application/octet-stream")
    {
        // image/jpg is a common spelling of image/jpeg.
        let claimed_norm = if claimed == "image/jpg" {
            "image/jpeg".to_owned()
        } else {
            claimed
        };
        if claimed_norm != mime {
            return Err(UploadRefusal::Mislabelled {
                claimed: claimed_norm,
                sniffed: mime.to_owned(),
            });
        }
    }
    let limit = limits.of(media);
    if size > limit {
        return Err(UploadRefusal::TooLarge {
            media: media.as_str(),
            limit,
            size,
        });
    }
    Ok(media)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: UploadLimits = UploadLimits {
        image_bytes: 100,
        video_bytes: 1000,
        document_bytes: 500,
    };

    #[test]
    fn r_pub_1_each_kind_goes_through_its_chain_and_confidential_through_two_steps() {
        assert_eq!(ContentKind::News.approval_kind(false), ApprovalKind::News);
        assert_eq!(ContentKind::Notice.approval_kind(false), ApprovalKind::News);
        assert_eq!(
            ContentKind::ProductCopy.approval_kind(false),
            ApprovalKind::News
        );
        assert_eq!(
            ContentKind::Banner.approval_kind(false),
            ApprovalKind::PageRevision
        );
        for k in ContentKind::ALL {
            assert_eq!(k.approval_kind(true), ApprovalKind::ConfidentialInfo);
        }
    }

    #[test]
    fn r_acl_6_nothing_is_published_without_approval() {
        for s in ContentStatus::ALL {
            let r = s.publish();
            assert_eq!(r.is_ok(), s == ContentStatus::Approved, "{s:?}");
        }
        assert_eq!(
            ContentStatus::Approved.publish(),
            Ok(ContentStatus::Published)
        );
    }

    #[test]
    fn r_pub_1_only_a_draft_changes_and_a_settled_revision_is_revised_by_a_new_one() {
        for s in ContentStatus::ALL {
            assert_eq!(s.editable(), s == ContentStatus::Draft);
            assert_eq!(s.submit().is_ok(), s == ContentStatus::Draft);
            assert_eq!(
                check_new_revision(s).is_ok(),
                matches!(
                    s,
                    ContentStatus::Published | ContentStatus::TakenDown | ContentStatus::Superseded
                )
            );
        }
    }

    #[test]
    fn r_prd_8_drafts_are_for_the_workflow_and_confidential_ones_for_few() {
        use crate::PermissionLevel::{Operator, Viewer};
        assert!(sees_workflow(Operator, &[JobRole::Planner]));
        assert!(!sees_workflow(Viewer, &[JobRole::Planner]));
        assert!(!sees_workflow(Operator, &[JobRole::CustomerService]));
        assert!(sees_confidential(&[JobRole::Planner], true));
        assert!(!sees_confidential(&[JobRole::Planner], false));
        assert!(sees_confidential(&[JobRole::GeneralManager], false));
    }

    #[test]
    fn r_pub_2_only_live_content_is_taken_down() {
        for s in ContentStatus::ALL {
            assert_eq!(s.take_down().is_ok(), s == ContentStatus::Published);
        }
    }

    #[test]
    fn r_pub_3_uploads_are_judged_by_their_bytes_and_limited_per_kind() {
        assert_eq!(
            check_upload(Some("image/png"), Some("image/png"), 100, &LIMITS),
            Ok(Media::Image)
        );
        assert_eq!(
            check_upload(Some("image/jpeg"), Some("image/jpg"), 10, &LIMITS),
            Ok(Media::Image)
        );
        assert_eq!(
            check_upload(Some("application/pdf"), None, 500, &LIMITS),
            Ok(Media::Document)
        );
        assert_eq!(
            check_upload(
                Some("video/mp4"),
                Some("application/octet-stream"),
                999,
                &LIMITS
            ),
            Ok(Media::Video)
        );
        assert!(matches!(
            check_upload(Some("image/png"), Some("image/png"), 101, &LIMITS),
            Err(UploadRefusal::TooLarge {
                limit: 100,
                size: 101,
                ..
            })
        ));
        assert!(matches!(
            check_upload(Some("application/pdf"), Some("image/png"), 10, &LIMITS),
            Err(UploadRefusal::Mislabelled { .. })
        ));
        assert!(matches!(
            check_upload(None, Some("text/plain"), 10, &LIMITS),
            Err(UploadRefusal::Unsupported { .. })
        ));
        assert!(matches!(
            check_upload(Some("application/x-executable"), None, 10, &LIMITS),
            Err(UploadRefusal::Unsupported { .. })
        ));
        assert_eq!(LIMITS.largest(), 1000);
    }
}
