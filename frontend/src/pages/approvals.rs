//! The approvals inbox (R-APR-1..4): what waits for my roles, what I proposed, everything (for
//! managers); each request with its proposed change, its whole chain and who decided what.

use crate::app::{Route, Session};
use crate::components::confirm::CommentDialog;
use crate::format::datetime;
use crate::i18n::Lang;
use crate::services::approvals;
use ecops_api_types::{ApprovalDetail, ApprovalState, JobRole, Verdict};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

/// Roles that may see every request.
const OVERSEERS: [JobRole; 4] = [
    JobRole::GeneralManager,
    JobRole::MarketingDirector,
    JobRole::DeptManager,
    JobRole::ItAdmin,
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InboxQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
}

pub fn state_key(s: ApprovalState) -> &'static str {
    match s {
        ApprovalState::Pending => "pending",
        ApprovalState::Approved => "approved",
        ApprovalState::Rejected => "rejected",
        ApprovalState::Withdrawn => "withdrawn",
    }
}

fn kind_text(lang: Lang, r: &ApprovalDetail) -> String {
    let key = serde_json::to_value(r.request.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    lang.t(&format!("kind-{key}"))
}

fn role_text(lang: Lang, r: JobRole) -> String {
    lang.t(&format!("role-{}", r.as_str()))
}

#[function_component(Approvals)]
pub fn approvals_inbox() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let location = use_location();
    let navigator = use_navigator();
    let query: InboxQuery = location
        .as_ref()
        .and_then(|l| l.query::<InboxQuery>().ok())
        .unwrap_or_default();
    let view = query.view.clone().unwrap_or_else(|| "waiting".to_owned());
    let rows = use_state(|| None::<Result<Vec<ApprovalDetail>, String>>);
    {
        let rows = rows.clone();
        use_effect_with(view.clone(), move |view| {
            let (rows, view) = (rows.clone(), view.clone());
            rows.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                rows.set(Some(
                    approvals::list(&view)
                        .await
                        .map(|p| p.items)
                        .map_err(|e| e.message()),
                ));
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    let Some(user) = session.user.clone() else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let overseer = user.roles.iter().any(|r| OVERSEERS.contains(r));
    let tab = |v: &'static str, key: &'static str| {
        let navigator = navigator.clone();
        let onclick = Callback::from(move |_| {
            if let Some(n) = &navigator {
                let _ = n.push_with_query(
                    &Route::Approvals,
                    &InboxQuery {
                        view: Some(v.to_owned()),
                    },
                );
            }
        });
        html! {
            <button class={classes!("tab", (view == v).then_some("here"))} role="tab"
                    aria-selected={(view == v).to_string()} data-testid={format!("tab-{v}")} {onclick}>
                { lang.t(key) }
            </button>
        }
    };
    html! {
        <section class="card wide" data-testid="approvals">
            <h2>{ lang.t("approvals-title") }</h2>
            <div class="tabs" role="tablist">
                { tab("waiting", "tab-waiting") }
                { tab("delegated", "tab-delegated") }
                { tab("mine", "tab-mine") }
                if overseer { { tab("all", "tab-all") } }
                if overseer { { tab("unattended", "tab-unattended") } }
            </div>
            { match &*rows {
                None => html! { <p class="muted">{ lang.t("loading") }</p> },
                Some(Err(msg)) => html! { <div class="error" role="alert">{ msg.clone() }</div> },
                Some(Ok(list)) if list.is_empty() => html! {
                    <p class="empty" data-testid="approvals-empty">{ lang.t("empty-approvals") }</p>
                },
                Some(Ok(list)) => html! {
                    <table class="queue">
                        <thead><tr>
                            <th>{ lang.t("col-kind") }</th>
                            <th>{ lang.t("col-subject") }</th>
                            <th>{ lang.t("col-reason") }</th>
                            <th>{ lang.t("col-state") }</th>
                            <th>{ lang.t("col-waiting-for") }</th>
                            <th>{ lang.t("created-at") }</th>
                        </tr></thead>
                        <tbody>
                        { for list.iter().map(|r| {
                            let id = r.request.id.to_string();
                            html! {
                                <tr key={id.clone()} data-testid="approval-row">
                                    <td><Link<Route> to={Route::Approval { id: id.clone() }}>{ kind_text(lang, r) }</Link<Route>>
                                        if !r.delegated_from.is_empty() { { " " }<span class="badge soon" data-testid="delegated-badge">{ lang.t("delegated-to-you") }</span> }</td>
                                    <td>{ format!("{} {}", r.request.subject_type, short(&r.request.subject_id)) }</td>
                                    <td>{ &r.request.reason }</td>
                                    <td><span class={classes!("badge", state_key(r.request.state))}>{ lang.t(&format!("state-{}", state_key(r.request.state))) }</span></td>
                                    <td>{ r.waiting_for.iter().map(|x| role_text(lang, *x)).collect::<Vec<_>>().join(" + ") }</td>
                                    <td>{ datetime(r.request.created_at) }</td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                },
            } }
        </section>
    }
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub id: String,
}

/// One request: the proposed change, the chain step by step, and the decision form.
#[function_component(ApprovalPage)]
pub fn approval_page(props: &DetailProps) -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let req = use_state(|| None::<Result<ApprovalDetail, String>>);
    let pending_verdict = use_state(|| None::<bool>);
    let error = use_state(Option::<String>::default);
    let comment_error = use_state(Option::<String>::default);
    let busy = use_state(bool::default);
    let id = Uuid::parse_str(&props.id).ok();
    {
        let req = req.clone();
        use_effect_with(id, move |id| {
            let (req, id) = (req.clone(), *id);
            wasm_bindgen_futures::spawn_local(async move {
                match id {
                    Some(id) => req.set(Some(approvals::get(id).await.map_err(|e| e.message()))),
                    None => req.set(Some(Err("not a request id".to_owned()))),
                }
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    let Some(user) = session.user.clone() else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let r = match &*req {
        None => {
            return html! { <section class="card"><p class="muted">{ lang.t("loading") }</p></section> }
        }
        Some(Err(m)) => {
            return html! { <section class="card"><div class="error" role="alert">{ m.clone() }</div></section> }
        }
        Some(Ok(r)) => r.clone(),
    };
    let rid = r.request.id;
    let mine = r.request.proposer_id == user.id;
    let may_decide = r.request.state == ApprovalState::Pending
        && !mine
        && r.waiting_for.iter().any(|role| user.roles.contains(role));

    // The decision needs a comment (R-APR-3): the confirm dialog asks for it.
    let ask = |approve: bool| {
        let (pending_verdict, comment_error) = (pending_verdict.clone(), comment_error.clone());
        Callback::from(move |_| {
            comment_error.set(None);
            pending_verdict.set(Some(approve));
        })
    };
    let confirm = {
        let (req, pending_verdict, error, comment_error, busy) = (
            req.clone(),
            pending_verdict.clone(),
            error.clone(),
            comment_error.clone(),
            busy.clone(),
        );
        Callback::from(move |comment: String| {
            let Some(approve) = *pending_verdict else {
                return;
            };
            // The comment is judged by the server (R-APR-3): its answer shows next to the field.
            if *busy {
                return;
            }
            busy.set(true);
            let (req, pending_verdict, error, comment_error, busy) = (
                req.clone(),
                pending_verdict.clone(),
                error.clone(),
                comment_error.clone(),
                busy.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match approvals::decide(rid, approve, &comment).await {
                    Ok(v) => {
                        req.set(Some(Ok(v)));
                        pending_verdict.set(None);
                        error.set(None);
                    }
                    Err(f) => {
                        let field = f.problem.as_ref().and_then(|p| {
                            p.errors
                                .iter()
                                .find(|e| e.field == "comment")
                                .map(|e| e.message.clone())
                        });
                        match field {
                            Some(m) => comment_error.set(Some(m)),
                            None => error.set(Some(f.message())),
                        }
                    }
                }
                busy.set(false);
            });
        })
    };
    let withdraw = {
        let (req, error) = (req.clone(), error.clone());
        Callback::from(move |_| {
            let (req, error) = (req.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match approvals::withdraw(rid).await {
                    Ok(v) => req.set(Some(Ok(v))),
                    Err(f) => error.set(Some(f.message())),
                }
            });
        })
    };
    let cancel = {
        let pending_verdict = pending_verdict.clone();
        Callback::from(move |()| pending_verdict.set(None))
    };

    html! {
        <section class="card wide" data-testid="approval">
            <nav class="crumbs"><Link<Route> to={Route::Approvals}>{ lang.t("back-to-inbox") }</Link<Route>></nav>
            <h2>{ kind_text(lang, &r) }
                <span class={classes!("badge", state_key(r.request.state))} data-testid="approval-state">
                    { lang.t(&format!("state-{}", state_key(r.request.state))) }
                </span>
            </h2>
            <dl class="facts">
                <dt>{ lang.t("col-subject") }</dt><dd>{ format!("{} {}", r.request.subject_type, r.request.subject_id) }</dd>
                <dt>{ lang.t("col-reason") }</dt><dd>{ &r.request.reason }</dd>
                <dt>{ lang.t("created-at") }</dt><dd>{ datetime(r.request.created_at) }</dd>
            </dl>
            <h3>{ lang.t("proposed-change") }</h3>
            <crate::components::change::ProposedChange request={r.request.clone()} {lang} />
            <h3>{ lang.t("chain") }</h3>
            <ol class="timeline" data-testid="chain">
                { for r.request.chain.iter().enumerate().map(|(i, roles)| {
                    let decided: Vec<_> = r.decisions.iter().filter(|d| d.step == i).collect();
                    html! {
                        <li data-step={i.to_string()}>
                            <strong>{ format!("{} {}", lang.t("step"), i + 1) }</strong>
                            { format!(" · {}", roles.iter().map(|x| role_text(lang, *x)).collect::<Vec<_>>().join(" + ")) }
                            if r.current_step == Some(i) { <span class="badge soon">{ lang.t("state-pending") }</span> }
                            { for decided.iter().map(|d| html! {
                                <div class="decision" data-testid="decision">
                                    <time>{ datetime(d.decided_at) }</time>
                                    { format!("{} · {} · ", role_text(lang, d.role), if d.verdict == Verdict::Approve { lang.t("approve") } else { lang.t("reject") }) }
                                    <q>{ &d.comment }</q>
                                    if d.on_behalf_of.is_some() { { " " }<span class="badge" data-testid="on-behalf">{ lang.t("on-behalf") }</span> }
                                </div>
                            }) }
                        </li>
                    }
                }) }
            </ol>
            if let Some(m) = &*error { <div class="error" role="alert">{ m.clone() }</div> }
            if may_decide {
                <div class="actions">
                    <button data-testid="approve" onclick={ask(true)}>{ lang.t("approve") }</button>
                    <button class="secondary" data-testid="reject" onclick={ask(false)}>{ lang.t("reject") }</button>
                </div>
            }
            if mine && r.request.state == ApprovalState::Pending {
                <div class="actions"><button class="secondary" data-testid="withdraw" onclick={withdraw}>{ lang.t("withdraw") }</button></div>
            }
            if let Some(approve) = *pending_verdict {
                <CommentDialog {lang}
                    title={if approve { lang.t("confirm-approve") } else { lang.t("confirm-reject") }}
                    label={lang.t("comment")}
                    confirm={if approve { lang.t("approve") } else { lang.t("reject") }}
                    busy={*busy} error={(*comment_error).clone()}
                    on_confirm={confirm} on_cancel={cancel} />
            }
        </section>
    }
}
