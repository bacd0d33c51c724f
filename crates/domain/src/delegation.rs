//! Delegation while on leave (R-ATT-8, with the approvals engine): while someone is on approved
//! leave, the approval steps that wait for them go to the colleague their leave names as taking
//! over — if that colleague holds the step's role and is not the request's proposer. Steps are
//! role-based, so the colleague could decide as a holder of the role anyway; delegation is what
//! puts the step in the colleague's inbox as theirs to take, and what the request's history
//! records: the decision was taken on behalf of the absent holder. Nothing is stored about the
//! delegation itself: it follows the leave, so when the leave ends what still waits is back with
//! its holder.

use crate::approval::{current_step, Chain, Decided};
use crate::JobRole;
use uuid::Uuid;

/// Someone on approved leave now, with their job roles and the colleague who takes over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Away {
    pub person: Uuid,
    pub roles: Vec<JobRole>,
    pub handover_to: Uuid,
}

/// The absent holders of `role` whose step `colleague` takes over: on leave, handing over to
/// `colleague`, holding `role`, neither the proposer nor someone who decided the request already.
/// Never anyone when `colleague` is the proposer or does not hold `role` (`colleague_roles`).
pub fn on_behalf_of(
    away: &[Away],
    colleague: Uuid,
    colleague_roles: &[JobRole],
    role: JobRole,
    proposer: Uuid,
    decided: &[Decided],
) -> Vec<Uuid> {
    if colleague == proposer || !colleague_roles.contains(&role) {
        return Vec::new();
    }
    let mut out: Vec<Uuid> = away
        .iter()
        .filter(|a| {
            a.handover_to == colleague
                && a.person != proposer
                && a.roles.contains(&role)
                && !decided.iter().any(|d| d.decider == a.person)
        })
        .map(|a| a.person)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The absent colleagues whose waiting step of a pending request `colleague` should take: the
/// union over the roles the current step still needs. Empty when nothing waits on anyone away,
/// when `colleague` decided the request already, or when the request is complete.
pub fn delegated_to(
    away: &[Away],
    chain: &Chain,
    proposer: Uuid,
    decided: &[Decided],
    colleague: Uuid,
    colleague_roles: &[JobRole],
) -> Vec<Uuid> {
    if decided.iter().any(|d| d.decider == colleague) {
        return Vec::new();
    }
    let Some((_, needed)) = current_step(chain, decided) else {
        return Vec::new();
    };
    let mut out: Vec<Uuid> = needed
        .into_iter()
        .flat_map(|role| on_behalf_of(away, colleague, colleague_roles, role, proposer, decided))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::{Step, Verdict};

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn chain(steps: &[&[JobRole]]) -> Chain {
        Chain {
            steps: steps.iter().map(|s| Step { all_of: s.to_vec() }).collect(),
            distinct_deciders: false,
        }
    }

    const MANAGER: Uuid = Uuid::from_u128(1);
    const COLLEAGUE: Uuid = Uuid::from_u128(2);
    const PROPOSER: Uuid = Uuid::from_u128(3);

    fn manager_away() -> Vec<Away> {
        vec![Away {
            person: MANAGER,
            roles: vec![JobRole::DeptManager],
            handover_to: COLLEAGUE,
        }]
    }

    #[test]
    fn r_att_8_a_step_waiting_for_someone_on_leave_goes_to_their_handover_colleague() {
        let c = chain(&[&[JobRole::DeptManager]]);
        assert_eq!(
            delegated_to(
                &manager_away(),
                &c,
                PROPOSER,
                &[],
                COLLEAGUE,
                &[JobRole::DeptManager]
            ),
            vec![MANAGER]
        );
        // Anyone else holding the role is not the one the leave named.
        assert!(delegated_to(
            &manager_away(),
            &c,
            PROPOSER,
            &[],
            id(9),
            &[JobRole::DeptManager]
        )
        .is_empty());
    }

    #[test]
    fn r_att_8_delegation_needs_the_colleague_to_hold_the_steps_role() {
        let c = chain(&[&[JobRole::DeptManager]]);
        assert!(delegated_to(
            &manager_away(),
            &c,
            PROPOSER,
            &[],
            COLLEAGUE,
            &[JobRole::CustomerService]
        )
        .is_empty());
        // A step of another role the absent person does not hold is not theirs to hand over.
        let c = chain(&[&[JobRole::GeneralManager]]);
        assert!(delegated_to(
            &manager_away(),
            &c,
            PROPOSER,
            &[],
            COLLEAGUE,
            &[JobRole::DeptManager, JobRole::GeneralManager]
        )
        .is_empty());
    }

    #[test]
    fn r_att_8_a_step_is_never_delegated_to_the_requests_proposer() {
        let c = chain(&[&[JobRole::DeptManager]]);
        assert!(delegated_to(
            &manager_away(),
            &c,
            COLLEAGUE,
            &[],
            COLLEAGUE,
            &[JobRole::DeptManager]
        )
        .is_empty());
        // Nor on behalf of an absent person who proposed the request.
        assert!(on_behalf_of(
            &manager_away(),
            COLLEAGUE,
            &[JobRole::DeptManager],
            JobRole::DeptManager,
            MANAGER,
            &[]
        )
        .is_empty());
    }

    #[test]
    fn r_att_8_when_the_leave_ends_nothing_is_delegated_any_more() {
        // The leave is over: nobody is away, so the step waits for its holders again.
        let c = chain(&[&[JobRole::DeptManager]]);
        assert!(
            delegated_to(&[], &c, PROPOSER, &[], COLLEAGUE, &[JobRole::DeptManager]).is_empty()
        );
    }

    #[test]
    fn r_att_8_only_the_step_that_waits_now_is_delegated() {
        let c = chain(&[&[JobRole::CsSupervisor], &[JobRole::DeptManager]]);
        // The first step waits for a supervisor: nothing of the manager's yet.
        assert!(delegated_to(
            &manager_away(),
            &c,
            PROPOSER,
            &[],
            COLLEAGUE,
            &[JobRole::DeptManager]
        )
        .is_empty());
        let first = [Decided {
            step: 0,
            role: JobRole::CsSupervisor,
            decider: id(7),
            verdict: Verdict::Approve,
        }];
        assert_eq!(
            delegated_to(
                &manager_away(),
                &c,
                PROPOSER,
                &first,
                COLLEAGUE,
                &[JobRole::DeptManager]
            ),
            vec![MANAGER]
        );
        // A colleague who decided the request already takes no further step of it.
        let mine = [Decided {
            decider: COLLEAGUE,
            ..first[0].clone()
        }];
        assert!(delegated_to(
            &manager_away(),
            &c,
            PROPOSER,
            &mine,
            COLLEAGUE,
            &[JobRole::DeptManager]
        )
        .is_empty());
    }
}
