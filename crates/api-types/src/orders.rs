//! Orders, customers, after-sales cases and the daily order exports.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// Contact data of a customer given with an order (found by phone, or created).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[validate(length(min = 3, max = 30))]
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 30))]
    pub phone: String,
    #[validate(email)]
    pub email: Option<String>,
    #[validate(length(min = 1, max = 500))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub address: String,
    /// For statistics (R-ORD-9): e.g. `retail`, `wholesale`, `vip`. Default `retail`.
    #[validate(length(min = 1, max = 50))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub classification: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderLineInput {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub sku: String,
    #[validate(range(min = 1, max = 100_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100_000))]
    pub quantity: i64,
    /// The channel's unit price; omit to take the product's effective price at this instant.
    #[validate(range(min = 0, max = 1_000_000_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub unit_price_fen: Option<i64>,
}

/// `POST /orders` (R-ORD-1). Give `customer_id` or `customer`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateOrderRequest {
    /// `own_shop`, `taobao`, `tmall`, `jd`, `phone`, or another lower-case channel key.
    #[validate(length(min = 2, max = 30))]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 2, max_length = 30, pattern = "^[a-z][a-z0-9_]{1,29}$")
    )]
    pub channel: String,
    /// The order number in the channel; unique per channel.
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub channel_order_no: String,
    pub customer_id: Option<Uuid>,
    #[validate(nested)]
    pub customer: Option<CustomerInput>,
    #[validate(length(min = 1, max = 500))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub shipping_address: String,
    #[validate(length(min = 1, max = 30))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 30))]
    pub payment_method: String,
    /// `paid`, `unpaid` or `cod`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(paid|unpaid|cod)$"))]
    pub payment_status: String,
    #[validate(length(min = 1, max = 200), nested)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 200))]
    pub lines: Vec<OrderLineInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLineView {
    pub line_no: i32,
    pub product_id: Uuid,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub line_total_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEventView {
    pub seq: i32,
    pub kind: crate::OrderEventKind,
    pub actor_id: Option<Uuid>,
    pub at: DateTime<Utc>,
    pub data: serde_json::Value,
    /// This event's link in the hash chain.
    pub hash: String,
}

/// An order: its immutable core, where it stands, and (in detail answers) its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderView {
    pub id: Uuid,
    pub channel: String,
    pub channel_order_no: String,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub customer_phone: String,
    pub shipping_address: String,
    pub total_fen: i64,
    pub payment_method: String,
    pub payment_status: crate::PaymentStatus,
    pub paid_fen: i64,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    /// `accepted`, `verified`, `on_hold`, `checked`, `shipped`, `delivered`, `cancelled`.
    pub status: crate::OrderStatus,
    /// R-ORD-3: the customer must be contacted by then.
    pub contact_due_at: DateTime<Utc>,
    pub contacted_at: Option<DateTime<Utc>>,
    /// `met`, `missed`, `open` or `overdue`.
    pub contact_deadline: crate::DeadlineState,
    pub lines: Vec<OrderLineView>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<OrderEventView>,
}

/// A line as the warehouse counted it (R-ORD-6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckedLine {
    pub line_no: i64,
    pub quantity: i64,
}

/// `POST /orders/{id}/events`: what happened to the order. Core data is never changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum OrderEventInput {
    /// R-ORD-3: the customer was contacted (outcome: `confirmed`, `no_answer`, `invalid`, …).
    CustomerContacted {
        outcome: String,
        note: String,
    },
    /// R-ORD-4: payment checked and normal.
    PaymentVerified {
        note: Option<String>,
    },
    /// R-ORD-4: payment abnormal: the order is held.
    PaymentAbnormal {
        reason: String,
    },
    /// R-ORD-5.
    RemarkAdded {
        text: String,
    },
    /// R-ORD-6: every line counted against the order.
    PickedChecked {
        lines: Vec<CheckedLine>,
    },
    /// R-ORD-6.
    Shipped {
        carrier: String,
        tracking_no: String,
    },
    Delivered {
        note: Option<String>,
    },
    /// Releases the reserved stock.
    Cancelled {
        reason: String,
    },
    /// R-ORD-10: releases an order held for its agreed price; needs a discount limit that covers
    /// it (the supervisor's, or the department manager's for any price).
    PriceReleased {
        note: String,
    },
}

impl Validate for OrderEventInput {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        let mut errors = validator::ValidationErrors::new();
        let mut text = |field: &'static str, value: &str, max: usize| {
            let n = value.trim().chars().count();
            if n == 0 || n > max {
                let mut e = validator::ValidationError::new("length");
                e.message = Some(format!("must have 1 to {max} characters").into());
                errors.add(field, e);
            }
        };
        match self {
            OrderEventInput::CustomerContacted { outcome, note } => {
                text("outcome", outcome, 50);
                if note.chars().count() > 2000 {
                    text("note", "", 2000);
                }
            }
            OrderEventInput::PaymentAbnormal { reason } | OrderEventInput::Cancelled { reason } => {
                text("reason", reason, 2000)
            }
            OrderEventInput::RemarkAdded { text: t }
            | OrderEventInput::PriceReleased { note: t } => {
                let field = if matches!(self, OrderEventInput::RemarkAdded { .. }) {
                    "text"
                } else {
                    "note"
                };
                text(field, t, 2000)
            }
            OrderEventInput::Shipped {
                carrier,
                tracking_no,
            } => {
                text("carrier", carrier, 100);
                text("tracking_no", tracking_no, 100);
            }
            OrderEventInput::PickedChecked { lines } if lines.is_empty() => {
                let mut e = validator::ValidationError::new("length");
                e.message = Some("must list every line of the order".into());
                errors.add("lines", e);
            }
            OrderEventInput::PaymentVerified { note } | OrderEventInput::Delivered { note } => {
                if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
                    text("note", "", 2000);
                }
            }
            OrderEventInput::PickedChecked { .. } => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// What the hash-chain check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderVerification {
    pub order_id: Uuid,
    pub valid: bool,
    pub events_checked: usize,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct OrderQuery {
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub channel: Option<String>,
    pub status: Option<String>,
    pub customer_id: Option<Uuid>,
    pub sku: Option<String>,
    /// Created at or after.
    pub from: Option<DateTime<Utc>>,
    /// Created before.
    pub to: Option<DateTime<Utc>>,
    /// Only orders past their contact deadline without a contact.
    pub overdue: Option<bool>,
    /// `newest` (default) or `contact_due` (most urgent first).
    #[cfg_attr(feature = "openapi", param(pattern = "^(newest|contact_due)$"))]
    pub sort: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerView {
    pub id: Uuid,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    pub classification: String,
    /// Confirmed by the department manager (R-ORD-9).
    pub bad_customer: bool,
    pub bad_customer_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomerRequest {
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    #[validate(length(min = 3, max = 30))]
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 30))]
    pub phone: Option<String>,
    #[validate(email)]
    pub email: Option<String>,
    #[validate(length(min = 1, max = 500))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub address: Option<String>,
    #[validate(length(min = 1, max = 50))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub classification: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CustomerQuery {
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub classification: Option<String>,
    pub bad_customer: Option<bool>,
    /// Text in name or phone.
    pub q: Option<String>,
}

/// Customers per classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassificationCount {
    pub classification: String,
    pub customers: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseLineInput {
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub line_no: i32,
    #[validate(range(min = 1, max = 100_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100_000))]
    pub quantity: i64,
}

/// `POST /aftersales` (R-AFS-1).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCaseRequest {
    pub order_id: Uuid,
    /// `return`, `exchange`, `refund`, `reissue`, `repair`, `complaint`, `dispute`, `review` or
    /// `logistics_exception` (疑难件/快递异常).
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^(return|exchange|refund|reissue|repair|complaint|dispute|review|logistics_exception)$"
        )
    )]
    pub kind: String,
    /// For `logistics_exception` only, and required there: `lost`, `damaged`, `stuck`,
    /// `shipping_reminder` (催发货) or `customer_carrier`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(lost|damaged|stuck|shipping_reminder|customer_carrier)$")
    )]
    pub logistics_issue: Option<String>,
    /// R-AFS-1: the value of a gift (赠送) to the customer. With the goods of a return or an
    /// exchange it counts against the opener's authority limit; beyond it the supervisor decides.
    #[validate(range(min = 0, max = 1_000_000_000_i64))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000_i64))]
    pub gift_fen: Option<i64>,
    /// What the gift is; required with `gift_fen`.
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub gift_item: Option<String>,
    #[serde(default)]
    #[validate(length(max = 200), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub lines: Vec<CaseLineInput>,
    #[validate(length(min = 1, max = 5000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 5000))]
    pub description: String,
    /// Money given back; never more than was paid minus earlier refunds.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 0, maximum = 1_000_000_000_000_i64)
    )]
    pub refund_fen: Option<i64>,
    /// Who handles it (default: the caller).
    pub owner_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateCaseRequest {
    /// `open`, `in_progress`, `resolved` or `closed`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(open|in_progress|resolved|closed)$")
    )]
    pub status: Option<String>,
    pub owner_id: Option<Uuid>,
    /// What the customer was told or given.
    #[validate(length(min = 1, max = 5000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 5000))]
    pub customer_result: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub id: Uuid,
    pub order_id: Uuid,
    pub kind: crate::CaseKind,
    pub status: crate::CaseStatus,
    pub owner_id: Uuid,
    pub description: String,
    pub customer_result: Option<String>,
    pub refund_fen: i64,
    /// R-AFS-1: a gift to the customer (0 when none) and what it is.
    pub gift_fen: i64,
    pub gift_item: Option<String>,
    /// For a logistics exception: what went wrong.
    pub logistics_issue: Option<String>,
    pub lines: Vec<CaseLineView>,
    /// Complaints: the processing deadline (R-AFS-2).
    pub deadline_at: Option<DateTime<Utc>>,
    /// Past the deadline and still open: in the customer-service supervisor's queue.
    pub escalated: bool,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseLineView {
    pub line_no: i32,
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub order_id: Option<Uuid>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub owner_id: Option<Uuid>,
    /// Only complaints past their deadline and still open.
    pub escalated: Option<bool>,
}

/// `?from=&to=` of a report, as dates in the company time zone (`to` inclusive).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: chrono::NaiveDate,
    /// Last day, `YYYY-MM-DD`.
    pub to: chrono::NaiveDate,
    /// `json` (default) or `csv`.
    #[cfg_attr(feature = "openapi", param(pattern = "^(json|csv)$"))]
    pub format: Option<String>,
}

/// After-sales figures of one day (R-AFS-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyAftersales {
    pub date: chrono::NaiveDate,
    pub cases: i64,
    /// Cases by kind.
    pub by_kind: std::collections::BTreeMap<String, i64>,
    pub refunded_fen: i64,
    pub closed: i64,
}

/// One row of the factory tables: reissues, repairs, returns and refunds by SKU (R-AFS-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactoryRow {
    pub date: chrono::NaiveDate,
    pub kind: crate::CaseKind,
    pub case_id: Uuid,
    pub order_id: Uuid,
    pub channel_order_no: String,
    pub sku: String,
    pub quantity: i64,
    pub refund_fen: i64,
    pub description: String,
}

/// A daily order export (R-ORD-8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderExportView {
    pub date: chrono::NaiveDate,
    pub order_count: i32,
    pub event_count: i32,
    pub jsonl_sha256: String,
    pub csv_sha256: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportVerification {
    pub date: chrono::NaiveDate,
    pub valid: bool,
    pub problems: Vec<String>,
}

/// One person's record against one kind of deadline in a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineBreaches {
    /// `contact` (R-ORD-3), `complaint` (R-AFS-2) or `publication` (R-APR-5).
    pub deadline: crate::DeadlineKind,
    /// Who answers for it: the order taker, the case owner, or the proposer.
    pub person_id: Uuid,
    pub username: String,
    /// Who a breach is escalated to.
    pub escalation_role: crate::JobRole,
    pub due: i64,
    pub met: i64,
    pub missed: i64,
    /// Past due and still not done.
    pub overdue: i64,
    pub open: i64,
}
