//! The approvals engine over HTTP: inboxes, a request with its history, decisions, withdrawal,
//! publication deadlines (R-APR-5) and the versioned chains.

use super::approval_view;
use crate::auth::{Caller, Identity};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, page_limit, RequestMeta};
use actix_web::{get, post, put, web};
use chrono::{DateTime, Duration, Utc};
use ecops_api_types::{
    ApprovalDetail, ApprovalQuery, ChainVersionView, ChainView, DecideRequest, DecisionView, Page,
    PageQuery, Problem, SetChainRequest,
};
use ecops_app::approvals as engine;
use ecops_domain::approval::{current_step, ApprovalKind, ApprovalState, Chain, Step, Verdict};
use ecops_domain::JobRole;
use ecops_persistence::repo::approvals::{self, ApprovalRequest, Decision, RequestFilter};
use ecops_persistence::AnyConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// Roles that may see every request.
const OVERSEERS: [JobRole; 4] = [
    JobRole::GeneralManager,
    JobRole::MarketingDirector,
    JobRole::DeptManager,
    JobRole::ItAdmin,
];

fn detail(r: &ApprovalRequest, decisions: &[Decision], now: DateTime<Utc>) -> ApprovalDetail {
    let decided: Vec<_> = decisions.iter().map(Decision::as_decided).collect();
    let (current, waiting) = match (r.state, current_step(&r.chain, &decided)) {
        (ApprovalState::Pending, Some((step, needed))) => (
            Some(step),
            needed.iter().copied().map(crate::wire::job_role).collect(),
        ),
        _ => (None, Vec::new()),
    };
    ApprovalDetail {
        request: approval_view(r),
        chain_version: r.chain_version,
        decisions: decisions
            .iter()
            .map(|d| DecisionView {
                id: d.id,
                step: d.step,
                role: crate::wire::job_role(d.role),
                decider_id: d.decider_id,
                verdict: crate::wire::verdict(d.verdict),
                comment: d.comment.clone(),
                decided_at: d.decided_at,
                on_behalf_of: d.on_behalf_of,
            })
            .collect(),
        current_step: current,
        waiting_for: waiting,
        decided_at: r.decided_at,
        publish_by: r.publish_by,
        published_at: r.published_at,
        publish_overdue: r.published_at.is_none() && r.publish_by.is_some_and(|d| d < now),
        delegated_from: Vec::new(),
    }
}

/// Whether `who` is waiting to decide `r`: pending, not the proposer, not yet decided, and the
/// current step needs a role they hold.
fn waits_for(who: &Identity, r: &ApprovalRequest, decisions: &[Decision]) -> bool {
    if r.state != ApprovalState::Pending
        || r.proposer_id == who.user_id
        || decisions.iter().any(|d| d.decider_id == who.user_id)
    {
        return false;
    }
    let decided: Vec<_> = decisions.iter().map(Decision::as_decided).collect();
    current_step(&r.chain, &decided).is_some_and(|(_, needed)| {
        let for_whom = engine::beneficiaries(r).unwrap_or_else(|_| vec![r.proposer_id]);
        let roles = who.acting_roles_except(&for_whom);
        needed.iter().any(|n| roles.contains(n))
    })
}

/// Who can decide requests right now: the active accounts above `viewer` with their roles, less
/// those on approved leave at this moment.
struct AtWork {
    people: Vec<(Uuid, Vec<JobRole>)>,
}

impl AtWork {
    fn now(conn: &mut AnyConnection, now: DateTime<Utc>) -> ApiResult<AtWork> {
        let away: std::collections::HashSet<Uuid> = ecops_persistence::repo::leave::overlapping(
            conn,
            None,
            &[ApprovalState::Approved],
            now,
            now + chrono::Duration::seconds(1),
        )?
        .into_iter()
        .map(|l| l.user_id)
        .collect();
        Ok(AtWork {
            people: ecops_persistence::repo::users::active_operators(conn)?
                .into_iter()
                .filter(|u| !away.contains(&u.id))
                .map(|u| (u.id, u.roles))
                .collect(),
        })
    }

    /// A pending request whose current step needs a role that nobody at work can give: every
    /// holder is away, is its proposer, or has decided it already.
    fn nobody_can_take(&self, r: &ApprovalRequest, decisions: &[Decision]) -> bool {
        let decided: Vec<_> = decisions.iter().map(Decision::as_decided).collect();
        let Some((_, needed)) = current_step(&r.chain, &decided) else {
            return false;
        };
        needed.iter().any(|role| {
            !self.people.iter().any(|(id, roles)| {
                roles.contains(role)
                    && *id != r.proposer_id
                    && !decisions.iter().any(|d| d.decider_id == *id)
            })
        })
    }
}

/// Whether `who` may see `r`: its proposer, the person it is about (a permission-level request
/// about them), someone holding a role named in its chain, or a manager. Every route that returns
/// approval requests or their payloads applies this one rule.
pub(crate) fn may_see(who: &Identity, r: &ApprovalRequest) -> bool {
    r.proposer_id == who.user_id
        || (r.subject_type == "user" && r.subject_id == who.user_id.to_string())
        || OVERSEERS.iter().any(|o| who.has_role(*o))
        || r.chain
            .steps
            .iter()
            .any(|s| s.all_of.iter().any(|role| who.has_role(*role)))
}

fn parse_kind(field: &str, s: &str) -> ApiResult<ApprovalKind> {
    s.parse().map_err(|_| {
        ApiError::bad_field(
            "invalid_query",
            field,
            format!("`{s}` is not an approval kind"),
        )
    })
}

fn parse_state(field: &str, s: &str) -> ApiResult<ApprovalState> {
    s.parse().map_err(|_| {
        ApiError::bad_field(
            "invalid_query",
            field,
            "must be pending, approved, rejected or withdrawn",
        )
    })
}

/// A request and its decisions.
type WithDecisions = (ApprovalRequest, Vec<Decision>);

/// Loads one page of requests with their decisions, refined by `keep`, in a bounded number of
/// queries whatever the page size.
fn load_page(
    conn: &mut AnyConnection,
    cursors: &crate::support::Cursors,
    filter: &RequestFilter,
    after: Option<String>,
    limit: i64,
    keep: impl Fn(&ApprovalRequest, &[Decision]) -> bool,
) -> ApiResult<(Vec<WithDecisions>, Option<String>)> {
    let want = usize::try_from(limit).unwrap_or(50);
    let mut out = Vec::new();
    let mut cursor = after;
    // Refinement may drop rows: read in batches until the page is full or the rows run out.
    for _ in 0..20 {
        let batch = approvals::list(conn, filter, cursor.as_deref(), limit + 1)?;
        let exhausted = i64::try_from(batch.len()).unwrap_or(0) <= limit;
        let ids: Vec<Uuid> = batch.iter().map(|r| r.id).collect();
        let mut decisions = approvals::decisions_of(conn, &ids)?;
        for r in batch {
            cursor = Some(r.id.to_string());
            let ds = decisions.remove(&r.id).unwrap_or_default();
            if keep(&r, &ds) {
                out.push((r, ds));
                if out.len() > want {
                    break;
                }
            }
        }
        if out.len() > want || exhausted {
            break;
        }
    }
    let next = if out.len() > want {
        out.truncate(want);
        out.last().map(|(r, _)| cursors.encode(&r.id.to_string()))
    } else {
        None
    };
    Ok((out, next))
}

/// The approvals inbox: requests waiting for my decision (`view=waiting`, default; each marks
/// the colleagues on leave whose step it is mine to take, `delegated_from`), only those handed
/// over to me by colleagues on leave now (`delegated`, R-ATT-8), the ones I proposed (`mine`), all (`all`, for managers), or the pending ones nobody at work can take
/// (`unattended`, for managers: every holder of the current step's role is on leave now, is the
/// proposer or has decided), filterable by kind, state, subject and date.
/// Each comes with its full history of decisions.
#[utoipa::path(
    tag = "approvals",
    security(("bearer" = [])),
    params(ApprovalQuery),
    responses((status = 200, description = "One page of requests", body = Page<ApprovalDetail>))
)]
#[get("/approvals")]
pub async fn list_approvals(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<ApprovalQuery>,
) -> ApiResult<web::Json<Page<ApprovalDetail>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let after = state.cursors.decode(q.cursor.as_deref())?;
    let mut filter = RequestFilter {
        kind: q
            .kind
            .as_deref()
            .map(|k| parse_kind("kind", k))
            .transpose()?,
        state: q
            .state
            .as_deref()
            .map(|s| parse_state("state", s))
            .transpose()?,
        subject_type: q.subject_type,
        subject_id: q.subject_id,
        from: q.from,
        to: q.to,
        ..RequestFilter::default()
    };
    let now = state.clock.now();
    let cursors = state.cursors.clone();
    let (rows, next_cursor) = state
        .run_as(who, move |conn, who| {
            who.require_scope("approvals:read")?;
            let view = q.view.unwrap_or_else(|| "waiting".to_owned());
            match view.as_str() {
                "waiting" => filter.pending_for_roles = Some(who.acting_roles()),
                "delegated" => {
                    filter.pending_for_roles = Some(who.acting_roles());
                    filter.state = Some(ApprovalState::Pending);
                }
                "mine" => filter.proposer = Some(who.user_id),
                "all" | "unattended" => {
                    if !OVERSEERS.iter().any(|o| who.has_role(*o)) {
                        return Err(ApiError::forbidden(
                            "missing_role",
                            "only managers and IT see all requests",
                        ));
                    }
                }
                _ => {
                    return Err(ApiError::bad_field(
                        "invalid_query",
                        "view",
                        "must be waiting, delegated, mine, all or unattended",
                    ))
                }
            }
            let at_work = if view == "unattended" {
                filter.state = Some(ApprovalState::Pending);
                Some(AtWork::now(conn, now)?)
            } else {
                None
            };
            // R-ATT-8: what colleagues on leave handed over to the caller.
            let inbox = matches!(view.as_str(), "waiting" | "delegated");
            let away = if inbox {
                engine::away_now(conn, now)?
            } else {
                Vec::new()
            };
            let delegated = |r: &ApprovalRequest, ds: &[Decision]| {
                let decided: Vec<_> = ds.iter().map(Decision::as_decided).collect();
                ecops_domain::delegation::delegated_to(
                    &away,
                    &r.chain,
                    r.proposer_id,
                    &decided,
                    who.user_id,
                    &who.roles,
                )
            };
            let (rows, next) = load_page(conn, &cursors, &filter, after, limit, |r, ds| {
                may_see(&who, r)
                    && (!inbox || waits_for(&who, r, ds))
                    && (view != "delegated" || !delegated(r, ds).is_empty())
                    && at_work.as_ref().is_none_or(|w| w.nobody_can_take(r, ds))
            })?;
            let items: Vec<ApprovalDetail> = rows
                .iter()
                .map(|(r, ds)| ApprovalDetail {
                    delegated_from: if inbox { delegated(r, ds) } else { Vec::new() },
                    ..detail(r, ds, now)
                })
                .collect();
            Ok((items, next))
        })
        .await?;
    Ok(web::Json(Page {
        items: rows,
        next_cursor,
    }))
}

/// R-APR-5: approved content awaiting publication, with its deadline; `overdue=true` lists only
/// what is past it.
#[utoipa::path(
    tag = "approvals",
    security(("bearer" = [])),
    params(PageQuery, ("overdue" = Option<bool>, Query, description = "Only past the deadline")),
    responses((status = 200, description = "Due and overdue publications", body = Page<ApprovalDetail>))
)]
#[get("/approvals/publications")]
pub async fn list_publications(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<PublicationQuery>,
) -> ApiResult<web::Json<Page<ApprovalDetail>>> {
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let after = state.cursors.decode(q.cursor.as_deref())?;
    let now = state.clock.now();
    let filter = RequestFilter {
        awaiting_publication: true,
        publish_overdue_at: q.overdue.unwrap_or(false).then_some(now),
        ..RequestFilter::default()
    };
    let cursors = state.cursors.clone();
    let (rows, next_cursor) = state
        .run_as(who, move |conn, who| {
            who.require_scope("approvals:read")?;
            load_page(conn, &cursors, &filter, after, limit, |r, _| {
                may_see(&who, r)
            })
        })
        .await?;
    Ok(web::Json(Page {
        items: rows.iter().map(|(r, ds)| detail(r, ds, now)).collect(),
        next_cursor,
    }))
}

/// Query of the publication list.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicationQuery {
    limit: Option<i64>,
    cursor: Option<String>,
    overdue: Option<bool>,
}

/// One request with its history of decisions. Visible to its proposer, to holders of a role in
/// its chain, and to managers.
#[utoipa::path(
    tag = "approvals",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request", body = ApprovalDetail),
        (status = 404, description = "No such request, or not yours to see", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/approvals/{id}")]
pub async fn get_approval(
    state: web::Data<AppState>,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ApprovalDetail>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let ((r, ds), who) = state
        .run_as(who, move |conn, who| {
            who.require_scope("approvals:read")?;
            let out: ApiResult<_> = (|| {
                let r = approvals::find(conn, id)?
                    .ok_or_else(|| ApiError::not_found("no such request"))?;
                let ds = approvals::decisions_of(conn, &[id])?
                    .remove(&id)
                    .unwrap_or_default();
                Ok((r, ds))
            })();
            Ok((out?, who))
        })
        .await?;
    if !may_see(&who, &r) {
        return Err(ApiError::not_found("no such request"));
    }
    Ok(web::Json(detail(&r, &ds, now)))
}

/// Decides the current step (R-APR-3): approve or reject, with a comment. Decisions are final;
/// the proposer can never decide. A person holding the roles of consecutive steps decides them
/// in one decision, recorded once per step, unless the chain needs distinct people (R-APR-7;
/// always for permission levels). The last approval applies the
/// change atomically (R-APR-4); if it is no longer possible, nothing is recorded (422).
#[utoipa::path(
    tag = "approvals",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = DecideRequest,
    responses(
        (status = 200, description = "Decision recorded", body = ApprovalDetail),
        (status = 403, description = "Your own request, or the step needs another role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not pending, or already decided", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The change is no longer possible", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/approvals/{id}/decisions")]
pub async fn decide_approval(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<DecideRequest>,
) -> ApiResult<web::Json<ApprovalDetail>> {
    let id = id.into_inner();
    let body = body.into_inner();
    let verdict: Verdict = body
        .verdict
        .parse()
        .map_err(|_| ApiError::invalid_field("verdict", "must be approve or reject"))?;
    let as_role = body
        .as_role
        .as_deref()
        .map(|r| {
            r.parse::<JobRole>()
                .map_err(|_| ApiError::invalid_field("as_role", format!("`{r}` is not a job role")))
        })
        .transpose()?;
    let publish_within = Duration::hours(state.config.publish_within_hours);
    let now = state.clock.now();
    let done = state
        .run_as(who, move |conn, who| {
            who.require_scope("approvals:write")?;
            let a = actor(&who, &meta);
            Ok(engine::decide(
                conn,
                id,
                &a,
                as_role,
                verdict,
                body.comment.trim(),
                publish_within,
                now,
            )?)
        })
        .await?;
    Ok(web::Json(detail(&done.request, &done.decisions, now)))
}

/// Withdraws a pending request (its proposer only).
#[utoipa::path(
    tag = "approvals",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Request id")),
    responses(
        (status = 200, description = "Withdrawn", body = ApprovalDetail),
        (status = 403, description = "Not your request", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not pending", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/approvals/{id}/withdraw")]
pub async fn withdraw_approval(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ApprovalDetail>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let (r, ds) = state
        .run_as(who, move |conn, who| {
            who.require_scope("approvals:write")?;
            let a = actor(&who, &meta);
            let r = engine::withdraw(conn, id, &a, now)?;
            let ds = approvals::decisions_of(conn, &[id])?
                .remove(&id)
                .unwrap_or_default();
            Ok((r, ds))
        })
        .await?;
    Ok(web::Json(detail(&r, &ds, now)))
}

/// Records that approved content was published (R-APR-5).
#[utoipa::path(
    tag = "approvals",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Request id")),
    responses(
        (status = 200, description = "Marked published", body = ApprovalDetail),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not awaiting publication", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/approvals/{id}/published")]
pub async fn mark_approval_published(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ApprovalDetail>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let (r, ds) = state
        .run_as(who, move |conn, who| {
            who.require_scope("approvals:write")?;
            let a = actor(&who, &meta);
            let r = engine::mark_published(conn, id, &a, now)?;
            let ds = approvals::decisions_of(conn, &[id])?
                .remove(&id)
                .unwrap_or_default();
            Ok((r, ds))
        })
        .await?;
    Ok(web::Json(detail(&r, &ds, now)))
}

fn chain_steps(chain: &Chain) -> Vec<Vec<String>> {
    chain
        .steps
        .iter()
        .map(|s| s.all_of.iter().map(|r| r.as_str().to_owned()).collect())
        .collect()
}

fn chain_view(
    conn: &mut AnyConnection,
    kind: ApprovalKind,
    now: DateTime<Utc>,
) -> ApiResult<ChainView> {
    let versions = approvals::chain_versions(conn, kind)?;
    let (in_force, version) = approvals::chain_in_force(conn, kind, now)?;
    let in_force_from = versions
        .iter()
        .find(|v| Some(v.version) == version)
        .map(|v| (v.effective_from, v.created_by));
    Ok(ChainView {
        kind: crate::wire::approval_kind(kind),
        in_force: ChainVersionView {
            version,
            steps: chain_steps(&in_force),
            distinct_deciders: in_force.distinct_deciders || kind.always_distinct(),
            effective_from: in_force_from.map(|(f, _)| f),
            created_by: in_force_from.map(|(_, c)| c),
        },
        default: ChainVersionView {
            version: None,
            steps: chain_steps(&kind.default_chain()),
            distinct_deciders: kind.default_chain().distinct_deciders,
            effective_from: None,
            created_by: None,
        },
        versions: versions
            .iter()
            .map(|v| ChainVersionView {
                version: Some(v.version),
                steps: chain_steps(&v.chain),
                distinct_deciders: v.chain.distinct_deciders || kind.always_distinct(),
                effective_from: Some(v.effective_from),
                created_by: Some(v.created_by),
            })
            .collect(),
    })
}

fn path_kind(kind: &str) -> ApiResult<ApprovalKind> {
    kind.parse()
        .map_err(|_| ApiError::not_found(format!("no approval kind `{kind}`")))
}

/// A kind's chain: the one in force, the built-in default, and every configured version.
#[utoipa::path(
    tag = "approvals",
    security(("bearer" = [])),
    params(("kind" = String, Path, description = "Approval kind, e.g. `listing`")),
    responses(
        (status = 200, description = "The chains", body = ChainView),
        (status = 404, description = "No such kind", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/approval-chains/{kind}")]
pub async fn get_approval_chain(
    state: web::Data<AppState>,
    who: Caller,
    kind: web::Path<String>,
) -> ApiResult<web::Json<ChainView>> {
    let kind = path_kind(&kind)?;
    let now = state.clock.now();
    Ok(web::Json(
        state
            .run_as(who, move |conn, who| {
                who.require_scope("approvals:read")?;
                chain_view(conn, kind, now)
            })
            .await?,
    ))
}

/// Sets a new version of a kind's chain (`it_admin`), in force for requests submitted from
/// `effective_from`; pending requests keep the chain they were submitted under.
#[utoipa::path(
    tag = "approvals",
    security(("bearer" = [])),
    params(("kind" = String, Path, description = "Approval kind, e.g. `listing`")),
    request_body = SetChainRequest,
    responses(
        (status = 200, description = "The chains after the change", body = ChainView),
        (status = 404, description = "No such kind", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/approval-chains/{kind}")]
pub async fn set_approval_chain(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    kind: web::Path<String>,
    body: ValidJson<SetChainRequest>,
) -> ApiResult<web::Json<ChainView>> {
    let kind = path_kind(&kind)?;
    let body = body.into_inner();
    let mut steps = Vec::new();
    for (i, s) in body.steps.iter().enumerate() {
        let roles = super::parse_roles(&format!("steps.{i}.all_of"), &s.all_of)?;
        steps.push(Step { all_of: roles });
    }
    let chain = Chain {
        steps,
        distinct_deciders: body.distinct_deciders || kind.always_distinct(),
    };
    let now = state.clock.now();
    let view = state
        .run_as(who, move |conn, who| {
            who.require_scope("approvals:write")?;
            let a = actor(&who, &meta);
            ecops_app::approvals::set_chain(conn, &a, kind, &chain, body.effective_from, now)?;
            chain_view(conn, kind, now)
        })
        .await?;
    Ok(web::Json(view))
}

/// Batch helper for other handlers: the details of requests by id.
pub fn details_of(
    conn: &mut AnyConnection,
    reqs: Vec<ApprovalRequest>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<ApprovalDetail>> {
    let ids: Vec<Uuid> = reqs.iter().map(|r| r.id).collect();
    let mut ds: HashMap<Uuid, Vec<Decision>> = approvals::decisions_of(conn, &ids)?;
    Ok(reqs
        .iter()
        .map(|r| detail(r, &ds.remove(&r.id).unwrap_or_default(), now))
        .collect())
}
