//! Products and their lifecycle (SPEC §2, R-PRD-1..9).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The largest price accepted, in fen (10 million yuan): anything above is a typo.
pub const MAX_PRICE_FEN: i64 = 1_000_000_000;
/// The largest stock quantity and single movement accepted.
pub const MAX_QUANTITY: i64 = 10_000_000;

/// A stock-keeping unit: 1-64 characters of upper-case letters, digits, `-`, `_`, `.`; starts
/// with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Sku(String);

impl Sku {
    pub fn parse(raw: &str) -> Result<Sku, String> {
        let s = raw.trim().to_ascii_uppercase();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars().all(|c| {
                c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
            });
        if ok {
            Ok(Sku(s))
        } else {
            Err(
                "must be 1-64 letters, digits, `-`, `_` or `.`, starting with a letter or digit"
                    .to_owned(),
            )
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a price in fen: positive and not absurd.
pub fn check_price(fen: i64) -> Result<i64, String> {
    if fen <= 0 {
        Err("must be a positive number of fen".to_owned())
    } else if fen > MAX_PRICE_FEN {
        Err(format!("must not exceed {MAX_PRICE_FEN} fen"))
    } else {
        Ok(fen)
    }
}

/// R-PRD-2: where a product stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Draft,
    PendingListing,
    Listed,
    Delisted,
}

impl ProductStatus {
    pub const ALL: [ProductStatus; 4] = [
        ProductStatus::Draft,
        ProductStatus::PendingListing,
        ProductStatus::Listed,
        ProductStatus::Delisted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::PendingListing => "pending_listing",
            ProductStatus::Listed => "listed",
            ProductStatus::Delisted => "delisted",
        }
    }

    /// R-PRD-3: a listing may be proposed for a draft or a delisted product.
    pub fn propose_listing(self) -> Result<ProductStatus, Transition> {
        match self {
            ProductStatus::Draft | ProductStatus::Delisted => Ok(ProductStatus::PendingListing),
            other => Err(Transition {
                from: other,
                action: "propose listing",
            }),
        }
    }

    /// R-PRD-3: the approved listing takes effect.
    pub fn approve_listing(self) -> Result<ProductStatus, Transition> {
        match self {
            ProductStatus::PendingListing => Ok(ProductStatus::Listed),
            other => Err(Transition {
                from: other,
                action: "approve listing",
            }),
        }
    }

    /// A refused or withdrawn listing returns the product to where it was.
    pub fn abandon_listing(self, before: ProductStatus) -> Result<ProductStatus, Transition> {
        match (self, before) {
            (ProductStatus::PendingListing, ProductStatus::Draft | ProductStatus::Delisted) => {
                Ok(before)
            }
            (other, _) => Err(Transition {
                from: other,
                action: "abandon listing",
            }),
        }
    }

    /// R-PRD-4/5: delisting, automatic or approved, applies only to a listed product.
    pub fn delist(self) -> Result<ProductStatus, Transition> {
        match self {
            ProductStatus::Listed => Ok(ProductStatus::Delisted),
            other => Err(Transition {
                from: other,
                action: "delist",
            }),
        }
    }
}

impl FromStr for ProductStatus {
    type Err = crate::access::UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProductStatus::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| crate::access::UnknownKey {
                kind: "product status",
                value: s.to_owned(),
            })
    }
}

/// An illegal lifecycle step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a product that is {}", from.as_str())]
pub struct Transition {
    pub from: ProductStatus,
    pub action: &'static str,
}

/// R-PRD-4: what a stock movement does to the status: reaching zero delists a listed product.
/// Restocking never relists (that needs an approved listing).
pub fn status_after_stock(status: ProductStatus, new_stock: i64) -> Option<ProductStatus> {
    (new_stock == 0 && status == ProductStatus::Listed).then_some(ProductStatus::Delisted)
}

/// A promotion's price rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum PromoRule {
    /// A fixed promotional price in fen.
    Price(i64),
    /// A discount in whole percent (1-99).
    PercentOff(i64),
}

impl PromoRule {
    pub fn check(self) -> Result<PromoRule, String> {
        match self {
            PromoRule::Price(p) => check_price(p).map(PromoRule::Price),
            PromoRule::PercentOff(p) if (1..=99).contains(&p) => Ok(self),
            PromoRule::PercentOff(_) => Err("a discount must be 1 to 99 percent".to_owned()),
        }
    }

    /// The promotional price for a base price (never below 1 fen, rounded half up).
    pub fn price_for(self, base_fen: i64) -> i64 {
        match self {
            PromoRule::Price(p) => p,
            PromoRule::PercentOff(pct) => ((base_fen * (100 - pct) + 50) / 100).max(1),
        }
    }

    /// R-PRD-7: a promotion lowers the price: a fixed promotional price must be below the base
    /// price in force (a discount always is).
    pub fn check_against_base(self, base_fen: i64) -> Result<(), String> {
        match self {
            PromoRule::Price(p) if p >= base_fen => {
                Err(format!("must be below the price of {base_fen} fen"))
            }
            _ => Ok(()),
        }
    }
}

/// A promotion's window `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// R-PRD-7: the end must come after the start.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Window, String> {
        if end <= start {
            Err("the promotion must end after it starts".to_owned())
        } else {
            Ok(Window { start, end })
        }
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }

    /// R-PRD-7: two promotions on one product may not overlap.
    pub fn overlaps(&self, other: &Window) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A base price and the instant it came into force (`None`: approved, awaiting application).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceInForce {
    pub price_fen: i64,
    pub effective_from: Option<DateTime<Utc>>,
}

/// R-PRD-6/7: the base price in force at `now` is the latest one whose time has come; an active
/// approved promotion overrides it. Derived at read time, so nothing has to run when a price or a
/// promotion starts or ends.
pub fn effective_price(
    prices: &[PriceInForce],
    promotions: &[(Window, PromoRule)],
    now: DateTime<Utc>,
) -> Option<i64> {
    let base = prices
        .iter()
        .filter_map(|p| {
            p.effective_from
                .filter(|t| *t <= now)
                .map(|t| (t, p.price_fen))
        })
        .max_by_key(|(t, _)| *t)
        .map(|(_, p)| p)?;
    let promo = promotions.iter().find(|(w, _)| w.contains(now));
    Some(promo.map_or(base, |(_, rule)| rule.price_for(base)))
}

/// R-PRD-9: stock is counted every two days; a SKU not counted since `now - 2 days` is overdue.
pub fn stocktake_overdue(last_counted: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_counted.is_none_or(|t| now - t > Duration::days(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, h, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn r_prd_1_skus_are_normalised_and_checked() {
        assert_eq!(
            Sku::parse(" tea-001 ").map(|s| s.to_string()),
            Ok("TEA-001".to_owned())
        );
        for bad in ["", "-A", "A B", "É1", &"X".repeat(65)] {
            assert!(Sku::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn r_prd_1_prices_are_positive_and_bounded() {
        assert!(check_price(0).is_err());
        assert!(check_price(-5).is_err());
        assert!(check_price(MAX_PRICE_FEN + 1).is_err());
        assert_eq!(check_price(1999), Ok(1999));
    }

    #[test]
    fn r_prd_2_lifecycle_transitions() {
        use ProductStatus::*;
        assert_eq!(Draft.propose_listing(), Ok(PendingListing));
        assert_eq!(Delisted.propose_listing(), Ok(PendingListing));
        assert!(Listed.propose_listing().is_err());
        assert!(PendingListing.propose_listing().is_err());
        assert_eq!(PendingListing.approve_listing(), Ok(Listed));
        assert!(
            Draft.approve_listing().is_err(),
            "no way to listed but through an approved listing"
        );
        assert_eq!(PendingListing.abandon_listing(Delisted), Ok(Delisted));
        assert_eq!(Listed.delist(), Ok(Delisted));
        assert!(Draft.delist().is_err());
    }

    #[test]
    fn r_prd_4_zero_stock_delists_and_restock_does_not_relist() {
        use ProductStatus::*;
        assert_eq!(status_after_stock(Listed, 0), Some(Delisted));
        assert_eq!(status_after_stock(Listed, 3), None);
        assert_eq!(status_after_stock(Delisted, 10), None);
        assert_eq!(status_after_stock(Draft, 0), None);
    }

    #[test]
    fn r_prd_7_windows_must_end_after_start_and_may_not_overlap() {
        assert!(Window::new(t(10), t(10)).is_err());
        assert!(Window::new(t(10), t(9)).is_err());
        let a = Window::new(t(8), t(12)).unwrap_or(Window {
            start: t(0),
            end: t(1),
        });
        let b = Window {
            start: t(11),
            end: t(13),
        };
        let c = Window {
            start: t(12),
            end: t(14),
        };
        assert!(a.overlaps(&b));
        assert!(!a.overlaps(&c), "touching windows do not overlap");
    }

    #[test]
    fn r_prd_7_promotions_set_the_effective_price_only_while_active() {
        let prices = [PriceInForce {
            price_fen: 10_000,
            effective_from: Some(t(0)),
        }];
        let promo = [(
            Window {
                start: t(8),
                end: t(12),
            },
            PromoRule::PercentOff(15),
        )];
        assert_eq!(effective_price(&prices, &promo, t(7)), Some(10_000));
        assert_eq!(effective_price(&prices, &promo, t(8)), Some(8_500));
        assert_eq!(
            effective_price(&prices, &promo, t(12)),
            Some(10_000),
            "it ends by itself"
        );
        let fixed = [(
            Window {
                start: t(8),
                end: t(12),
            },
            PromoRule::Price(6_600),
        )];
        assert_eq!(effective_price(&prices, &fixed, t(9)), Some(6_600));
    }

    #[test]
    fn r_prd_6_an_approved_price_applies_from_its_effective_time() {
        let prices = [
            PriceInForce {
                price_fen: 10_000,
                effective_from: Some(t(0)),
            },
            PriceInForce {
                price_fen: 12_000,
                effective_from: Some(t(9)),
            },
            PriceInForce {
                price_fen: 15_000,
                effective_from: None,
            },
        ];
        assert_eq!(effective_price(&prices, &[], t(8)), Some(10_000));
        assert_eq!(effective_price(&prices, &[], t(9)), Some(12_000));
        assert_eq!(effective_price(&[], &[], t(9)), None);
    }

    #[test]
    fn r_prd_9_a_sku_not_counted_for_two_days_is_overdue() {
        assert!(stocktake_overdue(None, t(10)));
        assert!(!stocktake_overdue(Some(t(10)), t(10) + Duration::days(2)));
        assert!(stocktake_overdue(
            Some(t(10)),
            t(10) + Duration::days(2) + Duration::seconds(1)
        ));
    }
}

#[cfg(test)]
mod promotion_rule_tests {
    use super::*;

    #[test]
    fn r_prd_7_a_promotion_price_is_below_the_base_price() {
        assert!(PromoRule::Price(900).check_against_base(1000).is_ok());
        assert!(PromoRule::Price(1000).check_against_base(1000).is_err());
        assert!(PromoRule::Price(1200).check_against_base(1000).is_err());
        assert!(PromoRule::PercentOff(10).check_against_base(1000).is_ok());
    }
}
