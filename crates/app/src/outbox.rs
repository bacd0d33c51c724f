//! The catalogue of events partner systems receive, and how a use case records one: in its own
//! transaction, with the resource as the API shows it at that moment (the transactional outbox).
//! A committed change always has its event; a change rolled back has none.

use crate::error::AppResult;
use chrono::{DateTime, Utc};
use ecops_persistence::repo::outbox::{self as repo, NewEvent};
use ecops_persistence::AnyConnection;

/// Every event type, one catalogue (published in the OpenAPI document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    OrderCreated,
    OrderEventAppended,
    CaseOpened,
    CaseClosed,
    ProductListed,
    ProductDelisted,
    ProductPriceChanged,
    ApprovalDecided,
    BackupCompleted,
    /// The database was restored from a backup; the feed goes on above the number it had reached.
    BackupRestored,
    ContentPublished,
    ContentTakenDown,
    AttendanceMonthClosed,
    AttendanceMonthReopened,
}

impl EventType {
    pub const ALL: [EventType; 14] = [
        EventType::OrderCreated,
        EventType::OrderEventAppended,
        EventType::CaseOpened,
        EventType::CaseClosed,
        EventType::ProductListed,
        EventType::ProductDelisted,
        EventType::ProductPriceChanged,
        EventType::ApprovalDecided,
        EventType::BackupCompleted,
        EventType::BackupRestored,
        EventType::ContentPublished,
        EventType::ContentTakenDown,
        EventType::AttendanceMonthClosed,
        EventType::AttendanceMonthReopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::OrderCreated => "order.created",
            EventType::OrderEventAppended => "order.event_appended",
            EventType::CaseOpened => "after_sales.case_opened",
            EventType::CaseClosed => "after_sales.case_closed",
            EventType::ProductListed => "product.listed",
            EventType::ProductDelisted => "product.delisted",
            EventType::ProductPriceChanged => "product.price_changed",
            EventType::ApprovalDecided => "approval.decided",
            EventType::BackupCompleted => "backup.completed",
            EventType::BackupRestored => "backup.restored",
            EventType::ContentPublished => "content.published",
            EventType::ContentTakenDown => "content.taken_down",
            EventType::AttendanceMonthClosed => "attendance.month_closed",
            EventType::AttendanceMonthReopened => "attendance.month_reopened",
        }
    }

    /// The kind of resource the event carries.
    pub fn resource_type(self) -> &'static str {
        match self {
            EventType::OrderCreated | EventType::OrderEventAppended => "order",
            EventType::CaseOpened | EventType::CaseClosed => "aftersales_case",
            EventType::ProductListed
            | EventType::ProductDelisted
            | EventType::ProductPriceChanged => "product",
            EventType::ApprovalDecided => "approval_request",
            EventType::BackupCompleted | EventType::BackupRestored => "backup",
            EventType::ContentPublished | EventType::ContentTakenDown => "content_item",
            EventType::AttendanceMonthClosed | EventType::AttendanceMonthReopened => {
                "attendance_month"
            }
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Renders a resource as the API returns it (see [`ecops_persistence::repo::outbox::Renderer`]);
/// the HTTP layer installs it at start-up, the CLI too.
pub use ecops_persistence::repo::outbox::{set_renderer, Renderer};

/// The approval kinds whose decisions partner systems follow (listings, delistings, prices,
/// promotions). Leave, accounts, the vault, delegations and the like stay inside.
pub fn published(kind: ecops_domain::approval::ApprovalKind) -> bool {
    use ecops_domain::approval::ApprovalKind::*;
    matches!(kind, Listing | AbnormalDelisting | PriceChange | Promotion)
}

/// Records `event` about the resource `id` with `context` (what happened beyond the resource's
/// new state), inside the caller's transaction. The resource is rendered as the transaction
/// commits, under the feed's lock.
pub fn record(
    conn: &mut AnyConnection,
    event: EventType,
    id: &str,
    context: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    repo::append(
        conn,
        NewEvent {
            event_type: event.as_str().to_owned(),
            resource_type: event.resource_type().to_owned(),
            resource_id: id.to_owned(),
            context,
        },
        now,
    )?;
    Ok(())
}

/// R-PRD-4 emptied a listed product, which is now delisted: partners learn it like any other
/// delisting.
pub fn after_stock_move(
    conn: &mut AnyConnection,
    product: uuid::Uuid,
    moved: &ecops_persistence::repo::stock::Moved,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if moved.delisted {
        record(
            conn,
            EventType::ProductDelisted,
            &product.to_string(),
            serde_json::json!({"reason": "out_of_stock"}),
            now,
        )?;
    }
    Ok(())
}

/// R-SEC-5: a page of the feed read (it carries customers' data), on record; so is a refusal.
pub fn record_read(
    conn: &mut AnyConnection,
    actor: &crate::Actor,
    outcome: ecops_persistence::repo::audit::Outcome,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    ecops_persistence::repo::audit::append(
        conn,
        &actor.audit_entry("events.read", None, outcome, detail),
        now,
    )?;
    Ok(())
}
