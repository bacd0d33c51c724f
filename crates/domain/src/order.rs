//! Orders (SPEC §3): the immutable core, the append-only event list and its state machine,
//! the contact deadline, and the hash chain that makes tampering visible.

use crate::access::JobRole;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::str::FromStr;

/// Where an order stands, derived from its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Created and accepted; awaiting verification (R-ORD-3/4).
    Accepted,
    /// Payment checked and the order confirmed (R-ORD-4).
    Verified,
    /// Payment abnormal: held until verified (R-ORD-4).
    OnHold,
    /// R-ORD-10: priced beyond its creator's discount limit; held until someone whose limit
    /// covers the price releases it.
    PriceHold,
    /// Goods checked against the order (R-ORD-6).
    Checked,
    Shipped,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::Accepted,
        OrderStatus::Verified,
        OrderStatus::OnHold,
        OrderStatus::PriceHold,
        OrderStatus::Checked,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Accepted => "accepted",
            OrderStatus::Verified => "verified",
            OrderStatus::OnHold => "on_hold",
            OrderStatus::PriceHold => "price_hold",
            OrderStatus::Checked => "checked",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }
}

impl FromStr for OrderStatus {
    type Err = crate::access::UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrderStatus::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| crate::access::UnknownKey {
                kind: "order status",
                value: s.to_owned(),
            })
    }
}

/// What can happen to an order after it is created (R-ORD-2: appended, never edited).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Accepted,
    CustomerContacted,
    PaymentVerified,
    PaymentAbnormal,
    RemarkAdded,
    PickedChecked,
    Shipped,
    Delivered,
    Cancelled,
    /// R-ORD-10: recorded at creation when a line's price is beyond the creator's limit.
    PriceHeld,
    /// R-ORD-10: the agreed price released by someone whose limit covers it.
    PriceReleased,
}

impl EventKind {
    pub const ALL: [EventKind; 11] = [
        EventKind::Accepted,
        EventKind::CustomerContacted,
        EventKind::PaymentVerified,
        EventKind::PaymentAbnormal,
        EventKind::RemarkAdded,
        EventKind::PickedChecked,
        EventKind::Shipped,
        EventKind::Delivered,
        EventKind::Cancelled,
        EventKind::PriceHeld,
        EventKind::PriceReleased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Accepted => "accepted",
            EventKind::CustomerContacted => "customer_contacted",
            EventKind::PaymentVerified => "payment_verified",
            EventKind::PaymentAbnormal => "payment_abnormal",
            EventKind::RemarkAdded => "remark_added",
            EventKind::PickedChecked => "picked_checked",
            EventKind::Shipped => "shipped",
            EventKind::Delivered => "delivered",
            EventKind::Cancelled => "cancelled",
            EventKind::PriceHeld => "price_held",
            EventKind::PriceReleased => "price_released",
        }
    }

    /// The job roles that may record this event.
    pub fn roles(self) -> &'static [JobRole] {
        use JobRole::*;
        match self {
            EventKind::Accepted => &[CustomerService],
            EventKind::CustomerContacted
            | EventKind::PaymentVerified
            | EventKind::PaymentAbnormal => &[CustomerService, CsSupervisor],
            EventKind::RemarkAdded => &[CustomerService, CsSupervisor, Warehouse],
            EventKind::PickedChecked | EventKind::Shipped => &[Warehouse],
            EventKind::Delivered => &[Warehouse, CustomerService],
            EventKind::Cancelled => &[CustomerService, CsSupervisor],
            // Written by the system when the order is created, never sent by anyone.
            EventKind::PriceHeld => &[],
            EventKind::PriceReleased => &[CsSupervisor, DeptManager],
        }
    }
}

impl FromStr for EventKind {
    type Err = crate::access::UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| crate::access::UnknownKey {
                kind: "order event",
                value: s.to_owned(),
            })
    }
}

/// An event refused in the order's current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}` is not possible while the order is {}", event.as_str(), status.as_str())]
pub struct OutOfOrder {
    pub status: OrderStatus,
    pub event: EventKind,
}

/// R-ORD-2..6: the status after `event`, or why it cannot happen now. Remarks and contact
/// records are allowed at any time and leave the status as it is.
pub fn apply(status: OrderStatus, event: EventKind) -> Result<OrderStatus, OutOfOrder> {
    use EventKind as E;
    use OrderStatus as S;
    let next = match (status, event) {
        (_, E::RemarkAdded) => Some(status),
        (S::Cancelled | S::Delivered, E::CustomerContacted) => None,
        (_, E::CustomerContacted) => Some(status),
        (S::Accepted | S::OnHold, E::PaymentVerified) => Some(S::Verified),
        (S::Accepted | S::Verified, E::PaymentAbnormal) => Some(S::OnHold),
        (S::Verified, E::PickedChecked) => Some(S::Checked),
        (S::Checked, E::Shipped) => Some(S::Shipped),
        (S::Shipped, E::Delivered) => Some(S::Delivered),
        (S::Accepted | S::Verified | S::OnHold | S::Checked | S::PriceHold, E::Cancelled) => {
            Some(S::Cancelled)
        }
        (S::Accepted, E::PriceHeld) => Some(S::PriceHold),
        (S::PriceHold, E::PriceReleased) => Some(S::Accepted),
        _ => None,
    };
    next.ok_or(OutOfOrder { status, event })
}

/// R-ORD-10: how far below the effective price a role may agree a price, in basis points
/// (1/100 of a percent). The department manager's limit covers any price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountLimits {
    pub customer_service_bp: u32,
    pub cs_supervisor_bp: u32,
}

/// A limit that covers every price (the whole price given away).
pub const ANY_DISCOUNT_BP: u32 = 10_000;

impl Default for DiscountLimits {
    /// The seeds' defaults: customer service 5 %, the supervisor 15 %, beyond that the manager.
    fn default() -> Self {
        DiscountLimits {
            customer_service_bp: 500,
            cs_supervisor_bp: 1_500,
        }
    }
}

impl DiscountLimits {
    /// The largest discount someone holding `roles` may agree.
    pub fn of(&self, roles: &[JobRole]) -> u32 {
        roles
            .iter()
            .map(|r| match r {
                JobRole::DeptManager => ANY_DISCOUNT_BP,
                JobRole::CsSupervisor => self.cs_supervisor_bp,
                JobRole::CustomerService => self.customer_service_bp,
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }
}

/// R-ORD-10: the discount of an agreed unit price against the effective price, in basis points,
/// rounded up (a price a fraction of a basis point beyond a limit is beyond it). A price at or
/// above the effective price is no discount.
pub fn discount_bp(effective_fen: i64, unit_fen: i64) -> u32 {
    if effective_fen <= 0 || unit_fen >= effective_fen {
        return 0;
    }
    let off = i128::from(effective_fen - unit_fen) * 10_000;
    let bp = (off + i128::from(effective_fen) - 1) / i128::from(effective_fen);
    u32::try_from(bp.min(10_000)).unwrap_or(ANY_DISCOUNT_BP)
}

/// R-ORD-3: when the customer must have been contacted.
pub fn contact_due(accepted_at: DateTime<Utc>, within: Duration) -> DateTime<Utc> {
    accepted_at + within
}

/// R-ORD-3: met, missed, or still open at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineOutcome {
    Met,
    Missed,
    Open,
    Overdue,
}

/// Judges a deadline by when it was done (if it was) and the time now.
pub fn deadline_outcome(
    due: DateTime<Utc>,
    done_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DeadlineOutcome {
    match done_at {
        Some(t) if t <= due => DeadlineOutcome::Met,
        Some(_) => DeadlineOutcome::Missed,
        None if now > due => DeadlineOutcome::Overdue,
        None => DeadlineOutcome::Open,
    }
}

/// One line's total, refusing overflow.
pub fn line_total(quantity: i64, unit_price_fen: i64) -> Option<i64> {
    quantity.checked_mul(unit_price_fen)
}

/// What the catalogue says about a product at the moment an order is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// Listed products are for sale; nothing else is (R-PRD-1).
    pub listed: bool,
    /// The price in force now: the approved base price or an active promotion's.
    pub effective_price_fen: i64,
}

/// One line as the order taker entered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRequest {
    pub quantity: i64,
    /// R-ORD-10: a price agreed with the customer; the effective price when absent.
    pub unit_price_fen: Option<i64>,
}

/// One line of an order, priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub quantity: i64,
    pub effective_price_fen: i64,
    pub unit_price_fen: i64,
    pub line_total_fen: i64,
    /// How far below the effective price the agreed price is.
    pub discount_bp: u32,
}

/// The lines, the total and what was paid of an order about to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedOrder {
    pub lines: Vec<PricedLine>,
    pub total_fen: i64,
    pub paid_fen: i64,
    /// R-ORD-10: indices of lines priced beyond the creator's discount limit; when any, the
    /// order is created on price hold.
    pub beyond_limit: Vec<usize>,
}

/// Why an order cannot be priced. `line` is the 0-based index of the offending line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PricingError {
    /// The product is not listed (R-PRD-1): not for sale.
    NotForSale { line: usize },
    /// Quantity times price, or the sum of the lines, does not fit.
    Overflow { line: usize },
}

/// Prices an order (R-ORD-1, R-ORD-2, R-ORD-10): every product must be listed; a line is its
/// quantity times the agreed price (or the effective price); the total is the sum of the lines;
/// a paid order has paid its total, any other nothing yet; lines agreed below the creator's
/// discount limit are named so the order is held.
pub fn price_order(
    lines: &[(LineRequest, Offer)],
    paid_at_creation: bool,
    discount_limit_bp: u32,
) -> Result<PricedOrder, PricingError> {
    let mut priced = Vec::with_capacity(lines.len());
    let mut beyond_limit = Vec::new();
    let mut total: i64 = 0;
    for (i, (req, offer)) in lines.iter().enumerate() {
        if !offer.listed {
            return Err(PricingError::NotForSale { line: i });
        }
        let unit = req.unit_price_fen.unwrap_or(offer.effective_price_fen);
        let discount = discount_bp(offer.effective_price_fen, unit);
        if discount > discount_limit_bp {
            beyond_limit.push(i);
        }
        let line_total =
            line_total(req.quantity, unit).ok_or(PricingError::Overflow { line: i })?;
        total = total
            .checked_add(line_total)
            .ok_or(PricingError::Overflow { line: i })?;
        priced.push(PricedLine {
            quantity: req.quantity,
            effective_price_fen: offer.effective_price_fen,
            unit_price_fen: unit,
            line_total_fen: line_total,
            discount_bp: discount,
        });
    }
    Ok(PricedOrder {
        lines: priced,
        total_fen: total,
        paid_fen: if paid_at_creation { total } else { 0 },
        beyond_limit,
    })
}

/// SHA-256 of a JSON value, hex. `serde_json` keeps object keys sorted (no `preserve_order`),
/// so the text — and the hash — of equal values is the same.
pub fn hash_json(value: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(value.to_string().as_bytes()))
}

/// The hash of one event: it covers the previous hash, so changing any earlier event, or the
/// order's core (whose hash starts the chain), breaks every hash after it.
pub fn event_hash(prev_hash: &str, event: &serde_json::Value) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(event.to_string().as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind as E;
    use OrderStatus as S;

    #[test]
    fn r_ord_4_abnormal_payment_holds_until_verified() {
        assert_eq!(apply(S::Accepted, E::PaymentAbnormal), Ok(S::OnHold));
        assert!(
            apply(S::OnHold, E::PickedChecked).is_err(),
            "a held order cannot be picked"
        );
        assert_eq!(apply(S::OnHold, E::PaymentVerified), Ok(S::Verified));
    }

    #[test]
    fn r_ord_6_goods_are_checked_before_shipping_and_paid_before_checking() {
        assert!(
            apply(S::Accepted, E::Shipped).is_err(),
            "shipping an unverified order"
        );
        assert!(
            apply(S::Verified, E::Shipped).is_err(),
            "shipping an unchecked order"
        );
        assert!(apply(S::Accepted, E::PickedChecked).is_err());
        assert_eq!(apply(S::Verified, E::PickedChecked), Ok(S::Checked));
        assert_eq!(apply(S::Checked, E::Shipped), Ok(S::Shipped));
        assert_eq!(apply(S::Shipped, E::Delivered), Ok(S::Delivered));
    }

    #[test]
    fn r_ord_5_remarks_are_allowed_at_any_time() {
        for s in OrderStatus::ALL {
            assert_eq!(apply(s, E::RemarkAdded), Ok(s));
        }
    }

    #[test]
    fn r_ord_2_shipped_orders_cannot_be_cancelled() {
        assert!(apply(S::Shipped, E::Cancelled).is_err());
        assert!(apply(S::Delivered, E::Cancelled).is_err());
        assert!(apply(S::Cancelled, E::Cancelled).is_err());
        assert_eq!(apply(S::OnHold, E::Cancelled), Ok(S::Cancelled));
    }

    #[test]
    fn r_ord_3_the_contact_deadline_is_met_missed_open_or_overdue() {
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        let due = contact_due(t0, Duration::minutes(10));
        assert_eq!(
            deadline_outcome(due, Some(t0 + Duration::minutes(10)), t0),
            DeadlineOutcome::Met
        );
        assert_eq!(
            deadline_outcome(due, Some(t0 + Duration::seconds(601)), t0),
            DeadlineOutcome::Missed
        );
        assert_eq!(
            deadline_outcome(due, None, t0 + Duration::minutes(5)),
            DeadlineOutcome::Open
        );
        assert_eq!(
            deadline_outcome(due, None, t0 + Duration::minutes(11)),
            DeadlineOutcome::Overdue
        );
    }

    #[test]
    fn r_ord_2_the_hash_chain_changes_with_any_byte() {
        let core = serde_json::json!({"total_fen": 100, "lines": [{"sku": "A", "quantity": 1}]});
        let altered = serde_json::json!({"total_fen": 101, "lines": [{"sku": "A", "quantity": 1}]});
        assert_ne!(hash_json(&core), hash_json(&altered));
        let e = serde_json::json!({"kind": "accepted"});
        assert_ne!(
            event_hash(&hash_json(&core), &e),
            event_hash(&hash_json(&altered), &e)
        );
        assert_eq!(line_total(i64::MAX, 2), None);
    }
}

#[cfg(test)]
mod price_tests {
    use super::*;
    use JobRole::*;

    #[test]
    fn r_ord_10_discount_limits_by_role() {
        let limits = DiscountLimits::default();
        assert_eq!(limits.of(&[CustomerService]), 500);
        assert_eq!(limits.of(&[CustomerService, CsSupervisor]), 1_500);
        assert_eq!(limits.of(&[DeptManager]), ANY_DISCOUNT_BP);
        assert_eq!(limits.of(&[Warehouse]), 0);
        // To the basis point, rounded up: 5 % off 100.00 is within 5 %, 5.01 % is not.
        assert_eq!(discount_bp(10_000, 9_500), 500);
        assert_eq!(discount_bp(10_000, 9_499), 501);
        assert_eq!(discount_bp(3, 2), 3_334);
        assert_eq!(discount_bp(10_000, 10_000), 0);
        assert_eq!(
            discount_bp(10_000, 12_000),
            0,
            "a higher price is no discount"
        );
        assert_eq!(discount_bp(10_000, 0), 10_000);
    }

    #[test]
    fn r_ord_10_a_price_hold_is_released_or_cancelled_and_nothing_else() {
        use EventKind as E;
        use OrderStatus as S;
        assert_eq!(apply(S::Accepted, E::PriceHeld), Ok(S::PriceHold));
        assert_eq!(apply(S::PriceHold, E::PriceReleased), Ok(S::Accepted));
        assert_eq!(apply(S::PriceHold, E::Cancelled), Ok(S::Cancelled));
        assert_eq!(apply(S::PriceHold, E::RemarkAdded), Ok(S::PriceHold));
        for e in [
            E::PaymentVerified,
            E::PaymentAbnormal,
            E::PickedChecked,
            E::Shipped,
        ] {
            assert!(
                apply(S::PriceHold, e).is_err(),
                "{e:?} while held for price"
            );
        }
        assert!(apply(S::Verified, E::PriceReleased).is_err());
        assert!(
            EventKind::PriceHeld.roles().is_empty(),
            "only the system holds"
        );
    }
    fn offer(price: i64) -> Offer {
        Offer {
            listed: true,
            effective_price_fen: price,
        }
    }

    fn line(quantity: i64, agreed: Option<i64>) -> LineRequest {
        LineRequest {
            quantity,
            unit_price_fen: agreed,
        }
    }

    #[test]
    fn r_ord_1_an_order_totals_its_lines_and_a_paid_order_has_paid_its_total() {
        let o = price_order(
            &[(line(2, None), offer(1_000)), (line(1, None), offer(2_550))],
            true,
            500,
        );
        let o = o.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            o.lines.iter().map(|l| l.line_total_fen).collect::<Vec<_>>(),
            vec![2_000, 2_550]
        );
        assert_eq!((o.total_fen, o.paid_fen), (4_550, 4_550));
        assert!(o.beyond_limit.is_empty());
        let unpaid = price_order(&[(line(1, None), offer(1_000))], false, 500);
        assert_eq!(unpaid.map(|o| o.paid_fen), Ok(0));
    }

    #[test]
    fn r_ord_1_only_listed_products_are_sold_and_totals_never_overflow() {
        let unlisted = Offer {
            listed: false,
            effective_price_fen: 100,
        };
        assert_eq!(
            price_order(
                &[(line(1, None), offer(100)), (line(1, None), unlisted)],
                true,
                0
            ),
            Err(PricingError::NotForSale { line: 1 })
        );
        assert_eq!(
            price_order(&[(line(i64::MAX, None), offer(2))], true, 0),
            Err(PricingError::Overflow { line: 0 })
        );
        assert_eq!(
            price_order(
                &[(line(1, None), offer(i64::MAX)), (line(1, None), offer(1))],
                true,
                0
            ),
            Err(PricingError::Overflow { line: 1 })
        );
    }

    #[test]
    fn r_ord_10_a_price_agreed_beyond_the_limit_names_its_line() {
        // 5 % below 1,000 is within customer service's 500 bp; 6 % is not.
        let o = price_order(
            &[
                (line(1, Some(950)), offer(1_000)),
                (line(1, Some(940)), offer(1_000)),
                (line(1, Some(1_200)), offer(1_000)),
            ],
            true,
            500,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(o.beyond_limit, vec![1]);
        assert_eq!(o.lines[1].discount_bp, 600);
        assert_eq!(o.total_fen, 950 + 940 + 1_200);
    }
}
