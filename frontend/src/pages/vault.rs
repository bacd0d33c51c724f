//! The official-account vault (R-SEC-1), for its custodians: the entries (never a secret in the
//! list), a reveal with a reason (the secret shown for 30 seconds, with a copy button), who
//! revealed it when and why, and a change of the secret or the custodians sent to the general
//! manager for approval.

use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::forms::{chosen, typed};
use crate::components::toast::{use_toast, Tone};
use crate::format::datetime;
use crate::i18n::Lang;
use crate::services::vault;
use chrono::{DateTime, Utc};
use ecops_api_types::{
    AccountKind, CreateVaultEntryRequest, JobRole, ProposeVaultChangeRequest, RevealView,
    VaultChangeView, VaultEntryView,
};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

/// The roles that keep the vault by default and may record entries.
pub const KEEPERS: [JobRole; 3] = [
    JobRole::DeptManager,
    JobRole::ItAdmin,
    JobRole::GeneralManager,
];

/// How long a revealed secret stays on the screen.
const SHOWN_SECS: i64 = 30;

fn kind_text(lang: Lang, k: AccountKind) -> String {
    lang.t(&format!("account-{}", k.as_str()))
}

fn role_text(lang: Lang, r: JobRole) -> String {
    lang.t(&format!("role-{}", r.as_str()))
}

/// Checkboxes for the custodian roles.
fn role_boxes(lang: Lang, prefix: &str, chosen: &UseStateHandle<Vec<JobRole>>) -> Html {
    html! {
        <fieldset class="checks" data-testid={format!("{prefix}-roles")}>
            <legend>{ lang.t("vault-custodian-roles") }</legend>
            { for JobRole::ALL.into_iter().map(|r| {
                let on = chosen.contains(&r);
                let chosen = chosen.clone();
                let toggle = Callback::from(move |_| {
                    let mut v = (*chosen).clone();
                    if let Some(i) = v.iter().position(|x| *x == r) { v.remove(i); } else { v.push(r); }
                    chosen.set(v);
                });
                html! {
                    <label class="check">
                        <input type="checkbox" checked={on} onchange={toggle} data-testid={format!("{prefix}-role-{}", r.as_str())} />
                        { role_text(lang, r) }
                    </label>
                }
            }) }
        </fieldset>
    }
}

#[function_component(Vault)]
pub fn vault_page() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let entries = use_state(|| None::<Result<Vec<VaultEntryView>, String>>);
    let reload = use_state(|| 0_u32);
    let selected = use_state(|| None::<Uuid>);
    {
        let entries = entries.clone();
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                entries.set(Some(vault::entries().await.map_err(|e| e.message())));
            });
        });
    }
    let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let keeper = user.roles.iter().any(|r| KEEPERS.contains(r));
    let operator = user.permission_level != ecops_api_types::PermissionLevel::Viewer;
    let refresh = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };
    let list = match &*entries {
        None => html! { <p class="loading">{ lang.t("loading") }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
        Some(Ok(items)) if items.is_empty() => {
            html! { <p class="muted" data-testid="vault-empty">{ lang.t("vault-empty") }</p> }
        }
        Some(Ok(items)) => html! {
            <table class="queue" data-testid="vault-list">
                <thead><tr>
                    <th>{ lang.t("vault-name") }</th>
                    <th>{ lang.t("vault-kind") }</th>
                    <th>{ lang.t("vault-login") }</th>
                    <th>{ lang.t("vault-custodians") }</th>
                    <th>{ lang.t("vault-secret-changed") }</th>
                    <th></th>
                </tr></thead>
                <tbody>
                { for items.iter().map(|e| {
                    let id = e.id;
                    let open = { let s = selected.clone(); Callback::from(move |_| s.set(Some(id))) };
                    let mut keepers: Vec<String> = e.custodian_roles.iter().map(|r| role_text(lang, *r)).collect();
                    keepers.extend(e.custodian_names.iter().cloned());
                    html! {
                        <tr key={id.to_string()} data-testid="vault-row" class={classes!((*selected == Some(id)).then_some("here"))}>
                            <td>{ &e.name }
                                if e.pending_change.is_some() { { " " }<span class="badge warn" data-testid="vault-pending">{ lang.t("vault-change-pending") }</span> }
                            </td>
                            <td>{ kind_text(lang, e.kind) }</td>
                            <td>{ e.login.clone().unwrap_or_default() }</td>
                            <td>{ keepers.join("、") }</td>
                            <td>{ datetime(e.secret_changed_at) }</td>
                            <td><button type="button" class="secondary" data-testid="vault-open" onclick={open}>{ lang.t("open") }</button></td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        },
    };
    let current = match (&*entries, *selected) {
        (Some(Ok(items)), Some(id)) => items.iter().find(|e| e.id == id).cloned(),
        _ => None,
    };
    html! {
        <section class="card wide" data-testid="vault">
            <h2>{ lang.t("vault-title") }</h2>
            <p class="muted">{ lang.t("vault-explain") }</p>
            { list }
            if let Some(entry) = current {
                <EntryPanel key={format!("{}-{}-{}", entry.id, entry.version, entry.pending_change.is_some())} entry={entry.clone()} operator={operator} on_change={refresh.clone()} />
            }
            if keeper && operator {
                <NewEntry on_done={refresh} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    entry: VaultEntryView,
    /// Whether the user may send changes (operators and above; viewers read).
    operator: bool,
    on_change: Callback<()>,
}

#[function_component(EntryPanel)]
fn entry_panel(p: &PanelProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let reason = use_state(String::new);
    let revealed = use_state(|| None::<(String, DateTime<Utc>)>);
    let now = use_state(Utc::now);
    let history = use_state(Vec::<RevealView>::new);
    let changes = use_state(Vec::<VaultChangeView>::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let new_secret = use_state(String::new);
    let change_roles = use_state(|| p.entry.custodian_roles.clone());
    let change_reason = use_state(String::new);
    let id = p.entry.id;
    let load = {
        let (history, changes) = (history.clone(), changes.clone());
        Callback::from(move |_: ()| {
            let (history, changes) = (history.clone(), changes.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(h) = vault::reveals(id).await {
                    history.set(h);
                }
                if let Ok(c) = vault::changes(id).await {
                    changes.set(c);
                }
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with(id, move |_| load.emit(()));
    }
    {
        // The countdown while a secret is shown; at zero it is hidden again.
        let (now, revealed) = (now.clone(), revealed.clone());
        use_effect_with(revealed.is_some(), move |shown| {
            let tick = shown.then(|| {
                gloo_timers::callback::Interval::new(1000, move || {
                    let t = Utc::now();
                    now.set(t);
                    if let Some((_, at)) = &*revealed {
                        if (t - *at).num_seconds() >= SHOWN_SECS {
                            revealed.set(None);
                        }
                    }
                })
            });
            move || drop(tick)
        });
    }
    let onreveal = {
        let (reason, revealed, toast, errors, load) = (
            reason.clone(),
            revealed.clone(),
            toast.clone(),
            errors.clone(),
            load.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let why = reason.trim().to_owned();
            let (revealed, toast, errors, load, reason) = (
                revealed.clone(),
                toast.clone(),
                errors.clone(),
                load.clone(),
                reason.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match vault::reveal(id, &why).await {
                    Ok(s) => {
                        errors.set(Vec::new());
                        reason.set(String::new());
                        revealed.set(Some((s.secret, Utc::now())));
                        load.emit(());
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
    let copy = {
        let (revealed, toast) = (revealed.clone(), toast.clone());
        Callback::from(move |_| {
            if let (Some((s, _)), Some(w)) = (&*revealed, web_sys::window()) {
                let _ = w.navigator().clipboard().write_text(s);
                toast.emit((Tone::Ok, lang.t("copied")));
            }
        })
    };
    let hide = {
        let revealed = revealed.clone();
        Callback::from(move |_| revealed.set(None))
    };
    let onchange = {
        let (new_secret, change_roles, change_reason, toast, errors, on_change) = (
            new_secret.clone(),
            change_roles.clone(),
            change_reason.clone(),
            toast.clone(),
            errors.clone(),
            p.on_change.clone(),
        );
        let before = p.entry.custodian_roles.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let roles_changed = {
                let mut a = (*change_roles).clone();
                let mut b = before.clone();
                a.sort_by_key(|r| r.as_str());
                b.sort_by_key(|r| r.as_str());
                a != b
            };
            let body = ProposeVaultChangeRequest {
                secret: (!new_secret.is_empty()).then(|| (*new_secret).clone()),
                custodian_roles: roles_changed.then(|| (*change_roles).clone()),
                custodian_users: None,
                reason: change_reason.trim().to_owned(),
            };
            let (toast, errors, on_change, new_secret, change_reason) = (
                toast.clone(),
                errors.clone(),
                on_change.clone(),
                new_secret.clone(),
                change_reason.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match vault::propose(id, &body).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        new_secret.set(String::new());
                        change_reason.set(String::new());
                        toast.emit((Tone::Ok, lang.t("vault-change-sent")));
                        on_change.emit(());
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
    let e = &p.entry;
    let left = revealed
        .as_ref()
        .map(|(_, at)| (SHOWN_SECS - (*now - *at).num_seconds()).max(0));
    html! {
        <div class="panel" data-testid="vault-entry">
            <h3>{ &e.name }</h3>
            <dl class="facts">
                <dt>{ lang.t("vault-kind") }</dt><dd>{ kind_text(lang, e.kind) }</dd>
                <dt>{ lang.t("vault-url") }</dt><dd>{ e.url.clone().unwrap_or_default() }</dd>
                <dt>{ lang.t("vault-login") }</dt><dd data-testid="vault-login">{ e.login.clone().unwrap_or_default() }</dd>
                <dt>{ lang.t("vault-notes") }</dt><dd>{ &e.notes }</dd>
            </dl>
            if let (Some((secret, _)), Some(left)) = (&*revealed, left) {
                <div class="notice" role="status" data-testid="revealed">
                    <code data-testid="revealed-secret">{ secret.clone() }</code>{ " " }
                    <button type="button" class="secondary" data-testid="copy-revealed" onclick={copy}>{ lang.t("copy") }</button>{ " " }
                    <button type="button" class="link" onclick={hide}>{ lang.t("vault-hide") }</button>
                    <p class="muted" data-testid="reveal-countdown">{ lang.t1("vault-hides-in", "seconds", &left.to_string()) }</p>
                </div>
            } else {
                <form class="action" data-testid="reveal-form" onsubmit={onreveal}>
                    <label for="reveal-reason">{ lang.t("vault-reveal-reason") }</label>
                    <input id="reveal-reason" data-testid="reveal-reason" value={(*reason).clone()} oninput={typed(&reason)} required=true minlength="4" />
                    { field_error(&errors, "reason") }
                    <button type="submit" data-testid="reveal">{ lang.t("vault-reveal") }</button>
                </form>
            }
            <h4>{ lang.t("vault-history") }</h4>
            if history.is_empty() {
                <p class="muted" data-testid="reveal-history-empty">{ lang.t("vault-no-reveals") }</p>
            } else {
                <table class="queue" data-testid="reveal-history">
                    <thead><tr>
                        <th>{ lang.t("audit-when") }</th>
                        <th>{ lang.t("audit-who") }</th>
                        <th>{ lang.t("vault-why") }</th>
                        <th>{ lang.t("audit-from") }</th>
                    </tr></thead>
                    <tbody>
                    { for history.iter().map(|h| html! {
                        <tr data-testid="reveal-row">
                            <td>{ datetime(h.at) }</td>
                            <td>{ h.by_name.clone().unwrap_or_default() }</td>
                            <td>{ &h.reason }</td>
                            <td>{ h.client_addr.clone().unwrap_or_default() }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            <h4>{ lang.t("vault-change-title") }</h4>
            if let Some(c) = &e.pending_change {
                <p class="notice" data-testid="vault-change-waiting">{ lang.t1("vault-change-waiting", "reason", &c.reason) }</p>
            } else if !p.operator {
                <p class="muted" data-testid="vault-change-operators">{ lang.t("vault-change-operators") }</p>
            } else {
                <form class="action" data-testid="vault-change-form" onsubmit={onchange}>
                    <p class="muted">{ lang.t("vault-change-explain") }</p>
                    <label for="vault-new-secret">{ lang.t("vault-new-secret") }</label>
                    <input id="vault-new-secret" type="password" autocomplete="new-password" data-testid="vault-change-secret" value={(*new_secret).clone()} oninput={typed(&new_secret)} />
                    { role_boxes(lang, "change", &change_roles) }
                    <label for="vault-change-reason">{ lang.t("vault-change-reason") }</label>
                    <input id="vault-change-reason" data-testid="vault-change-reason" value={(*change_reason).clone()} oninput={typed(&change_reason)} required=true />
                    { field_error(&errors, "secret") }
                    { field_error(&errors, "custodian_roles") }
                    <button type="submit" data-testid="vault-change-submit">{ lang.t("vault-change-submit") }</button>
                </form>
            }
            if !changes.is_empty() {
                <table class="queue" data-testid="vault-changes">
                    <thead><tr>
                        <th>{ lang.t("audit-when") }</th>
                        <th>{ lang.t("vault-change-what") }</th>
                        <th>{ lang.t("vault-why") }</th>
                        <th>{ lang.t("vault-change-state") }</th>
                    </tr></thead>
                    <tbody>
                    { for changes.iter().map(|c| {
                        let mut what = Vec::new();
                        if c.secret_changes { what.push(lang.t("vault-change-secret")); }
                        if let Some(r) = &c.custodian_roles { what.push(r.iter().map(|r| role_text(lang, *r)).collect::<Vec<_>>().join("、")); }
                        html! {
                            <tr data-testid="vault-change-row">
                                <td>{ datetime(c.created_at) }</td>
                                <td>{ what.join("; ") }</td>
                                <td>{ &c.reason }</td>
                                <td><span class={classes!("badge", match c.state.as_str() { "applied" => "ok", "pending" => "warn", _ => "bad" })}>{ lang.t(&format!("vault-state-{}", c.state)) }</span></td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NewProps {
    on_done: Callback<()>,
}

#[function_component(NewEntry)]
fn new_entry(p: &NewProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let name = use_state(String::new);
    let kind = use_state(|| "shop_backoffice".to_owned());
    let url = use_state(String::new);
    let login = use_state(String::new);
    let notes = use_state(String::new);
    let secret = use_state(String::new);
    let roles = use_state(|| KEEPERS.to_vec());
    let errors = use_state(Vec::<(String, String)>::new);
    let onsubmit = {
        let (name, kind, url, login, notes, secret, roles, errors, toast, on_done) = (
            name.clone(),
            kind.clone(),
            url.clone(),
            login.clone(),
            notes.clone(),
            secret.clone(),
            roles.clone(),
            errors.clone(),
            toast.clone(),
            p.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
            let body = CreateVaultEntryRequest {
                name: name.trim().to_owned(),
                kind: AccountKind::ALL
                    .into_iter()
                    .find(|k| k.as_str() == kind.as_str())
                    .unwrap_or(AccountKind::Other),
                url: opt(&url),
                login: opt(&login),
                notes: (*notes).clone(),
                secret: (*secret).clone(),
                custodian_roles: Some((*roles).clone()),
                custodian_users: Vec::new(),
            };
            let (errors, toast, on_done, name, secret) = (
                errors.clone(),
                toast.clone(),
                on_done.clone(),
                name.clone(),
                secret.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match vault::create(&body).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        name.set(String::new());
                        secret.set(String::new());
                        toast.emit((Tone::Ok, lang.t("vault-created")));
                        on_done.emit(());
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
    html! {
        <form class="action" data-testid="vault-new" {onsubmit}>
            <h3>{ lang.t("vault-new") }</h3>
            <div class="grid">
                <div>
                    <label for="vn-name">{ lang.t("vault-name") }</label>
                    <input id="vn-name" data-testid="vault-new-name" value={(*name).clone()} oninput={typed(&name)} required=true />
                    { field_error(&errors, "name") }
                </div>
                <div>
                    <label for="vn-kind">{ lang.t("vault-kind") }</label>
                    <select id="vn-kind" data-testid="vault-new-kind" onchange={chosen(&kind)}>
                        { for AccountKind::ALL.into_iter().map(|k| html! { <option value={k.as_str()} selected={*kind == k.as_str()}>{ kind_text(lang, k) }</option> }) }
                    </select>
                </div>
                <div>
                    <label for="vn-url">{ lang.t("vault-url") }</label>
                    <input id="vn-url" data-testid="vault-new-url" value={(*url).clone()} oninput={typed(&url)} />
                </div>
                <div>
                    <label for="vn-login">{ lang.t("vault-login") }</label>
                    <input id="vn-login" data-testid="vault-new-login" value={(*login).clone()} oninput={typed(&login)} />
                </div>
                <div>
                    <label for="vn-secret">{ lang.t("vault-secret") }</label>
                    <input id="vn-secret" type="password" autocomplete="new-password" data-testid="vault-new-secret" value={(*secret).clone()} oninput={typed(&secret)} required=true />
                    { field_error(&errors, "secret") }
                </div>
                <div>
                    <label for="vn-notes">{ lang.t("vault-notes") }</label>
                    <input id="vn-notes" data-testid="vault-new-notes" value={(*notes).clone()} oninput={typed(&notes)} />
                </div>
            </div>
            { role_boxes(lang, "new", &roles) }
            { field_error(&errors, "custodian_roles") }
            <button type="submit" data-testid="vault-new-submit">{ lang.t("vault-create") }</button>
        </form>
    }
}
