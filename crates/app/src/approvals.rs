//! The approvals engine (R-APR-1..5): submit, decide, withdraw. Rules come from the domain;
//! effects from [`super::effects`]; every decision is audited in the same transaction.

use crate::effects;
use crate::error::{unique_as, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use ecops_domain::access::{authorize, AccessDenied};
use ecops_domain::approval::Chain;
use ecops_domain::approval::{
    self as rules, ApprovalKind, ApprovalState, Effect, Refused, Verdict,
};
use ecops_domain::lending::Lent;
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::approvals::{self, ApprovalRequest, Decision};
use ecops_persistence::repo::audit::{self, NewEntry, OnBehalf, Outcome};
use ecops_persistence::AnyConnection;
use serde_json::json;
use uuid::Uuid;

/// Who acts, and how the audit log should name them.
#[derive(Debug)]
pub struct Actor {
    pub id: Uuid,
    /// The job roles the actor holds in their own right.
    pub roles: Vec<JobRole>,
    /// The permission level the actor holds now (R-ACL-1).
    pub level: PermissionLevel,
    /// Template of the audit entries this actor's actions write (actor, address, request id).
    pub audit: NewEntry,
    /// R-ACC-1: roles lent to the actor by the delegations active now.
    pub lent: Vec<Lent>,
    /// The lending an authorization of this action relied on, and whether a role of it decided
    /// (a role's check names the lender over a check of the level alone): the action's audit
    /// entries say on whose behalf it was taken.
    acting_for: std::sync::Mutex<Option<(OnBehalf, bool)>>,
}

impl Clone for Actor {
    fn clone(&self) -> Actor {
        Actor {
            id: self.id,
            roles: self.roles.clone(),
            level: self.level,
            audit: self.audit.clone(),
            lent: self.lent.clone(),
            acting_for: std::sync::Mutex::new(self.reliance()),
        }
    }
}

impl Actor {
    pub fn new(id: Uuid, roles: Vec<JobRole>, level: PermissionLevel, audit: NewEntry) -> Actor {
        Actor {
            id,
            roles,
            level,
            audit,
            lent: Vec::new(),
            acting_for: std::sync::Mutex::new(None),
        }
    }

    /// The actor with roles lent by active delegations (R-ACC-1).
    pub fn with_lent(mut self, lent: Vec<Lent>) -> Actor {
        self.lent = lent;
        self
    }

    fn reliance(&self) -> Option<(OnBehalf, bool)> {
        *self
            .acting_for
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records that this action relies on `lent`; `by_role`: a lent role allowed it (not the
    /// lent level alone), which names the lender over an earlier reliance on the level.
    pub fn rely_on(&self, lent: &Lent, by_role: bool) {
        let mut held = self
            .acting_for
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if held.is_none() || (by_role && held.is_some_and(|(_, r)| !r)) {
            *held = Some((
                OnBehalf {
                    person: lent.delegator,
                    delegation: lent.delegation,
                },
                by_role,
            ));
        }
    }

    /// On whose behalf this action is taken, when it relied on lent roles.
    pub fn acting_for(&self) -> Option<OnBehalf> {
        self.reliance().map(|(o, _)| o)
    }

    /// R-ACL-1/2: the actor must hold at least `need` and, when `roles` names any, one of them.
    /// Every use case that changes something starts here, whatever front door called it. Roles
    /// lent to the actor count too (R-ACC-1); the action is then taken on the lender's behalf.
    pub fn require(&self, need: PermissionLevel, roles: &[JobRole]) -> crate::AppResult<()> {
        use ecops_domain::lending::Allowed;
        match ecops_domain::lending::judge(self.level, &self.roles, &self.lent, need, roles) {
            Some(Allowed::Own) => Ok(()),
            Some(Allowed::Through(lent)) => {
                self.rely_on(lent, !roles.is_empty());
                Ok(())
            }
            None => authorize(self.level, &self.roles, need, roles).map_err(|e| match e {
                AccessDenied::Level { .. } => {
                    crate::AppError::forbidden("insufficient_level", e.to_string())
                }
                AccessDenied::Role(_) => crate::AppError::forbidden("missing_role", e.to_string()),
            }),
        }
    }

    /// The template of this actor's audit entries, naming the lender when the action relied on
    /// lent roles.
    pub fn template(&self) -> NewEntry {
        NewEntry {
            on_behalf_of: self.acting_for(),
            ..self.audit.clone()
        }
    }

    /// The audit entry of an action of this actor on `subject` (type, id).
    pub fn audit_entry(
        &self,
        action: &str,
        subject: Option<(&str, String)>,
        outcome: Outcome,
        detail: serde_json::Value,
    ) -> NewEntry {
        NewEntry {
            action: action.to_owned(),
            subject_type: subject.as_ref().map(|(t, _)| (*t).to_owned()),
            subject_id: subject.map(|(_, id)| id),
            outcome,
            detail,
            ..self.template()
        }
    }

    /// Whether the actor holds `role`, in their own right or lent (then the action is taken on
    /// the lender's behalf).
    pub fn has_role(&self, role: JobRole) -> bool {
        if self.roles.contains(&role) {
            return true;
        }
        match self.lent.iter().find(|l| l.roles.contains(&role)) {
            Some(l) => {
                self.rely_on(l, true);
                true
            }
            None => false,
        }
    }

    fn entry(
        &self,
        action: &str,
        req: &ApprovalRequest,
        outcome: Outcome,
        detail: serde_json::Value,
    ) -> NewEntry {
        NewEntry {
            action: action.to_owned(),
            subject_type: Some("approval_request".to_owned()),
            subject_id: Some(req.id.to_string()),
            outcome,
            detail,
            ..self.template()
        }
    }
}

/// Refuses a second pending request of `kind` about one subject. Takes the subject's lock first,
/// so two requests filed at the same moment cannot both find "none pending" (call inside the
/// transaction that then submits).
pub fn no_pending(
    conn: &mut AnyConnection,
    kind: ApprovalKind,
    subject: (&str, &str),
    what: &str,
) -> AppResult<()> {
    ecops_persistence::db::lock_subject(
        conn,
        "approval_subject",
        &format!("{}:{}", subject.0, subject.1),
    )?;
    let pending = approvals::for_subject(conn, subject.0, subject.1)?
        .into_iter()
        .find(|r| r.kind == kind && r.state == ApprovalState::Pending);
    match pending {
        Some(r) => Err(AppError::conflict(
            "pending_request_exists",
            format!("request {} {what} is already pending", r.id),
        )),
        None => Ok(()),
    }
}

/// Files a request with the chain in force now (call inside the caller's transaction, together
/// with whatever the proposal itself changes).
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the request"
)]
pub fn submit(
    conn: &mut AnyConnection,
    kind: ApprovalKind,
    subject: (&str, String),
    proposer: &Actor,
    payload: serde_json::Value,
    reason: &str,
    subject_version: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<ApprovalRequest> {
    let chain = approvals::chain_in_force(conn, kind, now)?;
    let req = ApprovalRequest::new(
        kind,
        subject,
        proposer.id,
        payload,
        reason,
        chain,
        subject_version,
        now,
    );
    approvals::insert(conn, &req)?;
    audit::append(
        conn,
        &proposer.entry(
            "approval.submit",
            &req,
            Outcome::Success,
            json!({"kind": kind.as_str(), "subject_id": req.subject_id}),
        ),
        now,
    )?;
    Ok(req)
}

fn refused(r: Refused) -> AppError {
    let detail = r.to_string();
    match r {
        Refused::NotPending(_) => AppError::conflict("request_not_pending", detail),
        Refused::AlreadyDecided => AppError::conflict("already_decided", detail),
        Refused::OwnRequest => AppError::forbidden("own_request", detail),
        Refused::WrongRole(_) => AppError::forbidden("wrong_role", detail),
    }
}

/// The outcome of a decision.
#[derive(Debug, Clone)]
pub struct Decided {
    pub request: ApprovalRequest,
    pub decisions: Vec<Decision>,
}

/// R-APR-3/4: records one decision. When it completes the chain, the change takes effect in the
/// same transaction; if the change is no longer possible the whole decision is refused (422) and
/// nothing is written.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one fact of the decision"
)]
pub fn decide(
    conn: &mut AnyConnection,
    request_id: Uuid,
    actor: &Actor,
    as_role: Option<JobRole>,
    verdict: Verdict,
    comment: &str,
    publish_within: Duration,
    now: DateTime<Utc>,
) -> AppResult<Decided> {
    actor.require(ecops_domain::PermissionLevel::Operator, &[])?;
    write_tx(conn, |conn| {
        if !approvals::lock(conn, request_id)? {
            return Err(AppError::not_found("no such request"));
        }
        let req = approvals::find(conn, request_id)?
            .ok_or_else(|| AppError::not_found("no such request"))?;
        let existing = approvals::decisions_of(conn, &[request_id])?
            .remove(&request_id)
            .unwrap_or_default();
        let decided: Vec<_> = existing.iter().map(Decision::as_decided).collect();
        // R-APR-7: a stored chain cannot relax the kinds that always need distinct people.
        let mut chain = req.chain.clone();
        chain.distinct_deciders |= req.kind.always_distinct();
        // R-ACC-1: nobody approves the lending of roles to themselves; roles lent by someone the
        // request is for never decide it; and a lender counts once among the deciders of a
        // chain that needs distinct people (R-APR-7).
        if req.kind == ApprovalKind::Delegation
            && crate::delegations::delegate_of(&req)? == actor.id
        {
            return Err(AppError::forbidden(
                "own_request",
                "a delegation cannot be decided by its delegate",
            ));
        }
        let for_whom = beneficiaries(&req)?;
        let represented: Vec<Uuid> = if chain.distinct_deciders {
            existing
                .iter()
                .flat_map(|d| [Some(d.decider_id), d.on_behalf_of])
                .flatten()
                .collect()
        } else {
            Vec::new()
        };
        if represented.contains(&actor.id) {
            return Err(AppError::conflict(
                "already_decided",
                "you decided a step of this request already, yourself or through a delegate",
            ));
        }
        let usable: Vec<&Lent> = actor
            .lent
            .iter()
            .filter(|l| !for_whom.contains(&l.delegator) && !represented.contains(&l.delegator))
            .collect();
        let mut roles = actor.roles.clone();
        roles.extend(usable.iter().flat_map(|l| l.roles.iter().copied()));
        let accepted = rules::decide(
            &chain,
            req.state,
            req.proposer_id,
            &decided,
            actor.id,
            &roles,
            as_role,
            verdict,
        )
        .map_err(|e| {
            let needed = rules::current_step(&chain, &decided)
                .map(|(_, needed)| needed)
                .unwrap_or_default();
            let through_them = actor.lent.iter().any(|l| {
                (for_whom.contains(&l.delegator) || represented.contains(&l.delegator))
                    && l.roles.iter().any(|r| needed.contains(r))
            });
            match e {
                Refused::WrongRole(_) if through_them => AppError::forbidden(
                    "delegator_request",
                    "the roles lent to you by someone this request is for, or who decided it \
                     already, cannot decide it",
                ),
                e => refused(e),
            }
        })?;
        // R-ATT-8: taking over for a colleague on leave is recorded on their behalf.
        let away = away_now(conn, now)?;
        let mut recorded = Vec::new();
        for (step, role) in &accepted.records {
            let on_behalf_of = ecops_domain::delegation::on_behalf_of(
                &away,
                actor.id,
                &actor.roles,
                *role,
                req.proposer_id,
                &decided,
            )
            .first()
            .copied()
            .or_else(|| {
                // R-ACC-1: a step decided with a lent role is decided for its lender.
                if actor.roles.contains(role) {
                    return None;
                }
                let lent = usable.iter().find(|l| l.roles.contains(role))?;
                actor.rely_on(lent, true);
                Some(lent.delegator)
            });
            let decision = Decision {
                id: Uuid::now_v7(),
                request_id,
                step: *step,
                role: *role,
                decider_id: actor.id,
                verdict,
                comment: comment.to_owned(),
                decided_at: now,
                on_behalf_of,
            };
            approvals::insert_decision(conn, &decision).map_err(unique_as(|| {
                AppError::conflict("already_decided", "this step was decided meanwhile")
            }))?;
            recorded.push(decision);
        }
        match &accepted.effect {
            Effect::Rejected => {
                close(conn, &req, ApprovalState::Rejected, now, None)?;
                effects::on_closed(conn, &req, ApprovalState::Rejected, actor.id, now)?;
            }
            Effect::Approved => {
                effects::on_approved(conn, &req, actor.id, now)?;
                let publish_by = (rules::needs_publication(req.kind)
                    || req.subject_type == crate::content::SUBJECT)
                    .then(|| now + publish_within);
                close(conn, &req, ApprovalState::Approved, now, publish_by)?;
            }
            Effect::StepWaits { .. } | Effect::NextStep { .. } => {}
        }
        audit::append(
            conn,
            &actor.entry(
                "approval.decide",
                &req,
                Outcome::Success,
                json!({"kind": req.kind.as_str(), "verdict": verdict.as_str(), "step": accepted.step,
                       "role": accepted.role.as_str(), "comment": comment,
                       "on_behalf_of": recorded.first().and_then(|d: &Decision| d.on_behalf_of),
                       "steps": accepted.records.iter().map(|(s, r)| json!({"step": s, "role": r.as_str()})).collect::<Vec<_>>()}),
            ),
            now,
        )?;
        if crate::outbox::published(req.kind) {
            crate::outbox::record(
                conn,
                crate::outbox::EventType::ApprovalDecided,
                &request_id.to_string(),
                json!({"verdict": verdict.as_str(), "step": accepted.step,
                   "role": accepted.role.as_str(), "decider": actor.id,
                   "final": matches!(accepted.effect, Effect::Approved | Effect::Rejected)}),
                now,
            )?;
        }
        let request = approvals::find(conn, request_id)?
            .ok_or_else(|| AppError::not_found("no such request"))?;
        let mut decisions = existing;
        decisions.extend(recorded);
        Ok(Decided { request, decisions })
    })
}

/// The people a request is for: its proposer, the delegate of a delegation, the account whose
/// level a permission-level request changes. Roles lent by any of them never decide it (R-ACC-1).
pub fn beneficiaries(req: &ApprovalRequest) -> AppResult<Vec<Uuid>> {
    let mut out = vec![req.proposer_id];
    match req.kind {
        ApprovalKind::Delegation => {
            out.push(crate::delegations::delegate_of(req)?);
            out.push(crate::delegations::delegator_of(req)?);
        }
        ApprovalKind::PermissionLevel if req.subject_type == "user" => {
            out.extend(Uuid::parse_str(&req.subject_id).ok());
        }
        _ => {}
    }
    Ok(out)
}

/// Delegation while on leave (R-ATT-8): the active people on approved leave at `now`, with
/// their roles and the colleague each leave names as taking over.
pub fn away_now(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> AppResult<Vec<ecops_domain::delegation::Away>> {
    let leave = ecops_persistence::repo::leave::overlapping(
        conn,
        None,
        &[ApprovalState::Approved],
        now,
        now + Duration::seconds(1),
    )?;
    if leave.is_empty() {
        return Ok(Vec::new());
    }
    let people = ecops_persistence::repo::users::active_operators(conn)?;
    Ok(leave
        .into_iter()
        .filter_map(|l| {
            people
                .iter()
                .find(|u| u.id == l.user_id)
                .map(|u| ecops_domain::delegation::Away {
                    person: u.id,
                    roles: u.roles.clone(),
                    handover_to: l.handover_to,
                })
        })
        .collect())
}

fn close(
    conn: &mut AnyConnection,
    req: &ApprovalRequest,
    state: ApprovalState,
    now: DateTime<Utc>,
    publish_by: Option<DateTime<Utc>>,
) -> AppResult<()> {
    if approvals::close(conn, req.id, state, now, publish_by)? {
        Ok(())
    } else {
        Err(AppError::conflict(
            "request_not_pending",
            "the request was decided meanwhile",
        ))
    }
}

/// Withdraws a pending request: only its proposer may.
pub fn withdraw(
    conn: &mut AnyConnection,
    request_id: Uuid,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AppResult<ApprovalRequest> {
    actor.require(ecops_domain::PermissionLevel::Operator, &[])?;
    write_tx(conn, |conn| {
        if !approvals::lock(conn, request_id)? {
            return Err(AppError::not_found("no such request"));
        }
        let req = approvals::find(conn, request_id)?
            .ok_or_else(|| AppError::not_found("no such request"))?;
        if req.proposer_id != actor.id {
            return Err(AppError::forbidden(
                "not_proposer",
                "only the proposer may withdraw a request",
            ));
        }
        if req.state != ApprovalState::Pending {
            return Err(AppError::conflict(
                "request_not_pending",
                format!("the request is {}, not pending", req.state.as_str()),
            ));
        }
        close(conn, &req, ApprovalState::Withdrawn, now, None)?;
        effects::on_closed(conn, &req, ApprovalState::Withdrawn, actor.id, now)?;
        audit::append(
            conn,
            &actor.entry(
                "approval.withdraw",
                &req,
                Outcome::Success,
                json!({"kind": req.kind.as_str()}),
            ),
            now,
        )?;
        approvals::find(conn, request_id)?.ok_or_else(|| AppError::not_found("no such request"))
    })
}

/// R-APR-5: records the publication of approved content.
pub fn mark_published(
    conn: &mut AnyConnection,
    request_id: Uuid,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AppResult<ApprovalRequest> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        &[
            ecops_domain::JobRole::StorefrontSpecialist,
            ecops_domain::JobRole::Designer,
            ecops_domain::JobRole::DeptManager,
        ],
    )?;
    write_tx(conn, |conn| {
        let req = approvals::find(conn, request_id)?
            .ok_or_else(|| AppError::not_found("no such request"))?;
        if req.subject_type == crate::content::SUBJECT {
            return Err(AppError::conflict(
                "publish_through_subject",
                "content is published by POST /content/{id}/publish",
            ));
        }
        if rules::published_by_subject(req.kind) {
            return Err(AppError::conflict(
                "publish_through_subject",
                format!(
                    "a {} is published by completing it (a page revision: POST /page-revisions/{{id}}/execute)",
                    req.kind.as_str()
                ),
            ));
        }
        record_publication(conn, request_id, actor, now)?;
        approvals::find(conn, request_id)?.ok_or_else(|| AppError::not_found("no such request"))
    })
}

/// [`mark_published`] inside the caller's transaction, for subjects whose own completion is the
/// publication (a page revision carried out).
pub fn record_publication(
    conn: &mut AnyConnection,
    request_id: Uuid,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let req =
        approvals::find(conn, request_id)?.ok_or_else(|| AppError::not_found("no such request"))?;
    if req.publish_by.is_none() || !approvals::mark_published(conn, request_id, now)? {
        return Err(AppError::conflict(
            "not_awaiting_publication",
            "only approved content that awaits publication can be marked published",
        ));
    }
    audit::append(
        conn,
        &actor.entry("approval.published", &req, Outcome::Success, json!({})),
        now,
    )?;
    Ok(())
}

/// Sets a new version of a kind's chain, in force for requests submitted from `effective_from`;
/// pending requests keep the chain they were submitted under. Returns the new version number.
pub fn set_chain(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: ApprovalKind,
    chain: &Chain,
    effective_from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    actor.require(
        ecops_domain::PermissionLevel::Operator,
        ecops_domain::access::ACCOUNT_ADMINS,
    )?;
    write_tx(conn, |conn| {
        let version =
            approvals::insert_chain_version(conn, kind, chain, effective_from, actor.id, now)?;
        audit::append(
            conn,
            &actor.audit_entry("approval.chain_set", Some(("approval_kind", kind.as_str().to_owned())), Outcome::Success,
                json!({"version": version, "steps": chain.steps.iter().map(|s| s.all_of.iter().map(|r| r.as_str()).collect::<Vec<_>>()).collect::<Vec<_>>(), "effective_from": effective_from})),
            now,
        )?;
        Ok(version)
    })
}

#[cfg(test)]
mod actor_tests {
    use super::*;
    use ecops_persistence::repo::audit::NewEntry;

    fn actor(level: PermissionLevel, roles: &[JobRole]) -> Actor {
        Actor::new(
            Uuid::nil(),
            roles.to_vec(),
            level,
            NewEntry {
                actor_id: None,
                actor_username: None,
                action: String::new(),
                subject_type: None,
                subject_id: None,
                client_addr: None,
                outcome: Outcome::Success,
                detail: serde_json::Value::Null,
                request_id: None,
                on_behalf_of: None,
            },
        )
    }

    #[test]
    fn r_acl_2_a_use_case_refuses_whoever_lacks_the_level_or_the_role() {
        let cs = actor(PermissionLevel::Operator, &[JobRole::CustomerService]);
        assert!(cs
            .require(
                PermissionLevel::Operator,
                ecops_domain::access::ORDER_TAKERS
            )
            .is_ok());
        let code = |r: crate::AppResult<()>| match r {
            Err(crate::AppError::Forbidden { code, .. }) => code,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(
            code(cs.require(PermissionLevel::Operator, ecops_domain::access::ROSTERERS)),
            "missing_role"
        );
        let viewer = actor(PermissionLevel::Viewer, &[JobRole::CustomerService]);
        assert_eq!(
            code(viewer.require(
                PermissionLevel::Operator,
                ecops_domain::access::ORDER_TAKERS
            )),
            "insufficient_level"
        );
    }
}
