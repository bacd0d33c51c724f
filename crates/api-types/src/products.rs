//! Products, prices, promotions, stock and stocktakes.

use crate::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// `POST /products`: a new draft.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateProductRequest {
    /// Upper-case letters, digits, `-`, `_`, `.` (lower case is upper-cased).
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub sku: String,
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    #[serde(default)]
    #[validate(length(max = 20000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub description: String,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub category: String,
    /// Recommended retail price, fen.
    #[validate(range(min = 1, max = 1_000_000_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000_000))]
    pub list_price_fen: i64,
    /// The selling price, fen. Later changes need an approved price change.
    #[validate(range(min = 1, max = 1_000_000_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000_000))]
    pub price_fen: i64,
    /// Confidential or copyrighted content (R-PRD-8): edits need the marketing director and the
    /// general manager.
    #[serde(default)]
    pub confidential: bool,
}

/// `PATCH /products/{id}`: descriptive fields; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateProductRequest {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    #[validate(length(max = 20000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub description: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub category: Option<String>,
    #[validate(range(min = 1, max = 1_000_000_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000_000))]
    pub list_price_fen: Option<i64>,
    pub confidential: Option<bool>,
    /// Why; required when the edit goes to approval (confidential content).
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub reason: Option<String>,
}

/// A promotion in force on a product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivePromotion {
    pub id: Uuid,
    pub name: String,
    pub ends_at: DateTime<Utc>,
}

/// An approved price that waits to be applied or to reach its effective time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingPrice {
    pub price_id: Uuid,
    pub price_fen: i64,
    /// `null`: waits for the storefront specialist to apply it.
    pub effective_at: Option<DateTime<Utc>>,
    pub approval_request_id: Option<Uuid>,
}

/// Attachment metadata (R-PUB-3: size-limited).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentView {
    pub id: Uuid,
    /// `image`, `video` or `document`.
    pub kind: crate::AttachmentKind,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub copyrighted: bool,
    pub added_by: Uuid,
    pub added_at: DateTime<Utc>,
}

/// A product as the API shows it, prices derived at the moment of the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductView {
    pub id: Uuid,
    pub sku: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub list_price_fen: i64,
    /// The approved base price in force now.
    pub price_fen: i64,
    /// What a customer pays now: the base price, or an active promotion's.
    pub effective_price_fen: i64,
    pub active_promotion: Option<ActivePromotion>,
    pub pending_price: Option<PendingPrice>,
    pub stock: i64,
    /// `draft`, `pending_listing`, `listed` or `delisted`.
    pub status: crate::ProductStatus,
    pub confidential: bool,
    pub last_counted_at: Option<DateTime<Utc>>,
    /// Not counted in the last two days (R-PRD-9).
    pub stocktake_overdue: bool,
    pub attachments: Vec<AttachmentView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// Filters of `GET /products`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ProductQuery {
    /// Page size, 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    /// Text to find in SKU or title.
    pub q: Option<String>,
    /// Only SKUs not counted in the last two days.
    pub stocktake_overdue: Option<bool>,
}

/// A proposal that needs only a reason (listing, abnormal delisting).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

/// A competitor's price (R-PRD-6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompetitorPriceInput {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[validate(range(min = 1, max = 1_000_000_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000_000))]
    pub price_fen: i64,
}

/// `POST /products/{id}/price-change-requests` (planner).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PriceChangeRequest {
    #[validate(range(min = 1, max = 1_000_000_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000_000))]
    pub new_price_fen: i64,
    /// When the approved price comes into force by itself; omit to have the storefront
    /// specialist apply it.
    pub effective_at: Option<DateTime<Utc>>,
    /// The competitor analysis: at least one competitor's price.
    #[validate(length(min = 1, max = 50), nested)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub competitors: Vec<CompetitorPriceInput>,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

/// One price that was in force, with who proposed and approved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceHistoryEntry {
    /// `initial`, `price_change` or `promotion`.
    pub source: crate::PriceSource,
    pub price_fen: Option<i64>,
    /// For a percentage promotion: the discount.
    pub percent_off: Option<i64>,
    /// In force from; `null` for an approved price not yet applied.
    pub from: Option<DateTime<Utc>>,
    /// In force until (exclusive); `null` while still in force.
    pub until: Option<DateTime<Utc>>,
    pub proposer_id: Option<Uuid>,
    pub approver_id: Option<Uuid>,
    pub applied_by: Option<Uuid>,
    pub approval_request_id: Option<Uuid>,
    pub promotion_id: Option<Uuid>,
    pub competitors: serde_json::Value,
}

/// `POST /products/{id}/stock-movements`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StockMovementRequest {
    /// Positive to add, negative to remove; never below zero in stock.
    #[validate(range(min = -10_000_000, max = 10_000_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = -10_000_000, maximum = 10_000_000))]
    pub delta: i64,
    /// `receipt`, `adjustment` or `return`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(receipt|adjustment|return)$"))]
    pub reason: String,
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub reference: Option<String>,
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockMovementView {
    pub id: Uuid,
    pub delta: i64,
    pub stock_after: i64,
    pub reason: String,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub actor_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

/// One entry of a product's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductEventView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// `created`, `edited`, `status_changed`, `price_approved`, `price_applied`, …
    pub kind: String,
    pub detail: serde_json::Value,
    pub reason: Option<String>,
    pub approval_request_id: Option<Uuid>,
}

/// `POST /products/{id}/attachments`: metadata of an uploaded file.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttachmentRequest {
    /// `image`, `video` or `document`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(image|video|document)$"))]
    pub kind: String,
    #[validate(length(min = 1, max = 255))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255))]
    pub file_name: String,
    #[validate(length(min = 3, max = 100))]
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 100))]
    pub content_type: String,
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub size_bytes: i64,
    /// SHA-256 of the file, hex.
    #[validate(length(equal = 64))]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 64, max_length = 64, pattern = "^[0-9a-fA-F]{64}$")
    )]
    pub sha256: String,
    #[serde(default)]
    pub copyrighted: bool,
}

/// `POST /promotions` (planner): one rule (price or percent) over products for a window.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePromotionRequest {
    #[validate(length(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[validate(length(min = 1, max = 500))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 500))]
    pub skus: Vec<String>,
    /// A fixed promotional price, fen (give this or `percent_off`).
    pub promo_price_fen: Option<i64>,
    /// A discount, 1-99 percent (give this or `promo_price_fen`).
    pub percent_off: Option<i64>,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    #[validate(length(min = 1, max = 2000))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromotionView {
    pub id: Uuid,
    pub name: String,
    pub promo_price_fen: Option<i64>,
    pub percent_off: Option<i64>,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub state: crate::ApprovalState,
    pub approval_request_id: Option<Uuid>,
    pub proposer_id: Uuid,
    pub approver_id: Option<Uuid>,
    pub product_ids: Vec<Uuid>,
    /// In force at the moment of the request.
    pub active: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PromotionQuery {
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub state: Option<String>,
}

/// A proposed promotion and the approval request it filed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromotionProposal {
    pub promotion: PromotionView,
    pub approval_request: crate::ApprovalRequestView,
}

/// `GET /stocktakes` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct StocktakeQuery {
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// `open` or `posted`.
    #[cfg_attr(feature = "openapi", param(pattern = "^(open|posted)$"))]
    pub state: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateStocktakeRequest {
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
}

/// `POST /stocktakes/{id}/counts`: the counted quantity of one SKU.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StocktakeCountRequest {
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub sku: String,
    #[validate(range(min = 0, max = 10_000_000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000))]
    pub counted_qty: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StocktakeLineView {
    pub product_id: Uuid,
    pub sku: String,
    pub counted_qty: i64,
    pub system_qty: i64,
    /// counted − system: the adjustment posted.
    pub difference: i64,
    pub counted_by: Uuid,
    pub counted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StocktakeView {
    pub id: Uuid,
    /// `open` or `posted`.
    pub state: crate::StocktakeState,
    pub note: String,
    pub started_by: Uuid,
    pub started_at: DateTime<Utc>,
    pub posted_at: Option<DateTime<Utc>>,
    pub posted_by: Option<Uuid>,
    pub lines: Vec<StocktakeLineView>,
}

/// The outcome of one import row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRowResult {
    /// 1-based row number (header excluded for CSV).
    pub row: usize,
    /// The row's natural key: the SKU of a product, the channel order number of an order.
    pub key: Option<String>,
    /// `created`, `valid` (dry run) or `error`.
    pub outcome: crate::ImportOutcome,
    pub id: Option<Uuid>,
    pub errors: Vec<FieldError>,
}

/// The answer to an import: all rows are written, or none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub dry_run: bool,
    pub total: usize,
    pub created: usize,
    pub failed: usize,
    pub rows: Vec<ImportRowResult>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Validate only; write nothing.
    #[serde(default)]
    pub dry_run: bool,
}
