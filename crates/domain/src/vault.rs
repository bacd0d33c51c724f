//! The official-account vault's rules (R-SEC-1): what an entry is and who keeps it.

use crate::JobRole;
use uuid::Uuid;

/// What kind of official account an entry holds (SPEC §9's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    ShopBackoffice,
    Payment,
    Domain,
    Trademark,
    Mailbox,
    Blog,
    SourceHosting,
    Other,
}

impl AccountKind {
    pub const ALL: [AccountKind; 8] = [
        AccountKind::ShopBackoffice,
        AccountKind::Payment,
        AccountKind::Domain,
        AccountKind::Trademark,
        AccountKind::Mailbox,
        AccountKind::Blog,
        AccountKind::SourceHosting,
        AccountKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::ShopBackoffice => "shop_backoffice",
            AccountKind::Payment => "payment",
            AccountKind::Domain => "domain",
            AccountKind::Trademark => "trademark",
            AccountKind::Mailbox => "mailbox",
            AccountKind::Blog => "blog",
            AccountKind::SourceHosting => "source_hosting",
            AccountKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<AccountKind> {
        AccountKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The custodians an entry gets unless its creator names others: the shop-operations lead (the
/// department manager), IT and the general manager. The supervising leader is named per entry.
pub const DEFAULT_CUSTODIAN_ROLES: [JobRole; 3] = [
    JobRole::DeptManager,
    JobRole::ItAdmin,
    JobRole::GeneralManager,
];

/// Who may create entries: the holders of the default custodian roles.
pub const KEEPERS: &[JobRole] = &DEFAULT_CUSTODIAN_ROLES;

/// R-SEC-1: a person is a custodian of an entry when named on it or holding one of its roles.
pub fn is_custodian(
    entry_roles: &[JobRole],
    entry_users: &[Uuid],
    person: Uuid,
    roles: &[JobRole],
) -> bool {
    entry_users.contains(&person) || roles.iter().any(|r| entry_roles.contains(r))
}

/// R-SEC-1: the custodian roles are among the shop-operations lead, IT and the general manager
/// (others, such as the supervising leader, are named one by one), and someone is left able to
/// act: at least one role or one person.
pub fn check_custodians(roles: &[JobRole], users: &[Uuid]) -> Result<(), &'static str> {
    if roles.is_empty() && users.is_empty() {
        return Err("an entry needs at least one custodian role or person");
    }
    if roles.iter().any(|r| !DEFAULT_CUSTODIAN_ROLES.contains(r)) {
        return Err("custodian roles are dept_manager, it_admin and general_manager; name anyone else as a custodian person");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_sec_1_custodians_are_the_named_people_and_the_holders_of_the_entry_roles() {
        let leader = Uuid::from_u128(7);
        let someone = Uuid::from_u128(8);
        let roles = DEFAULT_CUSTODIAN_ROLES;
        assert!(is_custodian(&roles, &[leader], leader, &[]));
        assert!(is_custodian(
            &roles,
            &[leader],
            someone,
            &[JobRole::ItAdmin]
        ));
        assert!(!is_custodian(
            &roles,
            &[leader],
            someone,
            &[JobRole::CustomerService, JobRole::Planner]
        ));
        assert!(!is_custodian(&[], &[], leader, &[JobRole::ItAdmin]));
        assert!(check_custodians(&[], &[]).is_err());
        assert!(check_custodians(&[], &[leader]).is_ok());
        assert!(check_custodians(&[JobRole::CustomerService], &[]).is_err());
    }

    #[test]
    fn account_kinds_round_trip() {
        for k in AccountKind::ALL {
            assert_eq!(AccountKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(AccountKind::parse("bank"), None);
    }
}
