//! After-sales rules (R-AFS-1): what went wrong in a logistics exception, and the authority limit
//! within which customer service settles returns, exchanges and gifts on its own.

use crate::access::JobRole;
use std::str::FromStr;

/// R-AFS-1: the kinds of logistics exception (疑难件/快递异常).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogisticsIssue {
    Lost,
    Damaged,
    Stuck,
    /// 催发货: the customer asks for the shipment.
    ShippingReminder,
    /// The customer asked for a carrier of their choice.
    CustomerCarrier,
}

impl LogisticsIssue {
    pub const ALL: [LogisticsIssue; 5] = [
        LogisticsIssue::Lost,
        LogisticsIssue::Damaged,
        LogisticsIssue::Stuck,
        LogisticsIssue::ShippingReminder,
        LogisticsIssue::CustomerCarrier,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LogisticsIssue::Lost => "lost",
            LogisticsIssue::Damaged => "damaged",
            LogisticsIssue::Stuck => "stuck",
            LogisticsIssue::ShippingReminder => "shipping_reminder",
            LogisticsIssue::CustomerCarrier => "customer_carrier",
        }
    }
}

impl FromStr for LogisticsIssue {
    type Err = crate::access::UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LogisticsIssue::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| crate::access::UnknownKey {
                kind: "logistics issue",
                value: s.to_owned(),
            })
    }
}

/// R-AFS-1: the value customer service may settle on its own ("权限范围内"), in fen; beyond it
/// the customer-service supervisor decides. The supervisor and the managers have no limit here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthorityLimits {
    pub customer_service_fen: i64,
}

impl Default for AuthorityLimits {
    /// ¥200 of goods taken back or exchanged, or given away, per case.
    fn default() -> Self {
        AuthorityLimits {
            customer_service_fen: 20_000,
        }
    }
}

impl AuthorityLimits {
    /// The limit of someone holding `roles`; `None`: no limit.
    pub fn of(&self, roles: &[JobRole]) -> Option<i64> {
        let unlimited = roles.iter().any(|r| {
            matches!(
                r,
                JobRole::CsSupervisor | JobRole::DeptManager | JobRole::GeneralManager
            )
        });
        (!unlimited).then_some(self.customer_service_fen)
    }
}

/// Kinds whose goods count against the authority limit (the gift counts for every kind).
pub fn goods_count_against_authority(kind: &str) -> bool {
    matches!(kind, "return" | "exchange")
}

/// Kinds that may give money back.
pub fn gives_money_back(kind: &str) -> bool {
    matches!(kind, "refund" | "return" | "complaint" | "dispute")
}

/// R-AFS-1: whether a case of `value` fen (goods returned or exchanged at their order price, plus
/// any gift) is within `limit`.
pub fn within_authority(limit: Option<i64>, value: i64) -> bool {
    limit.is_none_or(|l| value <= l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use JobRole::*;

    #[test]
    fn r_afs_1_returns_exchanges_and_gifts_within_an_authority_limit_per_role() {
        let limits = AuthorityLimits::default();
        let cs = limits.of(&[CustomerService]);
        assert_eq!(cs, Some(20_000));
        assert!(within_authority(cs, 20_000));
        assert!(!within_authority(cs, 20_001));
        assert_eq!(limits.of(&[CustomerService, CsSupervisor]), None);
        assert!(within_authority(limits.of(&[CsSupervisor]), 10_000_000));
        assert!(goods_count_against_authority("return"));
        assert!(goods_count_against_authority("exchange"));
        assert!(!goods_count_against_authority("complaint"));
    }

    #[test]
    fn r_afs_1_logistics_exceptions_name_what_went_wrong() {
        for i in LogisticsIssue::ALL {
            assert_eq!(i.as_str().parse::<LogisticsIssue>(), Ok(i));
        }
        assert!("late".parse::<LogisticsIssue>().is_err());
    }
}
