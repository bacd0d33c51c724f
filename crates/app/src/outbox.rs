//! The catalogue of events partner systems receive, and how a use case records one: in its own
//! transaction, with the resource as the API shows it at that moment (the transactional outbox).
//! A committed change always has its event; a change rolled back has none.

use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_persistence::repo::outbox::{self as repo, NewEvent};
use ecops_persistence::AnyConnection;
use std::sync::OnceLock;

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
}

impl EventType {
    pub const ALL: [EventType; 9] = [
        EventType::OrderCreated,
        EventType::OrderEventAppended,
        EventType::CaseOpened,
        EventType::CaseClosed,
        EventType::ProductListed,
        EventType::ProductDelisted,
        EventType::ProductPriceChanged,
        EventType::ApprovalDecided,
        EventType::BackupCompleted,
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
            EventType::BackupCompleted => "backup",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Renders a resource as the API returns it: (connection, resource type, id, instant). The HTTP
/// layer, which owns the wire views, installs it at start-up ([`set_renderer`]); the use cases
/// call it inside their transaction, so the event carries the state the change left.
pub type Renderer =
    fn(&mut AnyConnection, &str, &str, DateTime<Utc>) -> Result<serde_json::Value, String>;

static RENDERER: OnceLock<Renderer> = OnceLock::new();

/// Installs the renderer (once per process; later calls keep the first).
pub fn set_renderer(r: Renderer) {
    let _ = RENDERER.set(r);
}

/// Records `event` about the resource `id` with `context` (what happened beyond the resource's
/// new state), inside the caller's transaction.
pub fn record(
    conn: &mut AnyConnection,
    event: EventType,
    id: &str,
    context: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let data = match RENDERER.get() {
        Some(render) => render(conn, event.resource_type(), id, now).map_err(|e| {
            AppError::Internal(format!(
                "rendering {} {id} for its event: {e}",
                event.resource_type()
            ))
        })?,
        // A process without the HTTP layer (a CLI restore, a bench) reports the reference only.
        None => serde_json::json!({ "id": id }),
    };
    repo::append(
        conn,
        NewEvent {
            event_type: event.as_str().to_owned(),
            resource_type: event.resource_type().to_owned(),
            resource_id: id.to_owned(),
            context,
            data,
        },
        now,
    )?;
    Ok(())
}
