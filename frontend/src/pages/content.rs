//! Content publishing (R-PUB-1..3, R-APR-5): the list of items with their state and publish-by
//! countdowns, the due and overdue list, the takedowns, a new draft; one item's page with the
//! draft form and its attachments, the approval chain, publication, takedown with a reason, new
//! revisions, the history, and two revisions side by side.

use crate::app::{Route, Session};
use crate::components::confirm::CommentDialog;
use crate::components::forms::{chosen, typed};
use crate::components::toast::{use_toast, Tone};
use crate::format::{datetime, hours_left};
use crate::i18n::Lang;
use crate::services::content as api;
use chrono::Utc;
use ecops_api_types::{
    ContentDetailView, ContentItemView, ContentKind, ContentRevisionView, ContentStatus,
    CreateContentRequest, JobRole, TakedownView, UpdateContentRequest, Verdict,
};
use gloo_timers::callback::Interval;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use yew_router::prelude::*;

const AUTHORS: [JobRole; 5] = [
    JobRole::Planner,
    JobRole::StorefrontSpecialist,
    JobRole::Designer,
    JobRole::DeptManager,
    JobRole::MarketingDirector,
];
const PUBLISHERS: [JobRole; 3] = [
    JobRole::StorefrontSpecialist,
    JobRole::Designer,
    JobRole::DeptManager,
];
const TAKEDOWN: [JobRole; 2] = [JobRole::StorefrontSpecialist, JobRole::DeptManager];

fn holds(session: Option<&Session>, roles: &[JobRole]) -> bool {
    session
        .and_then(|s| s.user.as_ref())
        .is_some_and(|u| u.roles.iter().any(|r| roles.contains(r)))
}

fn kind_text(lang: Lang, k: ContentKind) -> String {
    lang.t(&format!("content-{}", k.as_str()))
}

fn status_badge(lang: Lang, s: ContentStatus) -> Html {
    let tone = match s {
        ContentStatus::Published => "ok",
        ContentStatus::Approved | ContentStatus::InApproval => "soon",
        ContentStatus::TakenDown => "missed",
        _ => "",
    };
    html! {
        <span class={classes!("badge", tone)} data-testid="content-status">
            { lang.t(&format!("cstatus-{}", s.as_str())) }
        </span>
    }
}

/// A re-render every 30 seconds, for countdowns.
#[hook]
fn use_ticking_now() -> chrono::DateTime<Utc> {
    let now = use_state(Utc::now);
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let tick = Interval::new(30_000, move || now.set(Utc::now()));
            move || drop(tick)
        });
    }
    *now
}

fn countdown(lang: Lang, item: &ContentItemView, now: chrono::DateTime<Utc>) -> Html {
    match item.publish_by {
        Some(by) if item.status == ContentStatus::Approved => {
            let c = hours_left(by, now);
            html! {
                <span class={classes!("countdown", c.urgency.class())} data-testid="publish-countdown"
                      title={datetime(by)}>
                    { if item.overdue { lang.t1("publish-overdue", "left", &c.text) } else { lang.t1("publish-within", "left", &c.text) } }
                </span>
            }
        }
        _ => html! {},
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    All,
    Mine,
    Due,
    Takedowns,
}

#[function_component(ContentList)]
pub fn content_list() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let me = session.as_ref().and_then(|s| s.user.as_ref()).map(|u| u.id);
    let author = holds(session.as_ref(), &AUTHORS);
    let tab = use_state(|| Tab::All);
    let items = use_state(|| None::<Result<Vec<ContentItemView>, String>>);
    let downs = use_state(Vec::<TakedownView>::new);
    let now = use_ticking_now();
    let navigator = use_navigator();
    let toast = use_toast();
    {
        let (items, downs) = (items.clone(), downs.clone());
        use_effect_with(*tab, move |tab| {
            let tab = *tab;
            items.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let got = match tab {
                    Tab::All => api::list("").await.map(|p| p.items),
                    Tab::Mine => api::list(&format!(
                        "author_id={}",
                        me.map(|m| m.to_string()).unwrap_or_default()
                    ))
                    .await
                    .map(|p| p.items),
                    Tab::Due => api::due().await,
                    Tab::Takedowns => match api::takedowns().await {
                        Ok(d) => {
                            downs.set(d);
                            Ok(Vec::new())
                        }
                        Err(e) => Err(e),
                    },
                };
                items.set(Some(got.map_err(|e| e.message())));
            });
        });
    }
    // The new draft.
    let kind = use_state(|| "news".to_owned());
    let title = use_state(String::new);
    let body = use_state(String::new);
    let confidential = use_state(bool::default);
    let error = use_state(|| None::<String>);
    let create = {
        let (kind, title, body, confidential, error, navigator, toast) = (
            kind.clone(),
            title.clone(),
            body.clone(),
            confidential.clone(),
            error.clone(),
            navigator.clone(),
            toast.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(k) = ContentKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind.as_str())
            else {
                return;
            };
            let req = CreateContentRequest {
                kind: k,
                title: title.trim().to_owned(),
                body: (*body).clone(),
                confidential_or_copyright: *confidential,
                page_revision_id: None,
            };
            let (error, navigator, toast) = (error.clone(), navigator.clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::create(&req).await {
                    Ok(v) => {
                        toast.emit((Tone::Ok, lang.t("content-drafted")));
                        if let Some(n) = navigator {
                            n.push(&Route::ContentItem {
                                id: v.id.to_string(),
                            });
                        }
                    }
                    Err(e) => error.set(Some(e.message())),
                }
            });
        })
    };
    let tab_button = |t: Tab, key: &str| {
        let tab_h = tab.clone();
        html! {
            <button class={classes!("tab", (*tab == t).then_some("here"))} data-testid={format!("tab-{key}")}
                onclick={Callback::from(move |_| tab_h.set(t))}>{ lang.t(&format!("content-tab-{key}")) }</button>
        }
    };
    html! {
        <>
        <section class="card wide" data-testid="content-list">
            <h2>{ lang.t("content-heading") }</h2>
            <div class="tabs">
                { tab_button(Tab::All, "all") }
                { tab_button(Tab::Mine, "mine") }
                { tab_button(Tab::Due, "due") }
                { tab_button(Tab::Takedowns, "takedowns") }
            </div>
            if let (Tab::Takedowns, Some(Err(m))) = (*tab, &*items) {
                <div class="error" role="alert">{ m.clone() }</div>
            } else if *tab == Tab::Takedowns {
                if downs.is_empty() {
                    <p class="empty">{ lang.t("no-takedowns") }</p>
                } else {
                    <table class="lines" data-testid="takedowns">
                        <thead><tr><th>{ lang.t("content-title") }</th><th>{ lang.t("col-reason") }</th><th>{ lang.t("taken-down-at") }</th></tr></thead>
                        <tbody>
                        { for downs.iter().map(|d| html! {
                            <tr key={format!("{}-{}", d.item_id, d.revision)}>
                                <td><Link<Route> to={Route::ContentItem { id: d.item_id.to_string() }}>{ &d.title }</Link<Route>></td>
                                <td>{ &d.reason }</td>
                                <td>{ datetime(d.taken_down_at) }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                }
            } else {
                { match &*items {
                    None => html! { <p class="muted">{ lang.t("loading") }</p> },
                    Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                    Some(Ok(list)) if list.is_empty() => html! { <p class="empty">{ lang.t("no-content") }</p> },
                    Some(Ok(list)) => html! {
                        <table class="lines" data-testid="content-items">
                            <thead><tr>
                                <th>{ lang.t("content-title") }</th><th>{ lang.t("content-kind") }</th>
                                <th>{ lang.t("col-status") }</th><th>{ lang.t("publish-by") }</th><th>{ lang.t("updated-at") }</th>
                            </tr></thead>
                            <tbody>
                            { for list.iter().map(|i| html! {
                                <tr key={i.id.to_string()} data-testid="content-row">
                                    <td><Link<Route> to={Route::ContentItem { id: i.id.to_string() }}>{ &i.latest.title }</Link<Route>></td>
                                    <td>{ kind_text(lang, i.kind) }</td>
                                    <td>{ status_badge(lang, i.status) }</td>
                                    <td>{ countdown(lang, i, now) }</td>
                                    <td>{ datetime(i.updated_at) }</td>
                                </tr>
                            }) }
                            </tbody>
                        </table>
                    },
                } }
            }
        </section>
        if author {
            <section class="card wide" data-testid="new-content">
                <h3>{ lang.t("new-content") }</h3>
                <form onsubmit={create}>
                    <label for="c-kind">{ lang.t("content-kind") }</label>
                    <select id="c-kind" data-testid="new-kind" onchange={chosen(&kind)}>
                        { for ContentKind::ALL.iter().map(|k| html! {
                            <option value={k.as_str()} selected={kind.as_str() == k.as_str()}>{ kind_text(lang, *k) }</option>
                        }) }
                    </select>
                    <label for="c-title">{ lang.t("content-title") }</label>
                    <input id="c-title" data-testid="new-title" value={(*title).clone()} oninput={typed(&title)} required=true maxlength="200" />
                    <label for="c-body">{ lang.t("content-body") }</label>
                    <textarea id="c-body" rows="6" data-testid="new-body" value={(*body).clone()} oninput={typed(&body)} />
                    <label class="check">
                        <input type="checkbox" checked={*confidential} data-testid="new-confidential"
                            onchange={let c = confidential.clone(); Callback::from(move |_| c.set(!*c))} />
                        { lang.t("confidential-or-copyright") }
                    </label>
                    if let Some(m) = &*error { <div class="error" role="alert">{ m.clone() }</div> }
                    <div class="actions"><button type="submit" data-testid="create-content">{ lang.t("save-draft") }</button></div>
                </form>
            </section>
        }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ItemProps {
    pub id: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Asking {
    Submit,
    TakeDown,
}

#[function_component(ContentItem)]
pub fn content_item(p: &ItemProps) -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let me = session.as_ref().and_then(|s| s.user.as_ref()).map(|u| u.id);
    let id = Uuid::parse_str(&p.id).unwrap_or_default();
    let detail = use_state(|| None::<Result<ContentDetailView, String>>);
    let reload = use_state(|| 0u32);
    let now = use_ticking_now();
    let toast = use_toast();
    let title = use_state(String::new);
    let body = use_state(String::new);
    let confidential = use_state(bool::default);
    let error = use_state(|| None::<String>);
    let busy = use_state(bool::default);
    let asking = use_state(|| None::<Asking>);
    let left = use_state(|| None::<i32>);
    let right = use_state(|| None::<i32>);
    {
        let (detail, title, body, confidential) = (
            detail.clone(),
            title.clone(),
            body.clone(),
            confidential.clone(),
        );
        use_effect_with((id, *reload), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let got = api::get(id).await.map_err(|e| e.message());
                if let Ok(d) = &got {
                    title.set(d.item.latest.title.clone());
                    body.set(d.item.latest.body.clone());
                    confidential.set(d.item.latest.confidential_or_copyright);
                }
                detail.set(Some(got));
            });
        });
    }
    let d = match &*detail {
        None => {
            return html! { <section class="card wide"><p class="muted">{ lang.t("loading") }</p></section> }
        }
        Some(Err(m)) => {
            return html! { <section class="card wide"><div class="error" role="alert">{ m.clone() }</div></section> }
        }
        Some(Ok(d)) => d.clone(),
    };
    let item = d.item.clone();
    let latest = item.latest.clone();
    let my_draft = latest.status == ContentStatus::Draft && Some(latest.author_id) == me;
    // Every action: run it, reload the item, say what happened or show the server's objection.
    let act = {
        let (reload, error, busy, toast, asking) = (
            reload.clone(),
            error.clone(),
            busy.clone(),
            toast.clone(),
            asking.clone(),
        );
        move |done: &'static str,
              f: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>>>>| {
            let (reload, error, busy, toast, asking) = (
                reload.clone(),
                error.clone(),
                busy.clone(),
                toast.clone(),
                asking.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let r = f.await;
                busy.set(false);
                match r {
                    Ok(()) => {
                        error.set(None);
                        asking.set(None);
                        toast.emit((Tone::Ok, lang.t(done)));
                        reload.set(*reload + 1);
                    }
                    Err(m) => error.set(Some(m)),
                }
            });
        }
    };
    let save = {
        let (act, title, body, confidential) = (
            act.clone(),
            title.clone(),
            body.clone(),
            confidential.clone(),
        );
        let version = latest.version;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let req = UpdateContentRequest {
                title: title.trim().to_owned(),
                body: (*body).clone(),
                confidential_or_copyright: *confidential,
                version,
            };
            act(
                "content-saved",
                Box::pin(async move {
                    api::save(id, &req)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.message())
                }),
            );
        })
    };
    let on_file = {
        let act = act.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            act(
                "content-attached",
                Box::pin(async move {
                    api::attach(id, &file)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.message())
                }),
            );
        })
    };
    let detach = |a: Uuid| {
        let act = act.clone();
        Callback::from(move |_| {
            act(
                "content-detached",
                Box::pin(async move {
                    api::detach(id, a)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.message())
                }),
            );
        })
    };
    let publish = {
        let act = act.clone();
        Callback::from(move |_| {
            act(
                "content-published",
                Box::pin(
                    async move { api::publish(id).await.map(|_| ()).map_err(|e| e.message()) },
                ),
            );
        })
    };
    let revise = {
        let act = act.clone();
        Callback::from(move |_| {
            act(
                "content-revised",
                Box::pin(async move { api::revise(id).await.map(|_| ()).map_err(|e| e.message()) }),
            );
        })
    };
    let ask = |what: Asking| {
        let asking = asking.clone();
        Callback::from(move |_| asking.set(Some(what)))
    };
    let confirm = {
        let (act, asking) = (act.clone(), asking.clone());
        Callback::from(move |text: String| match *asking {
            Some(Asking::Submit) => act(
                "content-submitted",
                Box::pin(async move {
                    api::submit(id, &text)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.message())
                }),
            ),
            Some(Asking::TakeDown) => act(
                "content-taken-down",
                Box::pin(async move {
                    api::take_down(id, &text)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.message())
                }),
            ),
            None => {}
        })
    };
    let cancel = {
        let asking = asking.clone();
        Callback::from(move |()| asking.set(None))
    };
    let settled = matches!(
        latest.status,
        ContentStatus::Published | ContentStatus::TakenDown | ContentStatus::Superseded
    );
    let live = item.live_revision.is_some();
    // Side by side: the latest and the one before it unless chosen otherwise.
    let numbers: Vec<i32> = d.revisions.iter().map(|r| r.number).collect();
    let l = left.unwrap_or_else(|| numbers.get(1).copied().unwrap_or(latest.number));
    let r = right.unwrap_or(latest.number);
    let pick = |h: &UseStateHandle<Option<i32>>| {
        let h = h.clone();
        Callback::from(move |e: Event| h.set(crate::components::forms::changed(&e).parse().ok()))
    };
    let column = |n: i32, h: &UseStateHandle<Option<i32>>, testid: &str| {
        let rev: Option<&ContentRevisionView> = d.revisions.iter().find(|x| x.number == n);
        html! {
            <div class="column" data-testid={testid.to_owned()}>
                <select onchange={pick(h)} aria-label={lang.t("revision")}>
                    { for numbers.iter().map(|k| html! {
                        <option value={k.to_string()} selected={*k == n}>{ lang.t1("revision-n", "n", &k.to_string()) }</option>
                    }) }
                </select>
                if let Some(rev) = rev {
                    <p>{ status_badge(lang, rev.status) }</p>
                    <h4>{ &rev.title }</h4>
                    <pre class="markdown">{ &rev.body }</pre>
                    if !rev.attachments.is_empty() {
                        <p class="muted">{ rev.attachments.iter().map(|a| a.file_name.clone()).collect::<Vec<_>>().join(", ") }</p>
                    }
                }
            </div>
        }
    };
    html! {
        <>
        <section class="card wide" data-testid="content-item">
            <nav class="crumbs"><Link<Route> to={Route::Content}>{ lang.t("back-to-content") }</Link<Route>></nav>
            <h2 data-testid="content-heading">{ &latest.title }{ " " }{ status_badge(lang, item.status) }</h2>
            <dl class="facts">
                <dt>{ lang.t("content-kind") }</dt><dd>{ kind_text(lang, item.kind) }</dd>
                <dt>{ lang.t("revision") }</dt><dd>{ lang.t1("revision-n", "n", &latest.number.to_string()) }</dd>
                <dt>{ lang.t("live-revision") }</dt>
                <dd data-testid="live-revision">{ item.live_revision.map(|n| lang.t1("revision-n", "n", &n.to_string())).unwrap_or_else(|| lang.t("none-live")) }</dd>
                if latest.confidential_or_copyright { <dt>{ lang.t("confidential-or-copyright") }</dt><dd>{ lang.t("yes") }</dd> }
            </dl>
            { countdown(lang, &item, now) }
            if let Some(m) = &*error { <div class="error" role="alert" data-testid="content-error">{ m.clone() }</div> }
            if my_draft {
                <form onsubmit={save} data-testid="draft-form">
                    <label for="d-title">{ lang.t("content-title") }</label>
                    <input id="d-title" data-testid="draft-title" value={(*title).clone()} oninput={typed(&title)} required=true maxlength="200" />
                    <label for="d-body">{ lang.t("content-body") }</label>
                    <textarea id="d-body" rows="10" data-testid="draft-body" value={(*body).clone()} oninput={typed(&body)} />
                    <label class="check">
                        <input type="checkbox" checked={*confidential}
                            onchange={let c = confidential.clone(); Callback::from(move |_| c.set(!*c))} />
                        { lang.t("confidential-or-copyright") }
                    </label>
                    <div class="actions">
                        <button type="submit" class="secondary" disabled={*busy} data-testid="save-draft">{ lang.t("save-draft") }</button>
                        <button type="button" disabled={*busy} data-testid="submit-content" onclick={ask(Asking::Submit)}>{ lang.t("submit-for-approval") }</button>
                    </div>
                </form>
            } else {
                <pre class="markdown" data-testid="content-body">{ &latest.body }</pre>
            }
            <h3>{ lang.t("content-attachments") }</h3>
            if latest.attachments.is_empty() {
                <p class="empty">{ lang.t("no-attachments") }</p>
            } else {
                <ul class="plain" data-testid="attachments">
                    { for latest.attachments.iter().map(|a| html! {
                        <li key={a.id.to_string()}>
                            { format!("{} · {} · {} KB", a.file_name, a.content_type, (a.size_bytes + 1023) / 1024) }
                            if my_draft { { " " }<button class="link" onclick={detach(a.id)}>{ lang.t("remove") }</button> }
                        </li>
                    }) }
                </ul>
            }
            if my_draft {
                <label for="d-file">{ lang.t("attach-file") }</label>
                <input id="d-file" type="file" data-testid="attach-file" onchange={on_file}
                    accept="image/png,image/jpeg,image/gif,image/webp,video/mp4,video/webm,video/quicktime,application/pdf,.docx,.xlsx,.pptx,.doc,.xls,.ppt" />
            }
            <div class="actions">
                if latest.status == ContentStatus::Approved && holds(session.as_ref(), &PUBLISHERS) {
                    <button disabled={*busy} data-testid="publish-content" onclick={publish}>{ lang.t("publish") }</button>
                }
                if live && holds(session.as_ref(), &TAKEDOWN) {
                    <button class="danger" disabled={*busy} data-testid="take-down" onclick={ask(Asking::TakeDown)}>{ lang.t("take-down") }</button>
                }
                if settled && holds(session.as_ref(), &AUTHORS) {
                    <button class="secondary" disabled={*busy} data-testid="new-revision" onclick={revise}>{ lang.t("new-revision") }</button>
                }
            </div>
            if let Some(what) = *asking {
                <CommentDialog {lang}
                    title={lang.t(if what == Asking::Submit { "submit-for-approval" } else { "take-down" })}
                    label={lang.t(if what == Asking::Submit { "submit-reason" } else { "takedown-reason" })}
                    confirm={lang.t(if what == Asking::Submit { "submit-for-approval" } else { "take-down" })}
                    busy={*busy} error={(*error).clone()}
                    on_confirm={confirm} on_cancel={cancel} />
            }
        </section>
        if let Some(a) = &d.approval {
            <section class="card wide" data-testid="content-approval">
                <h3>{ lang.t("chain") }{ " " }
                    <span class="badge" data-testid="content-approval-state">{ lang.t(&format!("state-{}", crate::pages::approvals::state_key(a.request.state))) }</span>
                </h3>
                <ol class="timeline" data-testid="content-chain">
                    { for a.request.chain.iter().enumerate().map(|(i, roles)| html! {
                        <li>
                            <strong>{ format!("{} {}", lang.t("step"), i + 1) }</strong>
                            { format!(" · {}", roles.iter().map(|x| lang.t(&format!("role-{}", x.as_str()))).collect::<Vec<_>>().join(" + ")) }
                            if a.current_step == Some(i) { { " " }<span class="badge soon">{ lang.t("state-pending") }</span> }
                            { for a.decisions.iter().filter(|x| x.step == i).map(|x| html! {
                                <div class="decision">
                                    <time>{ datetime(x.decided_at) }</time>
                                    { format!(" · {} · ", if x.verdict == Verdict::Approve { lang.t("approve") } else { lang.t("reject") }) }
                                    <q>{ &x.comment }</q>
                                </div>
                            }) }
                        </li>
                    }) }
                </ol>
                if let Some(by) = a.publish_by {
                    <p class="muted">{ lang.t1("publish-by-at", "at", &datetime(by)) }
                        if let Some(at) = a.published_at { { " · " }{ lang.t1("published-at", "at", &datetime(at)) } }
                    </p>
                }
            </section>
        }
        <section class="card wide" data-testid="content-compare">
            <h3>{ lang.t("revisions-side-by-side") }</h3>
            <div class="columns">
                { column(l, &left, "compare-left") }
                { column(r, &right, "compare-right") }
            </div>
        </section>
        <section class="card wide">
            <h3>{ lang.t("history") }</h3>
            <ol class="timeline" data-testid="content-history">
                { for d.events.iter().map(|e| html! {
                    <li>
                        <time>{ datetime(e.at) }</time>
                        { format!(" · {} · {}", lang.t1("revision-n", "n", &e.revision.to_string()), lang.t(&format!("event-{}", e.action))) }
                        if let Some(n) = &e.note { { " · " }<q>{ n }</q> }
                    </li>
                }) }
            </ol>
        </section>
        </>
    }
}
