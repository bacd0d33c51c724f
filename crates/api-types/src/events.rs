//! The event feed (the transactional outbox): what changed, in commit order, with the resource
//! as the API returned it then.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The catalogue of event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventType {
    /// An order was taken (by hand, by phone, by import). `data`: the order.
    #[serde(rename = "order.created")]
    OrderCreated,
    /// An event was appended to an order (contacted, payment checked, remark, picked, shipped,
    /// delivered, cancelled, a price hold released). `context.kind` names it. `data`: the order.
    #[serde(rename = "order.event_appended")]
    OrderEventAppended,
    /// An after-sales case was opened. `data`: the case.
    #[serde(rename = "after_sales.case_opened")]
    CaseOpened,
    /// An after-sales case was closed. `data`: the case.
    #[serde(rename = "after_sales.case_closed")]
    CaseClosed,
    /// A product was listed (its listing approved). `data`: the product.
    #[serde(rename = "product.listed")]
    ProductListed,
    /// A product was delisted. `data`: the product.
    #[serde(rename = "product.delisted")]
    ProductDelisted,
    /// A product's price changes: applied now (`data` shows the new price), or approved with the
    /// time it comes into force by itself (`context.price_fen`, `context.effective_at`; `data` is
    /// the product as it was when approved). `data`: the product.
    #[serde(rename = "product.price_changed")]
    ProductPriceChanged,
    /// A decision was recorded on a listing, delisting, price or promotion request
    /// (`context.final`: it closed the request). `data`: the request.
    #[serde(rename = "approval.decided")]
    ApprovalDecided,
    /// A backup was taken. `data`: the backup.
    #[serde(rename = "backup.completed")]
    BackupCompleted,
    /// The database was restored from a backup: what happened after the archive was taken is
    /// gone, and the feed goes on above the number it had reached (`context.previous_head`).
    #[serde(rename = "backup.restored")]
    BackupRestored,
    /// A revision of news, a notice, a banner or product copy went live. `data`: the item.
    #[serde(rename = "content.published")]
    ContentPublished,
    /// The live revision was taken down (`context.reason`). `data`: the item.
    #[serde(rename = "content.taken_down")]
    ContentTakenDown,
    /// The department manager closed a month: its attendance figures are frozen. `data`: the
    /// month and each person's figures, as `GET /attendance/months/{month}` shows them.
    #[serde(rename = "attendance.month_closed")]
    AttendanceMonthClosed,
    /// The general manager reopened a closed month (`context.reason`). `data`: the month as it
    /// stands again, open.
    #[serde(rename = "attendance.month_reopened")]
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

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One event of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventView {
    /// The event's position in the feed: events appear in commit order, each number once.
    pub seq: i64,
    /// Stable id (the `webhook-id` of its deliveries).
    pub id: Uuid,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub occurred_at: DateTime<Utc>,
    /// `order`, `aftersales_case`, `product`, `approval_request`, `backup`, `content_item` or
    /// `attendance_month` (its id the month, `YYYY-MM`).
    pub resource_type: String,
    pub resource_id: String,
    /// What happened beyond the resource's new state.
    pub context: serde_json::Value,
    /// The resource as the API returned it when the event happened.
    pub data: serde_json::Value,
}

/// One page of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPage {
    pub items: Vec<EventView>,
    /// Pass it as `after` for the next page (the last `seq` read; the same `after` when nothing
    /// is new).
    pub next_after: i64,
}

/// Filters of `GET /events`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// The last `seq` already read (0 or absent: from the start).
    #[cfg_attr(feature = "openapi", param(minimum = 0))]
    pub after: Option<i64>,
    /// Page size, 1 to 500 (default 100).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 500))]
    pub limit: Option<i64>,
    /// Comma-separated event types (default: all).
    #[serde(rename = "type")]
    pub types: Option<String>,
}

/// What a streaming export carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ExportDataset {
    /// Orders created in the period, each with its lines and events.
    Orders,
    /// After-sales cases opened in the period.
    AftersalesCases,
    /// Products created in the period, with their prices and stock now.
    Products,
    /// Each person's attendance figures for every calendar month the period touches.
    AttendanceSummaries,
}

impl ExportDataset {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportDataset::Orders => "orders",
            ExportDataset::AftersalesCases => "aftersales-cases",
            ExportDataset::Products => "products",
            ExportDataset::AttendanceSummaries => "attendance-summaries",
        }
    }
}

/// `ndjson` (one resource per line, as the API shows it) or `csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Ndjson,
    Csv,
}

/// The period and format of a streaming export.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// Start of the period (inclusive; default: the beginning).
    pub from: Option<DateTime<Utc>>,
    /// End of the period (exclusive; default: now).
    pub to: Option<DateTime<Utc>>,
    /// Default `ndjson`.
    pub format: Option<ExportFormat>,
}
