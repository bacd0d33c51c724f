//! Promotions (R-PRD-7): a planner proposes, the marketing director approves.

use crate::approvals::{self, Actor};
use crate::effects::PromotionApproval;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use ecops_domain::approval::{ApprovalKind, ApprovalState};
use ecops_domain::product::{effective_price, PromoRule, Window};
use ecops_persistence::db::{lock_subject, write_tx};
use ecops_persistence::repo::approvals::ApprovalRequest;
use ecops_persistence::repo::products;
use ecops_persistence::repo::promotions::{self, Promotion};
use ecops_persistence::AnyConnection;
use uuid::Uuid;

/// A proposed promotion, its fields already parsed.
#[derive(Debug, Clone)]
pub struct PromotionInput {
    pub name: String,
    pub rule: PromoRule,
    pub window: Window,
    /// Normalised SKUs, without duplicates.
    pub skus: Vec<String>,
    pub reason: String,
}

/// Files a promotion for approval (R-PRD-7): every SKU names a product; a fixed price is below
/// each product's price in force; it overlaps no pending or approved promotion on any of its
/// products. The products are locked in a fixed order for the check, so two overlapping
/// proposals sent at once cannot both be filed.
pub fn propose(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: PromotionInput,
    now: DateTime<Utc>,
) -> AppResult<(Promotion, ApprovalRequest)> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[ecops_domain::JobRole::Planner],
    )?;
    write_tx(conn, |conn| {
        let found = products::find_by_skus(conn, &input.skus)?;
        if let Some((i, missing)) = input
            .skus
            .iter()
            .enumerate()
            .find(|(_, s)| !found.iter().any(|p| &p.sku == *s))
        {
            return Err(AppError::invalid(
                format!("skus.{i}"),
                format!("no product has SKU {missing}"),
            ));
        }
        let ids: Vec<Uuid> = found.iter().map(|p| p.id).collect();
        let mut keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        keys.sort();
        for key in &keys {
            lock_subject(conn, "promotion", key)?;
        }
        let prices = products::prices_of(conn, &ids)?;
        for p in &found {
            let in_force: Vec<_> = prices
                .get(&p.id)
                .map(|h| h.iter().map(|r| r.in_force()).collect())
                .unwrap_or_default();
            let base = effective_price(&in_force, &[], now).unwrap_or(0);
            if input.rule.check_against_base(base).is_err() {
                return Err(AppError::invalid(
                    "promo_price_fen",
                    format!("must be below {}'s price of {base} fen", p.sku),
                ));
            }
        }
        let existing = promotions::for_products(
            conn,
            &ids,
            &[ApprovalState::Approved, ApprovalState::Pending],
        )?;
        if let Some(clash) = existing.iter().find(|o| o.window.overlaps(&input.window)) {
            return Err(AppError::rule(
                "promotion_overlap",
                format!(
                    "the {} promotion `{}` ({} – {}) overlaps on a product",
                    clash.state.as_str(),
                    clash.name,
                    clash.window.start,
                    clash.window.end
                ),
            ));
        }
        fail::fail_point!("promotions::propose::checked");
        let promo_id = Uuid::now_v7();
        let payload = serde_json::to_value(PromotionApproval {
            promotion_id: promo_id,
        })
        .map_err(|e| AppError::Store(e.into()))?;
        let request = approvals::submit(
            conn,
            ApprovalKind::Promotion,
            ("promotion", promo_id.to_string()),
            actor,
            payload,
            &input.reason,
            None,
            now,
        )?;
        let promo = Promotion {
            id: promo_id,
            name: input.name,
            rule: input.rule,
            window: input.window,
            state: ApprovalState::Pending,
            approval_request_id: Some(request.id),
            proposer_id: actor.id,
            approver_id: None,
            created_at: now,
            product_ids: found.iter().map(|p| p.id).collect(),
        };
        promotions::insert(conn, &promo)?;
        Ok((promo, request))
    })
}
