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
    /// A colleague takes over someone's duty shift (R-DUT).
    ShiftSwap,
    /// Someone asks for a forgotten or wrong punch of their own to be corrected (补卡, R-ATT-7).
    PunchCorrection,
    /// Someone lends job roles to a colleague for a task and a period (R-ACC-1).
    Delegation,
    /// A supervisor proposes a phrase for the library of approved service phrases (话术).
    ServicePhrase,
}

impl ApprovalKind {
    pub const ALL: [ApprovalKind; 15] = [
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
        ApprovalKind::ShiftSwap,
        ApprovalKind::PunchCorrection,
        ApprovalKind::Delegation,
        ApprovalKind::ServicePhrase,
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
            ApprovalKind::ShiftSwap => "shift_swap",
            ApprovalKind::PunchCorrection => "punch_correction",
            ApprovalKind::Delegation => "delegation",
            ApprovalKind::ServicePhrase => "service_phrase",
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
            ApprovalKind::AbnormalDelisting
            | ApprovalKind::Leave
            | ApprovalKind::BadCustomer
            | ApprovalKind::ShiftSwap
            | ApprovalKind::PunchCorrection
            | ApprovalKind::Delegation
            | ApprovalKind::ServicePhrase => vec![vec![DeptManager]],
            ApprovalKind::PageRevision => vec![vec![DeptManager], vec![MarketingDirector]],
            ApprovalKind::ConfidentialInfo => vec![vec![MarketingDirector], vec![GeneralManager]],
            ApprovalKind::PermissionLevel => vec![vec![MarketingDirector, ItAdmin]],
            ApprovalKind::OfficialAccountChange => vec![vec![GeneralManager]],
        };
        Chain {
            steps: steps.into_iter().map(|all_of| Step { all_of }).collect(),
            distinct_deciders: self.always_distinct(),
        }
    }

    /// R-APR-7: kinds whose steps always need distinct people, whatever a configured chain says
    /// (a permission level is raised by two people, always).
    pub fn always_distinct(self) -> bool {
        matches!(self, ApprovalKind::PermissionLevel)
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
    /// R-APR-7: every role of every step needs a different person. When false, a person holding
    /// the roles of consecutive steps decides them in one decision.
    #[serde(default)]
    pub distinct_deciders: bool,
}

impl Chain {
    /// Whether `people` (each with the roles they hold) can carry this chain to approval: every
    /// role of every step has a holder, a different one for each when the chain needs distinct
    /// deciders (R-APR-7). Who proposes is left to the caller (leave them out of `people`).
    pub fn decidable_by(&self, people: &[(uuid::Uuid, Vec<JobRole>)]) -> bool {
        let slots: Vec<JobRole> = self
            .steps
            .iter()
            .flat_map(|s| s.all_of.iter().copied())
            .collect();
        if !self.distinct_deciders {
            return slots
                .iter()
                .all(|role| people.iter().any(|(_, roles)| roles.contains(role)));
        }
        // Distinct people: a small matching, found by trying each holder in turn.
        fn assign(
            slots: &[JobRole],
            people: &[(uuid::Uuid, Vec<JobRole>)],
            used: &mut Vec<bool>,
        ) -> bool {
            let Some((role, rest)) = slots.split_first() else {
                return true;
            };
            for (i, (_, roles)) in people.iter().enumerate() {
                if !used[i] && roles.contains(role) {
                    used[i] = true;
                    if assign(rest, people, used) {
                        return true;
                    }
                    used[i] = false;
                }
            }
            false
        }
        assign(&slots, people, &mut vec![false; people.len()])
    }
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

/// approve or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Reject,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Reject => "reject",
        }
    }
}

impl FromStr for Verdict {
    type Err = crate::access::UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "approve" => Ok(Verdict::Approve),
            "reject" => Ok(Verdict::Reject),
            _ => Err(crate::access::UnknownKey {
                kind: "decision",
                value: s.to_owned(),
            }),
        }
    }
}

/// A decision already taken on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub step: usize,
    pub role: JobRole,
    pub decider: uuid::Uuid,
    pub verdict: Verdict,
}

/// What one more decision does to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The step still waits for other roles.
    StepWaits { still_needed: Vec<JobRole> },
    /// The step is done; the request moves to the next one.
    NextStep { step: usize },
    /// The last step is done: the change takes effect now (R-APR-4).
    Approved,
    /// A rejection ends the request (R-APR-3).
    Rejected,
}

/// A decision accepted by [`decide`]: where it lands and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub step: usize,
    pub role: JobRole,
    /// Every step and role this one decision records, `(step, role)` first (R-APR-7: one
    /// person holding the roles of consecutive steps decides them at once).
    pub records: Vec<(usize, JobRole)>,
    pub effect: Effect,
}

/// Why a decision is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the request is {0}, not pending: decisions are final")]
    NotPending(&'static str),
    #[error("a proposer never decides their own request")]
    OwnRequest,
    #[error("you have already decided on this request; a person decides only one step")]
    AlreadyDecided,
    #[error("this step needs one of: {0}")]
    WrongRole(String),
}

/// The first step not yet fully approved, with the roles it still needs. `None` when every step
/// is approved.
pub fn current_step(chain: &Chain, decisions: &[Decided]) -> Option<(usize, Vec<JobRole>)> {
    chain.steps.iter().enumerate().find_map(|(i, step)| {
        let needed: Vec<JobRole> = step
            .all_of
            .iter()
            .copied()
            .filter(|role| {
                !decisions
                    .iter()
                    .any(|d| d.step == i && d.role == *role && d.verdict == Verdict::Approve)
            })
            .collect();
        (!needed.is_empty()).then_some((i, needed))
    })
}

/// R-APR-3/4: judges one more decision by `decider` (holding `roles`) on a request in `state`.
/// `as_role` picks the role to decide in when the decider holds several the step needs.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one fact the rule needs"
)]
pub fn decide(
    chain: &Chain,
    state: ApprovalState,
    proposer: uuid::Uuid,
    decisions: &[Decided],
    decider: uuid::Uuid,
    roles: &[JobRole],
    as_role: Option<JobRole>,
    verdict: Verdict,
) -> Result<Accepted, Refused> {
    if state != ApprovalState::Pending {
        return Err(Refused::NotPending(state.as_str()));
    }
    if decider == proposer {
        return Err(Refused::OwnRequest);
    }
    if decisions.iter().any(|d| d.decider == decider) {
        return Err(Refused::AlreadyDecided);
    }
    // A pending request always has a step left; treat the impossible case as nothing to decide.
    let Some((step, needed)) = current_step(chain, decisions) else {
        return Err(Refused::NotPending(ApprovalState::Approved.as_str()));
    };
    let names = || {
        needed
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let role = match as_role {
        Some(r) if needed.contains(&r) && roles.contains(&r) => r,
        Some(_) => return Err(Refused::WrongRole(names())),
        None => *needed
            .iter()
            .find(|r| roles.contains(r))
            .ok_or_else(|| Refused::WrongRole(names()))?,
    };
    let mut records = vec![(step, role)];
    let effect = match verdict {
        Verdict::Reject => Effect::Rejected,
        Verdict::Approve => {
            let mut all: Vec<Decided> = decisions.to_vec();
            all.push(Decided {
                step,
                role,
                decider,
                verdict,
            });
            loop {
                let Some((next, needed)) = current_step(chain, &all) else {
                    break Effect::Approved;
                };
                let last = records.last().map_or(step, |r| r.0);
                // R-APR-7: the same person goes on through the roles they hold in this step and
                // the next, unless the chain needs distinct people.
                let more = (!chain.distinct_deciders && (next == last || next == last + 1))
                    .then(|| needed.iter().find(|r| roles.contains(r)).copied())
                    .flatten();
                match more {
                    Some(r) => {
                        records.push((next, r));
                        all.push(Decided {
                            step: next,
                            role: r,
                            decider,
                            verdict,
                        });
                    }
                    None if next == step => {
                        break Effect::StepWaits {
                            still_needed: needed,
                        }
                    }
                    None => break Effect::NextStep { step: next },
                }
            }
        }
    };
    Ok(Accepted {
        step,
        role,
        records,
        effect,
    })
}

/// Kinds whose approved content must be published by a deadline (R-APR-5).
pub fn needs_publication(kind: ApprovalKind) -> bool {
    matches!(kind, ApprovalKind::News | ApprovalKind::PageRevision)
}

/// Kinds whose publication is recorded by their subject's own completion (a page revision is
/// published by carrying it out), never marked separately.
pub fn published_by_subject(kind: ApprovalKind) -> bool {
    matches!(kind, ApprovalKind::PageRevision)
}

#[cfg(test)]
mod decision_tests {
    use super::*;
    use uuid::Uuid;
    use JobRole::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn run(
        kind: ApprovalKind,
        steps: &[(u128, &[JobRole], Verdict)],
    ) -> Vec<Result<Accepted, Refused>> {
        let chain = kind.default_chain();
        let proposer = id(1);
        let mut state = ApprovalState::Pending;
        let mut decisions = Vec::new();
        let mut out = Vec::new();
        for (who, roles, verdict) in steps {
            let r = decide(
                &chain,
                state,
                proposer,
                &decisions,
                id(*who),
                roles,
                None,
                *verdict,
            );
            if let Ok(a) = &r {
                for (step, role) in &a.records {
                    decisions.push(Decided {
                        step: *step,
                        role: *role,
                        decider: id(*who),
                        verdict: *verdict,
                    });
                }
                match a.effect {
                    Effect::Approved => state = ApprovalState::Approved,
                    Effect::Rejected => state = ApprovalState::Rejected,
                    _ => {}
                }
            }
            out.push(r);
        }
        out
    }

    fn effects(results: &[Result<Accepted, Refused>]) -> Vec<Result<Effect, Refused>> {
        results
            .iter()
            .map(|r| r.clone().map(|a| a.effect))
            .collect()
    }

    #[test]
    fn r_apr_2_single_step_chains_finish_with_their_role() {
        for (kind, role) in [
            (ApprovalKind::Listing, MarketingDirector),
            (ApprovalKind::PriceChange, MarketingDirector),
            (ApprovalKind::Promotion, MarketingDirector),
            (ApprovalKind::News, MarketingDirector),
            (ApprovalKind::AbnormalDelisting, DeptManager),
            (ApprovalKind::Leave, DeptManager),
            (ApprovalKind::BadCustomer, DeptManager),
            (ApprovalKind::OfficialAccountChange, GeneralManager),
            (ApprovalKind::ShiftSwap, DeptManager),
        ] {
            let r = run(
                kind,
                &[
                    (2, &[Planner], Verdict::Approve),
                    (3, &[role], Verdict::Approve),
                ],
            );
            assert!(matches!(r[0], Err(Refused::WrongRole(_))), "{kind:?}");
            assert_eq!(effects(&r[1..]), vec![Ok(Effect::Approved)], "{kind:?}");
        }
    }

    #[test]
    fn r_apr_2_two_step_chains_go_in_order() {
        let r = run(
            ApprovalKind::PageRevision,
            &[
                (2, &[MarketingDirector], Verdict::Approve),
                (3, &[DeptManager], Verdict::Approve),
                (2, &[MarketingDirector], Verdict::Approve),
            ],
        );
        assert!(
            matches!(r[0], Err(Refused::WrongRole(_))),
            "the second step cannot go first"
        );
        assert_eq!(
            effects(&r[1..]),
            vec![Ok(Effect::NextStep { step: 1 }), Ok(Effect::Approved)]
        );
        let r = run(
            ApprovalKind::ConfidentialInfo,
            &[
                (2, &[MarketingDirector], Verdict::Approve),
                (3, &[GeneralManager], Verdict::Approve),
            ],
        );
        assert_eq!(
            effects(&r),
            vec![Ok(Effect::NextStep { step: 1 }), Ok(Effect::Approved)]
        );
    }

    #[test]
    fn r_apr_2_permission_level_needs_both_roles_in_either_order() {
        for order in [[MarketingDirector, ItAdmin], [ItAdmin, MarketingDirector]] {
            let r = run(
                ApprovalKind::PermissionLevel,
                &[
                    (2, &[order[0]], Verdict::Approve),
                    (3, &[order[1]], Verdict::Approve),
                ],
            );
            assert_eq!(
                effects(&r),
                vec![
                    Ok(Effect::StepWaits {
                        still_needed: vec![order[1]]
                    }),
                    Ok(Effect::Approved)
                ]
            );
        }
    }

    #[test]
    fn r_apr_3_one_person_holding_both_roles_decides_only_once() {
        let r = run(
            ApprovalKind::PermissionLevel,
            &[
                (2, &[MarketingDirector, ItAdmin], Verdict::Approve),
                (2, &[MarketingDirector, ItAdmin], Verdict::Approve),
            ],
        );
        assert!(matches!(
            r[0],
            Ok(Accepted {
                effect: Effect::StepWaits { .. },
                ..
            })
        ));
        assert_eq!(r[1], Err(Refused::AlreadyDecided));
    }

    #[test]
    fn r_apr_3_the_proposer_never_decides_even_holding_every_role() {
        let r = run(
            ApprovalKind::Listing,
            &[(1, &JobRole::ALL, Verdict::Approve)],
        );
        assert_eq!(r[0], Err(Refused::OwnRequest));
    }

    #[test]
    fn r_apr_3_a_rejection_ends_the_request_and_decisions_are_final() {
        let r = run(
            ApprovalKind::PageRevision,
            &[
                (2, &[DeptManager], Verdict::Reject),
                (3, &[MarketingDirector], Verdict::Approve),
            ],
        );
        assert_eq!(r[0].clone().map(|a| a.effect), Ok(Effect::Rejected));
        assert_eq!(r[1], Err(Refused::NotPending("rejected")));
        let r = run(
            ApprovalKind::Listing,
            &[
                (2, &[MarketingDirector], Verdict::Approve),
                (3, &[MarketingDirector], Verdict::Reject),
            ],
        );
        assert_eq!(r[1], Err(Refused::NotPending("approved")));
    }

    #[test]
    fn r_apr_5_news_and_page_revisions_get_a_publication_deadline() {
        for kind in ApprovalKind::ALL {
            let expected = matches!(kind, ApprovalKind::News | ApprovalKind::PageRevision);
            assert_eq!(needs_publication(kind), expected, "{kind:?}");
            // What its subject publishes has a deadline too.
            assert!(
                !published_by_subject(kind) || needs_publication(kind),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn r_apr_3_a_chosen_role_must_be_held_and_needed() {
        let chain = ApprovalKind::PermissionLevel.default_chain();
        let r = decide(
            &chain,
            ApprovalState::Pending,
            id(1),
            &[],
            id(2),
            &[ItAdmin],
            Some(MarketingDirector),
            Verdict::Approve,
        );
        assert!(matches!(r, Err(Refused::WrongRole(_))));
        let r = decide(
            &chain,
            ApprovalState::Pending,
            id(1),
            &[],
            id(2),
            &[ItAdmin, MarketingDirector],
            Some(ItAdmin),
            Verdict::Approve,
        );
        assert_eq!(r.map(|a| a.role), Ok(ItAdmin));
    }

    #[test]
    fn r_apr_7_one_person_holding_consecutive_roles_decides_them_in_one_decision() {
        // The department manager who is also the marketing director passes a page revision alone.
        let r = run(
            ApprovalKind::PageRevision,
            &[(2, &[DeptManager, MarketingDirector], Verdict::Approve)],
        );
        let a = r[0].clone().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.records, vec![(0, DeptManager), (1, MarketingDirector)]);
        assert_eq!(a.effect, Effect::Approved);
        // Holding only the first role, the request moves on and waits for the second.
        let r = run(
            ApprovalKind::ConfidentialInfo,
            &[
                (2, &[MarketingDirector, Planner], Verdict::Approve),
                (2, &[MarketingDirector], Verdict::Approve),
            ],
        );
        assert_eq!(
            r[0].clone().map(|a| a.effect),
            Ok(Effect::NextStep { step: 1 })
        );
        assert_eq!(r[1], Err(Refused::AlreadyDecided));
        // A rejection is one record and ends the request.
        let r = run(
            ApprovalKind::PageRevision,
            &[(2, &[DeptManager, MarketingDirector], Verdict::Reject)],
        );
        let a = r[0].clone().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((a.records.len(), a.effect), (1, Effect::Rejected));
        // The proposer never decides, whatever they hold (R-APR-3).
        let r = run(
            ApprovalKind::PageRevision,
            &[(1, &JobRole::ALL, Verdict::Approve)],
        );
        assert_eq!(r[0], Err(Refused::OwnRequest));
    }

    #[test]
    fn r_apr_7_the_permission_level_chain_always_needs_two_people() {
        let chain = ApprovalKind::PermissionLevel.default_chain();
        assert!(chain.distinct_deciders);
        assert!(ApprovalKind::PermissionLevel.always_distinct());
        let r = run(
            ApprovalKind::PermissionLevel,
            &[(2, &[MarketingDirector, ItAdmin], Verdict::Approve)],
        );
        let a = r[0].clone().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.records.len(), 1);
        assert!(matches!(a.effect, Effect::StepWaits { .. }));
        // Who can carry the chain: two different people, one for each role.
        let both = (id(2), vec![MarketingDirector, ItAdmin]);
        assert!(!chain.decidable_by(std::slice::from_ref(&both)));
        assert!(chain.decidable_by(&[both.clone(), (id(3), vec![ItAdmin])]));
        assert!(!chain.decidable_by(&[(id(3), vec![ItAdmin]), (id(4), vec![ItAdmin])]));
        let page = ApprovalKind::PageRevision.default_chain();
        assert!(!page.distinct_deciders);
        assert!(page.decidable_by(&[both.clone(), (id(5), vec![DeptManager])]));
        assert!(!page.decidable_by(&[both]));
    }
}
