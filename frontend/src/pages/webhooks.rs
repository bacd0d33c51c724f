//! Webhook subscriptions (IT): where partner systems receive the event feed, the signing secret
//! shown once, pause and resume, a test ping; and one subscription's delivery log with its
//! attempts (status, latency, the start of the answer), redelivery of one event or of a period.

use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::forms::typed;
use crate::components::toast::{use_toast, Tone};
use crate::format::{datetime, parse_local};
use crate::i18n::Lang;
use crate::services::webhooks as api;
use ecops_api_types::{
    AttemptView, CreateWebhookRequest, DeliveryState, DeliveryView, EventType, JobRole,
    PauseReason, RedeliverRangeRequest, WebhookFilter, WebhookState, WebhookView,
};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

#[function_component(Webhooks)]
pub fn webhooks_page() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let reload = use_state(|| 0_u32);
    let list = use_state(|| None::<Result<Vec<WebhookView>, String>>);
    let url = use_state(String::new);
    let description = use_state(String::new);
    let types = use_state(|| vec![EventType::OrderCreated, EventType::OrderEventAppended]);
    let channel = use_state(String::new);
    let category = use_state(String::new);
    let secret = use_state(|| None::<String>);
    let errors = use_state(Vec::<(String, String)>::new);
    let open = use_state(|| None::<Uuid>);
    let is_admin = session
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .is_some_and(|u| u.roles.contains(&JobRole::ItAdmin));
    {
        let list = list.clone();
        use_effect_with((*reload, is_admin), move |(_, admin)| {
            if *admin {
                wasm_bindgen_futures::spawn_local(async move {
                    list.set(Some(api::list().await.map_err(|e| e.message())));
                });
            }
        });
    }
    if session.as_ref().and_then(|s| s.user.as_ref()).is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    if !is_admin {
        return html! {
            <section class="card" data-testid="webhooks-forbidden">
                <h2>{ lang.t("wh-title") }</h2>
                <p>{ lang.t("wh-it-only") }</p>
            </section>
        };
    }
    let toggle = {
        let types = types.clone();
        Callback::from(move |t: EventType| {
            let mut v = (*types).clone();
            if let Some(i) = v.iter().position(|x| *x == t) {
                v.remove(i);
            } else {
                v.push(t);
            }
            types.set(v);
        })
    };
    let onsubmit = {
        let (url, description, types, channel, category) = (
            url.clone(),
            description.clone(),
            types.clone(),
            channel.clone(),
            category.clone(),
        );
        let (secret, errors, toast, reload) = (
            secret.clone(),
            errors.clone(),
            toast.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = CreateWebhookRequest {
                url: url.trim().to_owned(),
                description: description.trim().to_owned(),
                event_types: types.iter().map(|t| t.as_str().to_owned()).collect(),
                filter: WebhookFilter {
                    channel: opt(&channel),
                    category: opt(&category),
                },
                secret: None,
            };
            let (secret, errors, toast, reload, url) = (
                secret.clone(),
                errors.clone(),
                toast.clone(),
                reload.clone(),
                url.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::create(&body).await {
                    Ok(c) => {
                        errors.set(Vec::new());
                        url.set(String::new());
                        secret.set(Some(c.secret));
                        reload.set(*reload + 1);
                    }
                    Err(e) => {
                        let fields = e.field_errors();
                        if fields.is_empty() {
                            toast.emit((Tone::Bad, e.message()));
                        }
                        errors.set(fields);
                    }
                }
            });
        })
    };
    let act = {
        let (toast, reload, open) = (toast.clone(), reload.clone(), open.clone());
        Callback::from(move |(id, action): (Uuid, &'static str)| {
            if action == "delete" {
                let sure = web_sys::window()
                    .and_then(|w| w.confirm_with_message(&lang.t("wh-delete-confirm")).ok())
                    .unwrap_or(false);
                if !sure {
                    return;
                }
            }
            let (toast, reload, open) = (toast.clone(), reload.clone(), open.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let done = match action {
                    "ping" => api::ping(id).await.map(|a| match (a.status_code, a.error) {
                        (Some(200..=299), _) => (
                            Tone::Ok,
                            lang.t1("wh-ping-ok", "ms", &a.latency_ms.to_string()),
                        ),
                        (_, Some(err)) => (Tone::Bad, lang.t1("wh-ping-failed", "why", &err)),
                        (s, None) => (
                            Tone::Bad,
                            lang.t1("wh-ping-failed", "why", &format!("{s:?}")),
                        ),
                    }),
                    "delete" => api::remove(id).await.map(|_| {
                        open.set(None);
                        (Tone::Ok, lang.t("wh-deleted"))
                    }),
                    other => api::set_state(id, other)
                        .await
                        .map(|_| (Tone::Ok, lang.t(&format!("wh-{other}d")))),
                };
                match done {
                    Ok(msg) => toast.emit(msg),
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
                reload.set(*reload + 1);
            });
        })
    };
    let copy = {
        let (secret, toast) = (secret.clone(), toast.clone());
        Callback::from(move |_| {
            if let (Some(s), Some(w)) = (&*secret, web_sys::window()) {
                let _ = w.navigator().clipboard().write_text(s);
                toast.emit((Tone::Ok, lang.t("wh-copied")));
            }
        })
    };
    let rows = match &*list {
        None => html! { <p class="muted" data-testid="webhooks-loading">{ lang.t("loading") }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
        Some(Ok(v)) if v.is_empty() => {
            html! { <p class="muted" data-testid="webhooks-empty">{ lang.t("wh-none") }</p> }
        }
        Some(Ok(v)) => html! {
            <table class="queue" data-testid="webhook-list">
                <thead><tr>
                    <th>{ lang.t("wh-url") }</th>
                    <th>{ lang.t("wh-types") }</th>
                    <th>{ lang.t("col-state") }</th>
                    <th>{ lang.t("wh-counts") }</th>
                    <th></th>
                </tr></thead>
                <tbody>
                { for v.iter().map(|w| {
                    let id = w.id;
                    let paused = w.state == WebhookState::Paused;
                    let state = match (w.state, w.paused_reason) {
                        (WebhookState::Active, _) => lang.t("wh-active"),
                        (WebhookState::Paused, Some(PauseReason::Failures)) => lang.t1("wh-paused-failures", "n", &w.consecutive_failures.to_string()),
                        (WebhookState::Paused, _) => lang.t("wh-paused"),
                    };
                    html! {
                        <tr key={id.to_string()} data-testid="webhook-row">
                            <td><code>{ w.url.clone() }</code><br /><span class="muted">{ w.description.clone() }</span></td>
                            <td>{ for w.event_types.iter().map(|t| html! { <><code class="tag">{ t.as_str() }</code>{ " " }</> }) }</td>
                            <td data-testid="webhook-state" class={classes!(paused.then_some("warn"))}>{ state }</td>
                            <td data-testid="webhook-counts">{ format!("{} / {} / {}", w.pending, w.delivered, w.failed) }</td>
                            <td class="actions">
                                <button type="button" class="secondary" data-testid="webhook-log" onclick={{ let open = open.clone(); Callback::from(move |_| open.set(Some(id))) }}>{ lang.t("wh-log") }</button>
                                <button type="button" class="secondary" data-testid="webhook-ping" onclick={act.reform(move |_| (id, "ping"))}>{ lang.t("wh-ping") }</button>
                                if paused {
                                    <button type="button" data-testid="webhook-resume" onclick={act.reform(move |_| (id, "resume"))}>{ lang.t("wh-resume") }</button>
                                } else {
                                    <button type="button" class="secondary" data-testid="webhook-pause" onclick={act.reform(move |_| (id, "pause"))}>{ lang.t("wh-pause") }</button>
                                }
                                <button type="button" class="link danger" data-testid="webhook-delete" onclick={act.reform(move |_| (id, "delete"))}>{ lang.t("wh-delete") }</button>
                            </td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        },
    };
    html! {
        <section class="card wide" data-testid="webhooks">
            <h2>{ lang.t("wh-title") }</h2>
            <p class="muted">{ lang.t("wh-intro") }</p>
            if let Some(s) = &*secret {
                <div class="notice" role="status" data-testid="webhook-secret-box">
                    <p>{ lang.t("wh-secret-once") }</p>
                    <code data-testid="webhook-secret">{ s.clone() }</code>{ " " }
                    <button type="button" class="secondary" onclick={copy}>{ lang.t("copy") }</button>
                    { " " }
                    <button type="button" class="link" data-testid="webhook-secret-done" onclick={{ let s = secret.clone(); Callback::from(move |_| s.set(None)) }}>{ lang.t("wh-secret-stored") }</button>
                </div>
            }
            <form class="action" data-testid="webhook-form" {onsubmit}>
                <h3>{ lang.t("wh-new") }</h3>
                <div class="grid">
                    <div>
                        <label for="wh-url">{ lang.t("wh-url") }</label>
                        <input id="wh-url" data-testid="webhook-url" placeholder="https://erp.example.com/hooks/ecops" value={(*url).clone()} oninput={typed(&url)} />
                        { field_error(&errors, "url") }
                    </div>
                    <div>
                        <label for="wh-desc">{ lang.t("wh-description") }</label>
                        <input id="wh-desc" data-testid="webhook-description" value={(*description).clone()} oninput={typed(&description)} />
                    </div>
                    <div>
                        <label for="wh-channel">{ lang.t("wh-channel") }</label>
                        <input id="wh-channel" data-testid="webhook-channel" value={(*channel).clone()} oninput={typed(&channel)} />
                        { field_error(&errors, "filter.channel") }
                    </div>
                    <div>
                        <label for="wh-category">{ lang.t("wh-category") }</label>
                        <input id="wh-category" value={(*category).clone()} oninput={typed(&category)} />
                    </div>
                </div>
                <fieldset class="people">
                    <legend>{ lang.t("wh-types") }</legend>
                    { for EventType::ALL.iter().map(|t| {
                        let t = *t;
                        html! {
                            <label class="check" key={t.as_str()}>
                                <input type="checkbox" data-testid={format!("webhook-type-{}", t.as_str())} checked={types.contains(&t)} onchange={toggle.reform(move |_| t)} />
                                <code>{ t.as_str() }</code>
                            </label>
                        }
                    }) }
                </fieldset>
                { for errors.iter().filter(|(f, _)| f.starts_with("event_types")).map(|(_, m)| html! { <p class="field-error" role="alert">{ m.clone() }</p> }) }
                <button type="submit" data-testid="create-webhook">{ lang.t("wh-create") }</button>
            </form>
            { rows }
            if let Some(id) = *open {
                <DeliveryLog key={id.to_string()} {id} generation={*reload} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LogProps {
    id: Uuid,
    /// Changes when the list reloads (a ping, a resume): the log reloads with it.
    generation: u32,
}

fn state_key(s: DeliveryState) -> &'static str {
    match s {
        DeliveryState::Pending => "wh-pending",
        DeliveryState::Delivered => "wh-delivered",
        DeliveryState::Failed => "wh-failed",
    }
}

#[function_component(DeliveryLog)]
fn delivery_log(props: &LogProps) -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let id = props.id;
    let refresh = use_state(|| 0_u32);
    let filter = use_state(String::new);
    let deliveries = use_state(Vec::<DeliveryView>::new);
    let attempts = use_state(Vec::<AttemptView>::new);
    let from = use_state(String::new);
    let to = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    {
        let (deliveries, attempts, toast) = (deliveries.clone(), attempts.clone(), toast.clone());
        use_effect_with(
            (props.generation, *refresh, (*filter).clone()),
            move |(_, _, state)| {
                let state = state.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match (api::deliveries(id, &state).await, api::attempts(id).await) {
                        (Ok(d), Ok(a)) => {
                            deliveries.set(d.items);
                            attempts.set(a.items);
                        }
                        (Err(e), _) | (_, Err(e)) => toast.emit((Tone::Bad, e.message())),
                    }
                });
            },
        );
    }
    let redeliver = {
        let (toast, refresh) = (toast.clone(), refresh.clone());
        Callback::from(move |event: Uuid| {
            let (toast, refresh) = (toast.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::redeliver(id, event).await {
                    Ok(_) => toast.emit((Tone::Ok, lang.t("wh-requeued"))),
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
                refresh.set(*refresh + 1);
            });
        })
    };
    let onrange = {
        let (from, to, errors, toast, refresh) = (
            from.clone(),
            to.clone(),
            errors.clone(),
            toast.clone(),
            refresh.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(f), Some(t)) = (parse_local(&from), parse_local(&to)) else {
                errors.set(vec![("to".to_owned(), lang.t("bad-time"))]);
                return;
            };
            let (errors, toast, refresh) = (errors.clone(), toast.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::redeliver_range(id, &RedeliverRangeRequest { from: f, to: t }).await {
                    Ok(r) => {
                        errors.set(Vec::new());
                        toast.emit((
                            Tone::Ok,
                            lang.t1("wh-range-queued", "n", &r.queued.to_string()),
                        ));
                    }
                    Err(e) => {
                        let fields = e.field_errors();
                        if fields.is_empty() {
                            toast.emit((Tone::Bad, e.message()));
                        }
                        errors.set(fields);
                    }
                }
                refresh.set(*refresh + 1);
            });
        })
    };
    let pick = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                filter.set(s.value());
            }
        })
    };
    html! {
        <div class="log" data-testid="delivery-log">
            <h3>{ lang.t("wh-log") }</h3>
            <div class="toolbar">
                <label for="wh-filter">{ lang.t("col-state") }</label>
                <select id="wh-filter" data-testid="delivery-filter" onchange={pick}>
                    <option value="" selected={filter.is_empty()}>{ lang.t("wh-all") }</option>
                    { for DeliveryState::ALL.iter().map(|s| html! {
                        <option value={s.as_str()} selected={*filter == s.as_str()}>{ lang.t(state_key(*s)) }</option>
                    }) }
                </select>
                <button type="button" class="secondary" data-testid="delivery-refresh" onclick={{ let r = refresh.clone(); Callback::from(move |_| r.set(*r + 1)) }}>{ lang.t("wh-refresh") }</button>
            </div>
            if deliveries.is_empty() {
                <p class="muted" data-testid="deliveries-empty">{ lang.t("wh-no-deliveries") }</p>
            } else {
                <table class="queue" data-testid="delivery-list">
                    <thead><tr>
                        <th>{ "#" }</th>
                        <th>{ lang.t("wh-event") }</th>
                        <th>{ lang.t("col-state") }</th>
                        <th>{ lang.t("wh-tries") }</th>
                        <th>{ lang.t("wh-next") }</th>
                        <th></th>
                    </tr></thead>
                    <tbody>
                    { for deliveries.iter().map(|d| {
                        let event = d.event_id;
                        html! {
                            <tr key={event.to_string()} data-testid="delivery-row">
                                <td>{ d.seq }</td>
                                <td><code>{ d.event_type.as_str() }</code><br /><span class="muted">{ d.resource.clone() }</span></td>
                                <td data-testid="delivery-state">{ lang.t(state_key(d.state)) }
                                    if let Some(e) = &d.last_error { <br /><span class="muted">{ e.clone() }</span> }
                                </td>
                                <td>{ d.tries }</td>
                                <td>{ d.next_attempt_at.map(datetime).unwrap_or_default() }</td>
                                <td><button type="button" class="secondary" data-testid="delivery-redeliver" onclick={redeliver.reform(move |_| event)}>{ lang.t("wh-redeliver") }</button></td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
            <form class="action" data-testid="redeliver-range" onsubmit={onrange}>
                <h4>{ lang.t("wh-range") }</h4>
                <div class="grid">
                    <div>
                        <label for="wh-from">{ lang.t("wh-from") }</label>
                        <input id="wh-from" type="datetime-local" data-testid="range-from" value={(*from).clone()} oninput={typed(&from)} />
                    </div>
                    <div>
                        <label for="wh-to">{ lang.t("wh-to") }</label>
                        <input id="wh-to" type="datetime-local" data-testid="range-to" value={(*to).clone()} oninput={typed(&to)} />
                        { field_error(&errors, "to") }
                    </div>
                </div>
                <button type="submit" data-testid="range-submit">{ lang.t("wh-redeliver-range") }</button>
            </form>
            <h4>{ lang.t("wh-attempts") }</h4>
            if attempts.is_empty() {
                <p class="muted" data-testid="attempts-empty">{ lang.t("wh-no-attempts") }</p>
            } else {
                <table class="queue" data-testid="attempt-list">
                    <thead><tr>
                        <th>{ lang.t("wh-when") }</th>
                        <th>{ lang.t("wh-event") }</th>
                        <th>{ lang.t("wh-status") }</th>
                        <th>{ lang.t("wh-latency") }</th>
                        <th>{ lang.t("wh-answer") }</th>
                    </tr></thead>
                    <tbody>
                    { for attempts.iter().map(|a| html! {
                        <tr key={a.id.to_string()} data-testid="attempt-row">
                            <td>{ datetime(a.attempted_at) }<br /><span class="muted">{ a.node.clone() }</span></td>
                            <td><code>{ a.event_type.clone() }</code></td>
                            <td data-testid="attempt-status" class={classes!((!a.status_code.is_some_and(|s| (200..300).contains(&s))).then_some("warn"))}>
                                { a.status_code.map(|s| s.to_string()).unwrap_or_else(|| a.error.clone().unwrap_or_default()) }
                            </td>
                            <td data-testid="attempt-latency">{ format!("{} ms", a.latency_ms) }</td>
                            <td><code class="excerpt">{ a.response_excerpt.clone() }</code></td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
