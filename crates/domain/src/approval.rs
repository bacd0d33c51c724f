//! Approval requests: kinds, their default chains (R-APR-2) and the request lifecycle.
//!
//! A chain is resolved when a request is submitted and stored with it, so a later policy change
//! never rewrites a pending request.

use crate::access::JobRole;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What is being approved. New kinds are added here with their default chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalKind {
    Listing,
    AbnormalDelisting,
    PriceChange,
    Promotion,
    ConfidentialInfo,
    PageRevision,
    News,
    PermissionLevel,
    BadCustomer,
    Leave,
    OfficialAccountChange,
}

impl ApprovalKind {
    pub const ALL: [ApprovalKind; 11] = [
        ApprovalKind::Listing,
        ApprovalKind::AbnormalDelisting,
        ApprovalKind::PriceChange,
        ApprovalKind::Promotion,
        ApprovalKind::ConfidentialInfo,
        ApprovalKind::PageRevision,
        ApprovalKind::News,
        ApprovalKind::PermissionLevel,
        ApprovalKind::BadCustomer,
        ApprovalKind::Leave,
        ApprovalKind::OfficialAccountChange,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalKind::Listing => "listing",
            ApprovalKind::AbnormalDelisting => "abnormal_delisting",
            ApprovalKind::PriceChange => "price_change",
            ApprovalKind::Promotion => "promotion",
            ApprovalKind::ConfidentialInfo => "confidential_info",
            ApprovalKind::PageRevision => "page_revision",
            ApprovalKind::News => "news",
            ApprovalKind::PermissionLevel => "permission_level",
            ApprovalKind::BadCustomer => "bad_customer",
            ApprovalKind::Leave => "leave",
            ApprovalKind::OfficialAccountChange => "official_account_change",
        }
    }

    /// R-APR-2: the default chain of this kind.
    pub fn default_chain(self) -> Chain {
        use JobRole::*;
        let steps: Vec<Vec<JobRole>> = match self {
            ApprovalKind::Listing
            | ApprovalKind::PriceChange
            | ApprovalKind::Promotion
            | ApprovalKind::News => vec![vec![MarketingDirector]],
            ApprovalKind::AbnormalDelisting | ApprovalKind::Leave | ApprovalKind::BadCustomer => {
                vec![vec![DeptManager]]
            }
            ApprovalKind::PageRevision => vec![vec![DeptManager], vec![MarketingDirector]],
            ApprovalKind::ConfidentialInfo => vec![vec![MarketingDirector], vec![GeneralManager]],
            ApprovalKind::PermissionLevel => vec![vec![MarketingDirector, ItAdmin]],
            ApprovalKind::OfficialAccountChange => vec![vec![GeneralManager]],
        };
        Chain {
            steps: steps.into_iter().map(|all_of| Step { all_of }).collect(),
        }
    }
}

impl FromStr for ApprovalKind {
    type Err = crate::access::UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApprovalKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| crate::access::UnknownKey {
                kind: "approval kind",
                value: s.to_owned(),
            })
    }
}

/// One step of a chain: every role listed must approve (in any order) before the step is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub all_of: Vec<JobRole>,
}

/// The ordered steps a request must pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    pub steps: Vec<Step>,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

impl ApprovalState {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Rejected => "rejected",
            ApprovalState::Withdrawn => "withdrawn",
        }
    }
}

impl FromStr for ApprovalState {
    type Err = crate::access::UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(ApprovalState::Pending),
            "approved" => Ok(ApprovalState::Approved),
            "rejected" => Ok(ApprovalState::Rejected),
            "withdrawn" => Ok(ApprovalState::Withdrawn),
            _ => Err(crate::access::UnknownKey {
                kind: "approval state",
                value: s.to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_apr_2_default_chains() {
        use JobRole::*;
        let roles = |k: ApprovalKind| -> Vec<Vec<JobRole>> {
            k.default_chain()
                .steps
                .into_iter()
                .map(|s| s.all_of)
                .collect()
        };
        assert_eq!(roles(ApprovalKind::Listing), vec![vec![MarketingDirector]]);
        assert_eq!(roles(ApprovalKind::News), vec![vec![MarketingDirector]]);
        assert_eq!(roles(ApprovalKind::Leave), vec![vec![DeptManager]]);
        assert_eq!(
            roles(ApprovalKind::PageRevision),
            vec![vec![DeptManager], vec![MarketingDirector]]
        );
        assert_eq!(
            roles(ApprovalKind::ConfidentialInfo),
            vec![vec![MarketingDirector], vec![GeneralManager]]
        );
        assert_eq!(
            roles(ApprovalKind::PermissionLevel),
            vec![vec![MarketingDirector, ItAdmin]]
        );
        assert_eq!(
            roles(ApprovalKind::OfficialAccountChange),
            vec![vec![GeneralManager]]
        );
    }

    #[test]
    fn approval_kinds_round_trip() {
        for k in ApprovalKind::ALL {
            assert_eq!(k.as_str().parse::<ApprovalKind>(), Ok(k));
        }
    }
}
