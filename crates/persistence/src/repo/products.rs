//! Products (R-PRD-1), their history of events and the prices ever in force.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{price_history, product_attachments, product_events, products};
use crate::{AnyConnection, StoreError, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::product::{PriceInForce, ProductStatus};
use std::collections::HashMap;
use uuid::Uuid;

/// A stored product.
#[derive(Debug, Clone)]
pub struct Product {
    pub id: Uuid,
    pub sku: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub list_price_fen: i64,
    pub stock: i64,
    pub status: ProductStatus,
    pub confidential: bool,
    pub last_counted_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = products)]
struct Row {
    id: String,
    sku: String,
    title: String,
    description: String,
    category: String,
    list_price_fen: i64,
    stock: i64,
    status: String,
    confidential: i32,
    last_counted_at: Option<NaiveDateTime>,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

impl Row {
    fn into_product(self) -> StoreResult<Product> {
        Ok(Product {
            id: parse_uuid(&self.id)?,
            sku: self.sku,
            title: self.title,
            description: self.description,
            category: self.category,
            list_price_fen: self.list_price_fen,
            stock: self.stock,
            status: self.status.parse()?,
            confidential: self.confidential != 0,
            last_counted_at: self.last_counted_at.map(from_db),
            created_by: parse_uuid(&self.created_by)?,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
            version: self.version,
        })
    }
}

/// What is needed to create a draft.
#[derive(Debug, Clone)]
pub struct NewProduct {
    pub id: Uuid,
    pub sku: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub list_price_fen: i64,
    pub price_fen: i64,
    pub confidential: bool,
}

/// Inserts a draft with its first price and a `created` event (call inside a transaction).
/// Stock starts at zero: goods arrive through stock movements.
pub fn insert(
    conn: &mut AnyConnection,
    p: &NewProduct,
    by: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(products::table)
        .values((
            products::id.eq(p.id.to_string()),
            products::sku.eq(&p.sku),
            products::title.eq(&p.title),
            products::description.eq(&p.description),
            products::category.eq(&p.category),
            products::list_price_fen.eq(p.list_price_fen),
            products::stock.eq(0_i64),
            products::status.eq(ProductStatus::Draft.as_str()),
            products::confidential.eq(i32::from(p.confidential)),
            products::created_by.eq(by.to_string()),
            products::created_at.eq(to_db(now)),
            products::updated_at.eq(to_db(now)),
            products::version.eq(1_i64),
        ))
        .execute(conn)?;
    insert_price(
        conn,
        &NewPrice {
            product_id: p.id,
            price_fen: p.price_fen,
            effective_from: Some(now),
            source: "initial",
            proposer_id: Some(by),
            approver_id: None,
            applied_by: Some(by),
            approval_request_id: None,
            competitors: serde_json::json!([]),
        },
        now,
    )?;
    insert_event(
        conn,
        p.id,
        Some(by),
        "created",
        serde_json::json!({"sku": p.sku, "price_fen": p.price_fen}),
        None,
        None,
        now,
    )
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Product>> {
    products::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Row::into_product)
        .transpose()
}

pub fn get(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Product> {
    find(conn, id)?.ok_or(StoreError::NotFound)
}

/// Many products by id, in one query.
pub fn find_many(conn: &mut AnyConnection, ids: &[Uuid]) -> StoreResult<Vec<Product>> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<Row> = products::table
        .filter(products::id.eq_any(keys))
        .select(Row::as_select())
        .load(conn)?;
    rows.into_iter().map(Row::into_product).collect()
}

/// Many products by SKU, in one query.
pub fn find_by_skus(conn: &mut AnyConnection, skus: &[String]) -> StoreResult<Vec<Product>> {
    let rows: Vec<Row> = products::table
        .filter(products::sku.eq_any(skus))
        .select(Row::as_select())
        .load(conn)?;
    rows.into_iter().map(Row::into_product).collect()
}

/// Filters of the product list.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub status: Option<ProductStatus>,
    pub category: Option<String>,
    /// Case-insensitive match in SKU or title.
    pub search: Option<String>,
    /// Only products last counted before this instant (or never).
    pub counted_before: Option<DateTime<Utc>>,
}

/// One page ordered by SKU, after the SKU `after`.
pub fn list(
    conn: &mut AnyConnection,
    f: &ProductFilter,
    after: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Product>> {
    let mut q = products::table.select(Row::as_select()).into_boxed();
    if let Some(a) = after {
        q = q.filter(products::sku.gt(a.to_owned()));
    }
    if let Some(s) = f.status {
        q = q.filter(products::status.eq(s.as_str()));
    }
    if let Some(c) = &f.category {
        q = q.filter(products::category.eq(c.clone()));
    }
    if let Some(s) = &f.search {
        let pattern = format!("%{}%", s.replace(['\\', '%', '_'], ""));
        q = q.filter(
            products::sku
                .like(pattern.to_uppercase())
                .or(products::title.like(pattern)),
        );
    }
    if let Some(t) = f.counted_before {
        q = q.filter(
            products::last_counted_at
                .is_null()
                .or(products::last_counted_at.lt(to_db(t))),
        );
    }
    let rows: Vec<Row> = q.order(products::sku.asc()).limit(limit).load(conn)?;
    rows.into_iter().map(Row::into_product).collect()
}

/// Moves a product from `from` to `to`; false when it is no longer in `from`.
pub fn set_status(
    conn: &mut AnyConnection,
    id: Uuid,
    from: ProductStatus,
    to: ProductStatus,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        products::table
            .filter(products::id.eq(id.to_string()))
            .filter(products::status.eq(from.as_str())),
    )
    .set((
        products::status.eq(to.as_str()),
        products::version.eq(products::version + 1),
        products::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Descriptive fields; `None` leaves a field unchanged.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Descriptive {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub list_price_fen: Option<i64>,
    pub confidential: Option<bool>,
}

/// Applies descriptive changes if the product is still at `expected_version`; false when stale.
pub fn update_descriptive(
    conn: &mut AnyConnection,
    id: Uuid,
    expected_version: i64,
    d: &Descriptive,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let key = id.to_string();
    let n = diesel::update(
        products::table
            .filter(products::id.eq(&key))
            .filter(products::version.eq(expected_version)),
    )
    .set((
        products::version.eq(expected_version + 1),
        products::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    if n != 1 {
        return Ok(false);
    }
    let target = products::table.find(&key);
    if let Some(v) = &d.title {
        diesel::update(target)
            .set(products::title.eq(v))
            .execute(conn)?;
    }
    if let Some(v) = &d.description {
        diesel::update(target)
            .set(products::description.eq(v))
            .execute(conn)?;
    }
    if let Some(v) = &d.category {
        diesel::update(target)
            .set(products::category.eq(v))
            .execute(conn)?;
    }
    if let Some(v) = d.list_price_fen {
        diesel::update(target)
            .set(products::list_price_fen.eq(v))
            .execute(conn)?;
    }
    if let Some(v) = d.confidential {
        diesel::update(target)
            .set(products::confidential.eq(i32::from(v)))
            .execute(conn)?;
    }
    Ok(true)
}

/// Records when a product was last counted (R-PRD-9).
pub fn mark_counted(conn: &mut AnyConnection, id: Uuid, at: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(products::table.find(id.to_string()))
        .set(products::last_counted_at.eq(Some(to_db(at))))
        .execute(conn)?;
    Ok(())
}

/// One entry of a product's history.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub kind: String,
    pub detail: serde_json::Value,
    pub reason: Option<String>,
    pub approval_request_id: Option<Uuid>,
}

/// Appends to a product's history.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one column of the event"
)]
pub fn insert_event(
    conn: &mut AnyConnection,
    product_id: Uuid,
    actor: Option<Uuid>,
    kind: &str,
    detail: serde_json::Value,
    reason: Option<&str>,
    request: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(product_events::table)
        .values((
            product_events::id.eq(Uuid::now_v7().to_string()),
            product_events::product_id.eq(product_id.to_string()),
            product_events::at.eq(to_db(now)),
            product_events::actor_id.eq(actor.map(|a| a.to_string())),
            product_events::kind.eq(kind),
            product_events::detail.eq(detail.to_string()),
            product_events::reason.eq(reason),
            product_events::approval_request_id.eq(request.map(|r| r.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

type EventRow = (
    String,
    NaiveDateTime,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// The history of a product, oldest first.
pub fn events(conn: &mut AnyConnection, product_id: Uuid) -> StoreResult<Vec<Event>> {
    let rows: Vec<EventRow> = product_events::table
        .filter(product_events::product_id.eq(product_id.to_string()))
        .order(product_events::id.asc())
        .select((
            product_events::id,
            product_events::at,
            product_events::actor_id,
            product_events::kind,
            product_events::detail,
            product_events::reason,
            product_events::approval_request_id,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(Event {
                id: parse_uuid(&r.0)?,
                at: from_db(r.1),
                actor_id: r.2.as_deref().map(parse_uuid).transpose()?,
                kind: r.3,
                detail: serde_json::from_str(&r.4)?,
                reason: r.5,
                approval_request_id: r.6.as_deref().map(parse_uuid).transpose()?,
            })
        })
        .collect()
}

/// A base price to record.
#[derive(Debug, Clone)]
pub struct NewPrice {
    pub product_id: Uuid,
    pub price_fen: i64,
    /// `None`: approved, waiting for the storefront specialist to apply it.
    pub effective_from: Option<DateTime<Utc>>,
    pub source: &'static str,
    pub proposer_id: Option<Uuid>,
    pub approver_id: Option<Uuid>,
    pub applied_by: Option<Uuid>,
    pub approval_request_id: Option<Uuid>,
    pub competitors: serde_json::Value,
}

pub fn insert_price(
    conn: &mut AnyConnection,
    p: &NewPrice,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    diesel::insert_into(price_history::table)
        .values((
            price_history::id.eq(id.to_string()),
            price_history::product_id.eq(p.product_id.to_string()),
            price_history::price_fen.eq(p.price_fen),
            price_history::effective_from.eq(p.effective_from.map(to_db)),
            price_history::source.eq(p.source),
            price_history::proposer_id.eq(p.proposer_id.map(|u| u.to_string())),
            price_history::approver_id.eq(p.approver_id.map(|u| u.to_string())),
            price_history::applied_by.eq(p.applied_by.map(|u| u.to_string())),
            price_history::approval_request_id.eq(p.approval_request_id.map(|u| u.to_string())),
            price_history::competitors.eq(p.competitors.to_string()),
            price_history::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A recorded base price.
#[derive(Debug, Clone)]
pub struct PriceRecord {
    pub id: Uuid,
    pub product_id: Uuid,
    pub price_fen: i64,
    pub effective_from: Option<DateTime<Utc>>,
    pub source: String,
    pub proposer_id: Option<Uuid>,
    pub approver_id: Option<Uuid>,
    pub applied_by: Option<Uuid>,
    pub approval_request_id: Option<Uuid>,
    pub competitors: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

impl PriceRecord {
    pub fn in_force(&self) -> PriceInForce {
        PriceInForce {
            price_fen: self.price_fen,
            effective_from: self.effective_from,
        }
    }
}

type PriceRow = (
    String,
    String,
    i64,
    Option<NaiveDateTime>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    NaiveDateTime,
);

fn opt_uuid(s: Option<String>) -> StoreResult<Option<Uuid>> {
    s.as_deref().map(parse_uuid).transpose()
}

/// The recorded prices of many products in one query, oldest first.
pub fn prices_of(
    conn: &mut AnyConnection,
    ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<PriceRecord>>> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<PriceRow> = price_history::table
        .filter(price_history::product_id.eq_any(keys))
        .order(price_history::id.asc())
        .select((
            price_history::id,
            price_history::product_id,
            price_history::price_fen,
            price_history::effective_from,
            price_history::source,
            price_history::proposer_id,
            price_history::approver_id,
            price_history::applied_by,
            price_history::approval_request_id,
            price_history::competitors,
            price_history::created_at,
        ))
        .load(conn)?;
    let mut map: HashMap<Uuid, Vec<PriceRecord>> = HashMap::new();
    for r in rows {
        let rec = PriceRecord {
            id: parse_uuid(&r.0)?,
            product_id: parse_uuid(&r.1)?,
            price_fen: r.2,
            effective_from: r.3.map(from_db),
            source: r.4,
            proposer_id: opt_uuid(r.5)?,
            approver_id: opt_uuid(r.6)?,
            applied_by: opt_uuid(r.7)?,
            approval_request_id: opt_uuid(r.8)?,
            competitors: serde_json::from_str(&r.9)?,
            created_at: from_db(r.10),
        };
        map.entry(rec.product_id).or_default().push(rec);
    }
    Ok(map)
}

/// Puts an approved price that waits for application into force now. False if it already was.
pub fn apply_price(
    conn: &mut AnyConnection,
    price_id: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = diesel::update(
        price_history::table
            .filter(price_history::id.eq(price_id.to_string()))
            .filter(price_history::effective_from.is_null()),
    )
    .set((
        price_history::effective_from.eq(Some(to_db(now))),
        price_history::applied_by.eq(Some(by.to_string())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Attachment metadata (R-PUB-3).
#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: Uuid,
    pub product_id: Uuid,
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub copyrighted: bool,
    pub added_by: Uuid,
    pub added_at: DateTime<Utc>,
}

pub fn insert_attachment(conn: &mut AnyConnection, a: &Attachment) -> StoreResult<()> {
    diesel::insert_into(product_attachments::table)
        .values((
            product_attachments::id.eq(a.id.to_string()),
            product_attachments::product_id.eq(a.product_id.to_string()),
            product_attachments::kind.eq(&a.kind),
            product_attachments::file_name.eq(&a.file_name),
            product_attachments::content_type.eq(&a.content_type),
            product_attachments::size_bytes.eq(a.size_bytes),
            product_attachments::sha256.eq(&a.sha256),
            product_attachments::copyrighted.eq(i32::from(a.copyrighted)),
            product_attachments::added_by.eq(a.added_by.to_string()),
            product_attachments::added_at.eq(to_db(a.added_at)),
        ))
        .execute(conn)?;
    Ok(())
}

type AttachmentRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    i32,
    String,
    NaiveDateTime,
);

/// The attachments of many products in one query.
pub fn attachments_of(
    conn: &mut AnyConnection,
    ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<Attachment>>> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<AttachmentRow> = product_attachments::table
        .filter(product_attachments::product_id.eq_any(keys))
        .order(product_attachments::id.asc())
        .select((
            product_attachments::id,
            product_attachments::product_id,
            product_attachments::kind,
            product_attachments::file_name,
            product_attachments::content_type,
            product_attachments::size_bytes,
            product_attachments::sha256,
            product_attachments::copyrighted,
            product_attachments::added_by,
            product_attachments::added_at,
        ))
        .load(conn)?;
    let mut map: HashMap<Uuid, Vec<Attachment>> = HashMap::new();
    for r in rows {
        let a = Attachment {
            id: parse_uuid(&r.0)?,
            product_id: parse_uuid(&r.1)?,
            kind: r.2,
            file_name: r.3,
            content_type: r.4,
            size_bytes: r.5,
            sha256: r.6,
            copyrighted: r.7 != 0,
            added_by: parse_uuid(&r.8)?,
            added_at: from_db(r.9),
        };
        map.entry(a.product_id).or_default().push(a);
    }
    Ok(map)
}

/// The price a customer pays now for each product: the base price in force, or an active
/// approved promotion's (a fixed number of queries for any number of products).
pub fn effective_prices(
    conn: &mut AnyConnection,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> StoreResult<HashMap<Uuid, i64>> {
    let prices = prices_of(conn, ids)?;
    let promos = crate::repo::promotions::approved_by_product(conn, ids)?;
    Ok(ids
        .iter()
        .filter_map(|id| {
            let in_force: Vec<_> = prices
                .get(id)
                .map(|h| h.iter().map(PriceRecord::in_force).collect())
                .unwrap_or_default();
            let rules = promos.get(id).cloned().unwrap_or_default();
            ecops_domain::product::effective_price(&in_force, &rules, now).map(|p| (*id, p))
        })
        .collect())
}
