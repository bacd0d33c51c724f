//! Webhook subscriptions: where the events of the feed are delivered, signed as Standard Webhooks
//! describes (`webhook-id`, `webhook-timestamp`, `webhook-signature`), with their delivery log.

use crate::events::EventType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// What a subscription narrows its events to, beyond their types. A field narrows only the
/// resources that have it: `channel` orders and after-sales cases, `category` products.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookFilter {
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub channel: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub category: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Where events are POSTed: `https://…` (plain `http://` and internal addresses only for
    /// hosts on the server's allowlist). Redirects are not followed.
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub url: String,
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    #[serde(default)]
    pub description: String,
    /// The event types delivered (at least one).
    #[validate(length(min = 1, max = 50))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub event_types: Vec<String>,
    #[validate(nested)]
    #[serde(default)]
    pub filter: WebhookFilter,
    /// The signing secret, `whsec_` and the base64 of 24 to 64 random bytes; generated when
    /// absent. Shown once, in the answer.
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub secret: Option<String>,
}

/// A change: what is present is replaced.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub url: Option<String>,
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub description: Option<String>,
    #[validate(length(min = 1, max = 50))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub event_types: Option<Vec<String>>,
    #[validate(nested)]
    pub filter: Option<WebhookFilter>,
}

/// `active`, or `paused` (by an administrator, or after a run of failed attempts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WebhookState {
    Active,
    Paused,
}

/// Why a subscription is paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    ByAdmin,
    Failures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookView {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    pub event_types: Vec<EventType>,
    pub filter: WebhookFilter,
    pub state: WebhookState,
    pub paused_reason: Option<PauseReason>,
    /// Failed attempts in a row (a success ends the run).
    pub consecutive_failures: i32,
    /// Deliveries waiting (for their turn, a retry, or a resume).
    pub pending: i64,
    pub delivered: i64,
    /// Deliveries out of tries (redeliver them when the receiver is mended).
    pub failed: i64,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new subscription with its signing secret, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookCreated {
    /// Verify each delivery's `webhook-signature` with it (any Standard Webhooks library does).
    pub secret: String,
    pub subscription: WebhookView,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RotateSecretRequest {
    /// The new secret; generated when absent.
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretRotated {
    /// The new secret, shown this once; the next attempt is signed with it.
    pub secret: String,
}

/// `pending` (waiting for its turn, a retry or a resume), `delivered`, `failed` (out of tries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryState {
    pub const ALL: &'static [DeliveryState] = &[
        DeliveryState::Pending,
        DeliveryState::Delivered,
        DeliveryState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }
}

/// One event's delivery to one subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// The event's id: the `webhook-id` of every attempt.
    pub event_id: Uuid,
    pub seq: i64,
    pub event_type: EventType,
    /// `type:id` of the resource (deliveries of one resource go in order).
    pub resource: String,
    pub state: DeliveryState,
    /// Attempts since it was queued (or queued again).
    pub tries: i32,
    /// When it is tried next (pending).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One attempt to deliver (or a test ping).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptView {
    pub id: Uuid,
    /// The `webhook-id` sent.
    pub event_id: Uuid,
    /// The event's type, or `webhook.ping`.
    pub event_type: String,
    pub attempted_at: DateTime<Utc>,
    /// The answer's status (none when no answer came).
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    /// The first 500 characters of the answer's body.
    pub response_excerpt: String,
    /// Why no answer came, or why it was not sent.
    pub error: Option<String>,
    /// The server node that sent it.
    pub node: String,
}

/// Filters of a subscription's deliveries.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    pub state: Option<DeliveryState>,
    /// 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Filters of a subscription's attempts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct AttemptQuery {
    /// One event's attempts.
    pub event_id: Option<Uuid>,
    /// 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Send again what the subscription takes of the events recorded in `[from, to)`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RedeliverRangeRequest {
    pub from: DateTime<Utc>,
    /// At most 31 days after `from`.
    pub to: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Redelivered {
    /// Deliveries queued (sent in order by the dispatcher).
    pub queued: usize,
}
