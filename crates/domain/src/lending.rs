//! Delegated access (R-ACC-1): instead of sharing a password, a person lends some of their job
//! roles to a colleague for a stated task and period, approved by the department manager. While
//! the period runs the colleague acts with those roles, at most at the lender's level (never above
//! operator), and every action that needed a lent role is recorded as taken on the lender's
//! behalf. The lending ends by itself at the end of the period, or earlier when revoked.

use crate::{JobRole, PermissionLevel};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// How long a lending may last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LendingPolicy {
    pub max_period: Duration,
}

impl Default for LendingPolicy {
    fn default() -> Self {
        LendingPolicy {
            max_period: Duration::days(7),
        }
    }
}

/// What is asked for: who lends what to whom, and for how long.
#[derive(Debug, Clone)]
pub struct LendingAsked<'a> {
    pub delegator: Uuid,
    /// The roles the delegator holds in their own right (not roles lent to them).
    pub delegator_roles: &'a [JobRole],
    pub delegate: Uuid,
    pub roles: &'a [JobRole],
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Why a lending cannot be asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LendingRefused {
    /// Lending to oneself.
    ToSelf,
    /// No role named.
    NoRoles,
    /// A role the delegator does not hold.
    NotHeld(JobRole),
    /// A role that is never lent: IT administration changes accounts, roles and tokens, which
    /// would outlast the period.
    NotLendable(JobRole),
    /// The period ends before it starts, or is already over.
    Period,
    /// Longer than the policy's maximum.
    TooLong { max_hours: i64 },
}

impl std::fmt::Display for LendingRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LendingRefused::ToSelf => write!(f, "roles cannot be lent to oneself"),
            LendingRefused::NoRoles => write!(f, "name at least one job role to lend"),
            LendingRefused::NotHeld(r) => {
                write!(
                    f,
                    "you do not hold the role {} and cannot lend it",
                    r.as_str()
                )
            }
            LendingRefused::NotLendable(r) => write!(
                f,
                "the role {} is never lent: what it changes would outlast the delegation",
                r.as_str()
            ),
            LendingRefused::Period => {
                write!(f, "the period must end after it starts, and in the future")
            }
            LendingRefused::TooLong { max_hours } => {
                write!(f, "a delegation lasts at most {max_hours} hours")
            }
        }
    }
}

/// Roles never lent (R-ACC-1): IT administration grants roles, levels and API tokens, which would
/// outlast the period.
pub const NOT_LENDABLE: [JobRole; 1] = [JobRole::ItAdmin];

/// R-ACC-1: judges a lending request at `now`.
pub fn check(
    asked: &LendingAsked<'_>,
    policy: &LendingPolicy,
    now: DateTime<Utc>,
) -> Result<(), LendingRefused> {
    if asked.delegate == asked.delegator {
        return Err(LendingRefused::ToSelf);
    }
    if asked.roles.is_empty() {
        return Err(LendingRefused::NoRoles);
    }
    if let Some(r) = asked
        .roles
        .iter()
        .find(|r| !asked.delegator_roles.contains(r))
    {
        return Err(LendingRefused::NotHeld(*r));
    }
    if let Some(r) = asked.roles.iter().find(|r| NOT_LENDABLE.contains(r)) {
        return Err(LendingRefused::NotLendable(*r));
    }
    if asked.ends_at <= asked.starts_at || asked.ends_at <= now {
        return Err(LendingRefused::Period);
    }
    if asked.ends_at - asked.starts_at > policy.max_period {
        return Err(LendingRefused::TooLong {
            max_hours: policy.max_period.num_hours(),
        });
    }
    Ok(())
}

/// Where a lending stands as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
    Revoked,
}

impl Stored {
    pub fn as_str(self) -> &'static str {
        match self {
            Stored::Pending => "pending",
            Stored::Approved => "approved",
            Stored::Rejected => "rejected",
            Stored::Withdrawn => "withdrawn",
            Stored::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Stored> {
        Some(match s {
            "pending" => Stored::Pending,
            "approved" => Stored::Approved,
            "rejected" => Stored::Rejected,
            "withdrawn" => Stored::Withdrawn,
            "revoked" => Stored::Revoked,
            _ => return None,
        })
    }
}

/// Where a lending stands at an instant: an approved one is scheduled, active or expired by the
/// clock alone (nothing runs when it ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Pending,
    Scheduled,
    Active,
    Expired,
    Rejected,
    Withdrawn,
    Revoked,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Pending => "pending",
            Standing::Scheduled => "scheduled",
            Standing::Active => "active",
            Standing::Expired => "expired",
            Standing::Rejected => "rejected",
            Standing::Withdrawn => "withdrawn",
            Standing::Revoked => "revoked",
        }
    }
}

/// The standing of a lending stored as `stored` for `[starts_at, ends_at)` at `now`.
pub fn standing(
    stored: Stored,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Standing {
    match stored {
        Stored::Pending if ends_at <= now => Standing::Expired,
        Stored::Pending => Standing::Pending,
        Stored::Approved if now < starts_at => Standing::Scheduled,
        Stored::Approved if now < ends_at => Standing::Active,
        Stored::Approved => Standing::Expired,
        Stored::Rejected => Standing::Rejected,
        Stored::Withdrawn => Standing::Withdrawn,
        Stored::Revoked => Standing::Revoked,
    }
}

/// Roles someone holds now through an active lending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lent {
    pub delegation: Uuid,
    pub delegator: Uuid,
    /// The lent roles the delegator still holds.
    pub roles: Vec<JobRole>,
    /// The level the lent roles are used at: the delegator's, never above operator.
    pub level: PermissionLevel,
}

impl Lent {
    /// What an active lending gives: the lent roles the delegator still holds (and may lend), at
    /// the delegator's level capped at operator. `None` when that leaves nothing.
    pub fn of(
        delegation: Uuid,
        delegator: Uuid,
        lent: &[JobRole],
        delegator_roles: &[JobRole],
        delegator_level: PermissionLevel,
    ) -> Option<Lent> {
        let roles: Vec<JobRole> = lent
            .iter()
            .copied()
            .filter(|r| delegator_roles.contains(r) && !NOT_LENDABLE.contains(r))
            .collect();
        (!roles.is_empty()).then(|| Lent {
            delegation,
            delegator,
            roles,
            level: delegator_level.min(PermissionLevel::Operator),
        })
    }
}

/// How an action is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed<'a> {
    /// By the actor's own level and roles.
    Own,
    /// Only through this lending: the action is taken on behalf of its lender.
    Through(&'a Lent),
}

/// R-ACC-1: whether an action needing `need` and one of `roles` is allowed, and on whose behalf;
/// `None` when neither the actor's own roles nor a lending allow it.
pub fn judge<'a>(
    own_level: PermissionLevel,
    own_roles: &[JobRole],
    lent: &'a [Lent],
    need: PermissionLevel,
    roles: &[JobRole],
) -> Option<Allowed<'a>> {
    if own_level >= need && (roles.is_empty() || roles.iter().any(|r| own_roles.contains(r))) {
        return Some(Allowed::Own);
    }
    // The lender's level comes with the lender's roles only: a lending never raises what the
    // actor does with roles of their own. An action that needs no role is taken at the lent
    // level, on the lender's behalf.
    lent.iter()
        .find(|l| {
            own_level.max(l.level) >= need
                && (roles.is_empty() || roles.iter().any(|r| l.roles.contains(r)))
        })
        .map(Allowed::Through)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn ask<'a>(roles: &'a [JobRole], held: &'a [JobRole], from: i64, to: i64) -> LendingAsked<'a> {
        LendingAsked {
            delegator: Uuid::from_u128(1),
            delegator_roles: held,
            delegate: Uuid::from_u128(2),
            roles,
            starts_at: at(from),
            ends_at: at(to),
        }
    }

    #[test]
    fn r_acc_1_lends_only_held_roles_for_at_most_the_maximum() {
        use JobRole::*;
        let p = LendingPolicy::default();
        let held = [CustomerService, CsSupervisor];
        assert_eq!(
            check(&ask(&[CustomerService], &held, 0, 48), &p, at(0)),
            Ok(())
        );
        assert_eq!(
            check(&ask(&[DeptManager], &held, 0, 48), &p, at(0)),
            Err(LendingRefused::NotHeld(DeptManager))
        );
        assert_eq!(
            check(&ask(&[CustomerService], &held, 0, 7 * 24 + 1), &p, at(0)),
            Err(LendingRefused::TooLong { max_hours: 168 })
        );
        assert_eq!(
            check(&ask(&[CustomerService], &held, 0, 7 * 24), &p, at(0)),
            Ok(())
        );
        assert_eq!(
            check(&ask(&[CustomerService], &held, 5, 5), &p, at(0)),
            Err(LendingRefused::Period)
        );
        assert_eq!(
            check(&ask(&[CustomerService], &held, 0, 2), &p, at(3)),
            Err(LendingRefused::Period)
        );
        assert_eq!(
            check(&ask(&[], &held, 0, 2), &p, at(0)),
            Err(LendingRefused::NoRoles)
        );
        let mut own = ask(&[CustomerService], &held, 0, 2);
        own.delegate = own.delegator;
        assert_eq!(check(&own, &p, at(0)), Err(LendingRefused::ToSelf));
    }

    #[test]
    fn r_acc_1_a_lending_is_active_only_inside_its_period() {
        let s = |now| standing(Stored::Approved, at(10), at(20), at(now));
        assert_eq!(s(9), Standing::Scheduled);
        assert_eq!(s(10), Standing::Active);
        assert_eq!(s(19), Standing::Active);
        assert_eq!(s(20), Standing::Expired);
        assert_eq!(
            standing(Stored::Revoked, at(10), at(20), at(15)),
            Standing::Revoked
        );
        assert_eq!(
            standing(Stored::Pending, at(10), at(20), at(21)),
            Standing::Expired
        );
    }

    #[test]
    fn r_acc_1_lent_roles_act_on_behalf_of_the_lender_and_only_where_needed() {
        use JobRole::*;
        let lent = Lent::of(
            Uuid::from_u128(9),
            Uuid::from_u128(1),
            &[CustomerService, Designer],
            &[CustomerService],
            PermissionLevel::DbAdmin,
        )
        .unwrap_or_else(|| panic!("nothing lent"));
        // A role the lender lost meanwhile is not lent; the level stops at operator.
        assert_eq!(lent.roles, vec![CustomerService]);
        assert_eq!(lent.level, PermissionLevel::Operator);
        let lent = [lent];
        // A viewer acts as an operator taking orders, on the lender's behalf.
        let j = judge(
            PermissionLevel::Viewer,
            &[],
            &lent,
            PermissionLevel::Operator,
            &[CustomerService],
        );
        assert!(matches!(j, Some(Allowed::Through(l)) if l.delegator == Uuid::from_u128(1)));
        // What the delegate may do anyway is their own act.
        let j = judge(
            PermissionLevel::Operator,
            &[Designer],
            &lent,
            PermissionLevel::Operator,
            &[Designer],
        );
        assert_eq!(j, Some(Allowed::Own));
        // Nothing beyond the lent roles or above operator.
        assert!(judge(
            PermissionLevel::Viewer,
            &[],
            &lent,
            PermissionLevel::Operator,
            &[DeptManager]
        )
        .is_none());
        assert!(judge(
            PermissionLevel::Viewer,
            &[],
            &lent,
            PermissionLevel::DbAdmin,
            &[]
        )
        .is_none());
    }
}
