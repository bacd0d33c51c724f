//! Promotions (R-PRD-7): a price rule over a set of products for a window, effective only once
//! approved, and never overlapping another on the same product.

use super::{from_db, parse_uuid, to_db};
use crate::schema::{promotion_products, promotions};
use crate::{AnyConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use ecops_domain::approval::ApprovalState;
use ecops_domain::product::{PromoRule, Window};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Promotion {
    pub id: Uuid,
    pub name: String,
    pub rule: PromoRule,
    pub window: Window,
    pub state: ApprovalState,
    pub approval_request_id: Option<Uuid>,
    pub proposer_id: Uuid,
    pub approver_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub product_ids: Vec<Uuid>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = promotions)]
struct Row {
    id: String,
    name: String,
    rule_type: String,
    rule_value: i64,
    start_at: NaiveDateTime,
    end_at: NaiveDateTime,
    state: String,
    approval_request_id: Option<String>,
    proposer_id: String,
    approver_id: Option<String>,
    created_at: NaiveDateTime,
}

fn rule_parts(rule: PromoRule) -> (&'static str, i64) {
    match rule {
        PromoRule::Price(v) => ("price", v),
        PromoRule::PercentOff(v) => ("percent_off", v),
    }
}

impl Row {
    fn into_promotion(self, product_ids: Vec<Uuid>) -> StoreResult<Promotion> {
        let rule = match self.rule_type.as_str() {
            "price" => PromoRule::Price(self.rule_value),
            _ => PromoRule::PercentOff(self.rule_value),
        };
        Ok(Promotion {
            id: parse_uuid(&self.id)?,
            name: self.name,
            rule,
            window: Window {
                start: from_db(self.start_at),
                end: from_db(self.end_at),
            },
            state: self.state.parse()?,
            approval_request_id: self
                .approval_request_id
                .as_deref()
                .map(parse_uuid)
                .transpose()?,
            proposer_id: parse_uuid(&self.proposer_id)?,
            approver_id: self.approver_id.as_deref().map(parse_uuid).transpose()?,
            created_at: from_db(self.created_at),
            product_ids,
        })
    }
}

pub fn insert(conn: &mut AnyConnection, p: &Promotion) -> StoreResult<()> {
    let (rule_type, rule_value) = rule_parts(p.rule);
    diesel::insert_into(promotions::table)
        .values((
            promotions::id.eq(p.id.to_string()),
            promotions::name.eq(&p.name),
            promotions::rule_type.eq(rule_type),
            promotions::rule_value.eq(rule_value),
            promotions::start_at.eq(to_db(p.window.start)),
            promotions::end_at.eq(to_db(p.window.end)),
            promotions::state.eq(p.state.as_str()),
            promotions::approval_request_id.eq(p.approval_request_id.map(|u| u.to_string())),
            promotions::proposer_id.eq(p.proposer_id.to_string()),
            promotions::created_at.eq(to_db(p.created_at)),
        ))
        .execute(conn)?;
    for product in &p.product_ids {
        diesel::insert_into(promotion_products::table)
            .values((
                promotion_products::promotion_id.eq(p.id.to_string()),
                promotion_products::product_id.eq(product.to_string()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn with_products(conn: &mut AnyConnection, rows: Vec<Row>) -> StoreResult<Vec<Promotion>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let links: Vec<(String, String)> = promotion_products::table
        .filter(promotion_products::promotion_id.eq_any(&ids))
        .select((
            promotion_products::promotion_id,
            promotion_products::product_id,
        ))
        .load(conn)?;
    let mut by_promo: HashMap<String, Vec<Uuid>> = HashMap::new();
    for (promo, product) in links {
        by_promo
            .entry(promo)
            .or_default()
            .push(parse_uuid(&product)?);
    }
    rows.into_iter()
        .map(|r| {
            let products = by_promo.remove(&r.id).unwrap_or_default();
            r.into_promotion(products)
        })
        .collect()
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Promotion>> {
    let row: Option<Row> = promotions::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    Ok(with_products(conn, row.into_iter().collect())?.pop())
}

/// The promotions touching any of `product_ids` in the given states (two queries, any page size).
pub fn for_products(
    conn: &mut AnyConnection,
    product_ids: &[Uuid],
    states: &[ApprovalState],
) -> StoreResult<Vec<Promotion>> {
    let keys: Vec<String> = product_ids.iter().map(Uuid::to_string).collect();
    let state_keys: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    let promo_ids = promotion_products::table
        .filter(promotion_products::product_id.eq_any(keys))
        .select(promotion_products::promotion_id);
    let rows: Vec<Row> = promotions::table
        .filter(promotions::id.eq_any(promo_ids))
        .filter(promotions::state.eq_any(state_keys))
        .order(promotions::start_at.asc())
        .select(Row::as_select())
        .load(conn)?;
    with_products(conn, rows)
}

/// Approved promotions by product, for computing effective prices.
pub fn approved_by_product(
    conn: &mut AnyConnection,
    product_ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<(Window, PromoRule)>>> {
    let mut map: HashMap<Uuid, Vec<(Window, PromoRule)>> = HashMap::new();
    for p in for_products(conn, product_ids, &[ApprovalState::Approved])? {
        for product in &p.product_ids {
            if product_ids.contains(product) {
                map.entry(*product).or_default().push((p.window, p.rule));
            }
        }
    }
    Ok(map)
}

/// Closes a pending promotion; false if it was no longer pending.
pub fn close(
    conn: &mut AnyConnection,
    id: Uuid,
    state: ApprovalState,
    approver: Option<Uuid>,
) -> StoreResult<bool> {
    let n = diesel::update(
        promotions::table
            .filter(promotions::id.eq(id.to_string()))
            .filter(promotions::state.eq(ApprovalState::Pending.as_str())),
    )
    .set((
        promotions::state.eq(state.as_str()),
        promotions::approver_id.eq(approver.map(|a| a.to_string())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Newest first, older than the id `before`.
pub fn list(
    conn: &mut AnyConnection,
    state: Option<ApprovalState>,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Promotion>> {
    let mut q = promotions::table.select(Row::as_select()).into_boxed();
    if let Some(s) = state {
        q = q.filter(promotions::state.eq(s.as_str()));
    }
    if let Some(b) = before {
        q = q.filter(promotions::id.lt(b.to_owned()));
    }
    let rows: Vec<Row> = q.order(promotions::id.desc()).limit(limit).load(conn)?;
    with_products(conn, rows)
}
