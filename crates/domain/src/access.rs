//! Job roles, permission levels and staff levels (SPEC §1, R-ACL-1..4).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A job role (岗位). A user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobRole {
    GeneralManager,
    MarketingDirector,
    DeptManager,
    Planner,
    StorefrontSpecialist,
    Designer,
    CustomerService,
    CsSupervisor,
    /// 质检专员: reviews customer-service contacts against the service checklist (R-QA-2).
    QaInspector,
    Warehouse,
    ItAdmin,
}

impl JobRole {
    /// Every role, in the order of SPEC §1.
    pub const ALL: [JobRole; 11] = [
        JobRole::GeneralManager,
        JobRole::MarketingDirector,
        JobRole::DeptManager,
        JobRole::Planner,
        JobRole::StorefrontSpecialist,
        JobRole::Designer,
        JobRole::CustomerService,
        JobRole::CsSupervisor,
        JobRole::QaInspector,
        JobRole::Warehouse,
        JobRole::ItAdmin,
    ];

    /// The stable key used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            JobRole::GeneralManager => "general_manager",
            JobRole::MarketingDirector => "marketing_director",
            JobRole::DeptManager => "dept_manager",
            JobRole::Planner => "planner",
            JobRole::StorefrontSpecialist => "storefront_specialist",
            JobRole::Designer => "designer",
            JobRole::CustomerService => "customer_service",
            JobRole::CsSupervisor => "cs_supervisor",
            JobRole::QaInspector => "qa_inspector",
            JobRole::Warehouse => "warehouse",
            JobRole::ItAdmin => "it_admin",
        }
    }
}

impl fmt::Display for JobRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Returned when a stored or supplied key names no known value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}`")]
pub struct UnknownKey {
    pub kind: &'static str,
    pub value: String,
}

impl FromStr for JobRole {
    type Err = UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownKey {
                kind: "job role",
                value: s.to_owned(),
            })
    }
}

/// Permission level (数据库用户权限级别), ordered: each level includes the rights of the ones below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionLevel {
    /// R-ACL-1: may query and browse published data only.
    Viewer,
    /// R-ACL-2: viewer rights plus data entry within the scope of its job roles.
    Operator,
    /// R-ACL-3: operator rights plus backup and restore.
    DbAdmin,
}

impl PermissionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionLevel::Viewer => "viewer",
            PermissionLevel::Operator => "operator",
            PermissionLevel::DbAdmin => "db_admin",
        }
    }

    /// R-ACL-1/2: whether this level may write data at all (job roles narrow it further).
    pub fn may_write(self) -> bool {
        self >= PermissionLevel::Operator
    }

    /// R-ACL-3: whether this level may back up and restore the database.
    pub fn may_backup(self) -> bool {
        self >= PermissionLevel::DbAdmin
    }
}

impl FromStr for PermissionLevel {
    type Err = UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "viewer" => Ok(PermissionLevel::Viewer),
            "operator" => Ok(PermissionLevel::Operator),
            "db_admin" => Ok(PermissionLevel::DbAdmin),
            _ => Err(UnknownKey {
                kind: "permission level",
                value: s.to_owned(),
            }),
        }
    }
}

/// Staff level used for fines: `P` technical staff, `M` management (R-ATT-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StaffLevel {
    P,
    M,
}

impl StaffLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffLevel::P => "P",
            StaffLevel::M => "M",
        }
    }
}

impl FromStr for StaffLevel {
    type Err = UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "P" => Ok(StaffLevel::P),
            "M" => Ok(StaffLevel::M),
            _ => Err(UnknownKey {
                kind: "staff level",
                value: s.to_owned(),
            }),
        }
    }
}

/// Roles allowed to read a colleague's monthly wage.
pub const WAGE_READERS: [JobRole; 3] = [
    JobRole::DeptManager,
    JobRole::GeneralManager,
    JobRole::ItAdmin,
];

/// Whether someone holding `roles` may see wages.
pub fn may_read_wages(roles: &[JobRole]) -> bool {
    roles.iter().any(|r| WAGE_READERS.contains(r))
}

/// Why an action is refused by the access rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessDenied {
    #[error("your permission level `{have}` does not allow this; `{need}` is required")]
    Level {
        have: &'static str,
        need: &'static str,
    },
    #[error("this needs one of the job roles: {0}")]
    Role(String),
}

/// Who takes orders and opens after-sales cases (R-ORD-1, R-AFS-1).
pub const ORDER_TAKERS: &[JobRole] = &[JobRole::CustomerService, JobRole::CsSupervisor];
/// Who creates products (R-PRD-1).
pub const PRODUCT_CREATORS: &[JobRole] = &[JobRole::Planner, JobRole::StorefrontSpecialist];
/// Who edits a product's description and category.
pub const PRODUCT_EDITORS: &[JobRole] = &[
    JobRole::StorefrontSpecialist,
    JobRole::Planner,
    JobRole::Designer,
];
/// Who counts stock (R-PRD-9).
pub const STOCK_COUNTERS: &[JobRole] = &[JobRole::StorefrontSpecialist, JobRole::Warehouse];
/// Who puts people on duty (R-DUT-1..3).
pub const ROSTERERS: &[JobRole] = &[JobRole::DeptManager, JobRole::CsSupervisor];
/// Who administers accounts, tokens and approval chains.
pub const ACCOUNT_ADMINS: &[JobRole] = &[JobRole::ItAdmin];

/// R-ACL-1/2: the caller must have at least `need` and, if `roles` is non-empty, hold one of them.
pub fn authorize(
    level: PermissionLevel,
    held: &[JobRole],
    need: PermissionLevel,
    roles: &[JobRole],
) -> Result<(), AccessDenied> {
    if level < need {
        return Err(AccessDenied::Level {
            have: level.as_str(),
            need: need.as_str(),
        });
    }
    if !roles.is_empty() && !roles.iter().any(|r| held.contains(r)) {
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        return Err(AccessDenied::Role(names.join(", ")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_roles_round_trip_through_their_keys() {
        for role in JobRole::ALL {
            assert_eq!(role.as_str().parse::<JobRole>(), Ok(role));
        }
        assert!("boss".parse::<JobRole>().is_err());
    }

    #[test]
    fn r_acl_1_viewer_cannot_write() {
        let err = authorize(
            PermissionLevel::Viewer,
            &JobRole::ALL,
            PermissionLevel::Operator,
            &[],
        );
        assert!(matches!(err, Err(AccessDenied::Level { .. })));
        assert!(!PermissionLevel::Viewer.may_write());
    }

    #[test]
    fn r_acl_2_operator_writes_only_within_its_roles() {
        let held = [JobRole::CustomerService];
        assert!(authorize(
            PermissionLevel::Operator,
            &held,
            PermissionLevel::Operator,
            &[JobRole::CustomerService]
        )
        .is_ok());
        assert!(matches!(
            authorize(
                PermissionLevel::Operator,
                &held,
                PermissionLevel::Operator,
                &[JobRole::ItAdmin]
            ),
            Err(AccessDenied::Role(_))
        ));
    }

    #[test]
    fn r_acl_3_only_db_admin_backs_up() {
        assert!(PermissionLevel::DbAdmin.may_backup());
        assert!(!PermissionLevel::Operator.may_backup());
        assert!(!PermissionLevel::Viewer.may_backup());
    }

    #[test]
    fn wages_are_readable_only_by_managers_and_it() {
        assert!(may_read_wages(&[JobRole::Planner, JobRole::DeptManager]));
        assert!(may_read_wages(&[JobRole::ItAdmin]));
        assert!(!may_read_wages(&[
            JobRole::MarketingDirector,
            JobRole::CsSupervisor
        ]));
    }
}
