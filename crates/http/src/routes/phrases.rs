//! The library of approved service phrases (话术): proposed by the customer-service supervisor,
//! approved by the department manager, searched by customer service.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, RequestMeta};
use actix_web::{get, post, web, HttpResponse};
use ecops_api_types::{
    PhraseLanguage, PhraseQuery, PhraseSituation, PhraseState, PhraseView, Problem,
    ProposePhraseRequest, RetirePhraseRequest,
};
use ecops_app::phrases as app;
use ecops_domain::JobRole;
use ecops_persistence::repo::phrases::{self as repo, Phrase};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use uuid::Uuid;

fn situation_str(s: PhraseSituation) -> &'static str {
    match s {
        PhraseSituation::Greeting => "greeting",
        PhraseSituation::Delay => "delay",
        PhraseSituation::Refund => "refund",
        PhraseSituation::Complaint => "complaint",
        PhraseSituation::Closing => "closing",
        PhraseSituation::Other => "other",
    }
}

fn situation_of(s: &str) -> Option<PhraseSituation> {
    Some(match s {
        "greeting" => PhraseSituation::Greeting,
        "delay" => PhraseSituation::Delay,
        "refund" => PhraseSituation::Refund,
        "complaint" => PhraseSituation::Complaint,
        "closing" => PhraseSituation::Closing,
        "other" => PhraseSituation::Other,
        _ => return None,
    })
}

fn language_str(l: PhraseLanguage) -> &'static str {
    match l {
        PhraseLanguage::Zh => "zh",
        PhraseLanguage::En => "en",
    }
}

fn state_str(s: PhraseState) -> &'static str {
    match s {
        PhraseState::Pending => "pending",
        PhraseState::Approved => "approved",
        PhraseState::Rejected => "rejected",
        PhraseState::Withdrawn => "withdrawn",
        PhraseState::Retired => "retired",
    }
}

fn state_of(s: &str) -> Option<PhraseState> {
    Some(match s {
        "pending" => PhraseState::Pending,
        "approved" => PhraseState::Approved,
        "rejected" => PhraseState::Rejected,
        "withdrawn" => PhraseState::Withdrawn,
        "retired" => PhraseState::Retired,
        _ => return None,
    })
}

fn views(conn: &mut AnyConnection, list: Vec<Phrase>) -> ApiResult<Vec<PhraseView>> {
    let names = users::display_names(
        conn,
        &list.iter().map(|p| p.proposed_by).collect::<Vec<_>>(),
    )?;
    list.into_iter()
        .map(|p| {
            Ok(PhraseView {
                situation: crate::wire::stored("phrase situation", &p.situation, situation_of)?,
                language: if p.language == "en" {
                    PhraseLanguage::En
                } else {
                    PhraseLanguage::Zh
                },
                state: crate::wire::stored("phrase state", &p.state, state_of)?,
                proposed_by_name: names.get(&p.proposed_by).cloned().unwrap_or_default(),
                id: p.id,
                text: p.text,
                note: p.note,
                proposed_by: p.proposed_by,
                approval_request_id: p.approval_request_id,
                created_at: p.created_at,
                decided_at: p.decided_at,
                retired_at: p.retired_at,
            })
        })
        .collect()
}

fn one(conn: &mut AnyConnection, p: Phrase) -> ApiResult<PhraseView> {
    views(conn, vec![p])?
        .pop()
        .ok_or_else(|| ApiError::internal("a phrase without its view"))
}

/// Proposes a phrase (the customer-service supervisor): an approval request to the department
/// manager; the phrase joins the library when approved.
#[utoipa::path(tag = "quality", security(("bearer" = [])), request_body = ProposePhraseRequest,
    responses((status = 202, description = "Proposed: waits for the department manager", body = PhraseView),
        (status = 409, description = "The same phrase is in the library or waits already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty phrase", body = Problem, content_type = "application/problem+json")))]
#[post("/qa/phrases")]
pub async fn propose_phrase(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<ProposePhraseRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let input = app::PhraseInput {
                situation: situation_str(b.situation).to_owned(),
                language: language_str(b.language).to_owned(),
                text: b.text,
                note: b.note,
            };
            let (p, _) = app::propose(conn, &a, input, now)?;
            one(conn, p)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(v))
}

/// Searches the library (default: the approved phrases). Proposals waiting, rejected or retired
/// ones are listed for the supervisor and the department manager.
#[utoipa::path(tag = "quality", security(("bearer" = [])), params(PhraseQuery),
    responses((status = 200, description = "At most 200 phrases, newest first", body = Vec<PhraseView>),
        (status = 403, description = "Phrases not approved, asked by someone other than the supervisor or the department manager", body = Problem, content_type = "application/problem+json")))]
#[get("/qa/phrases")]
pub async fn list_phrases(
    state: web::Data<AppState>,
    who: Caller,
    query: Query<PhraseQuery>,
) -> ApiResult<web::Json<Vec<PhraseView>>> {
    let q = query.into_inner();
    let list = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let st = q.state.unwrap_or(PhraseState::Approved);
            if st != PhraseState::Approved
                && !who.has_role(JobRole::CsSupervisor)
                && !who.has_role(JobRole::DeptManager)
            {
                return Err(ApiError::forbidden(
                    "missing_role",
                    "phrases that are not approved are the supervisor's and the department manager's",
                ));
            }
            let filter = repo::Filter {
                states: vec![state_str(st).to_owned()],
                situation: q.situation.map(|s| situation_str(s).to_owned()),
                language: q.language.map(|l| language_str(l).to_owned()),
                words: q
                    .q
                    .as_deref()
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(|w| w.replace(['\\', '%', '_'], ""))
                    .filter(|w| !w.is_empty())
                    .take(8)
                    .collect(),
            };
            let list = ecops_app::read(conn, |conn| repo::list(conn, &filter, None, 200))?;
            views(conn, list)
        })
        .await?;
    Ok(web::Json(list))
}

/// Takes an approved phrase out of the library (the supervisor or the department manager).
#[utoipa::path(tag = "quality", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = RetirePhraseRequest,
    responses((status = 200, description = "Retired", body = PhraseView),
        (status = 404, description = "No such phrase", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not approved", body = Problem, content_type = "application/problem+json")))]
#[post("/qa/phrases/{id}/retire")]
pub async fn retire_phrase(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<RetirePhraseRequest>,
) -> ApiResult<web::Json<PhraseView>> {
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let p = app::retire(conn, &a, id, &reason, now)?;
            one(conn, p)
        })
        .await?;
    Ok(web::Json(v))
}
