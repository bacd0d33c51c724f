//! Administration (IT admin): accounts (creating one, its job roles, deactivating it, asking for
//! a permission level through the joint approval), API tokens (the secret shown once), the audit
//! log with its filters and CSV, and the daily order exports with their checksums.

use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::forms::{chosen, typed};
use crate::components::paged::use_paged;
use crate::components::toast::{use_toast, Tone};
use crate::format::{datetime, money, parse_local, parse_yuan};
use crate::i18n::Lang;
use crate::services::admin;
use ecops_api_types::{
    ApiTokenView, CreateApiTokenRequest, CreateUserRequest, JobRole, UserView, API_SCOPES,
};
use std::collections::HashMap;
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

/// The tabs of the administration screens.
fn tabs(lang: Lang, here: &Route) -> Html {
    let tab = |route: Route, key: &str| {
        let on = *here == route;
        html! {
            <Link<Route> to={route} classes={classes!("tab", on.then_some("here"))}>
                <span data-testid={format!("tab-{key}")}>{ lang.t(&format!("admin-{key}")) }</span>
            </Link<Route>>
        }
    };
    html! {
        <nav class="tabs links" aria-label={lang.t("nav-admin")}>
            { tab(Route::AdminUsers, "users") }
            { tab(Route::AdminTokens, "tokens") }
            { tab(Route::AdminAudit, "audit") }
            { tab(Route::AdminExports, "exports") }
            { tab(Route::AdminBackups, "backups") }
        </nav>
    }
}

/// The page's frame: the session, and only IT admins past it.
fn guard(session: &Option<Session>, lang: Lang) -> Result<UserView, Html> {
    let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
        return Err(html! { <Redirect<Route> to={Route::Login} /> });
    };
    if !user.roles.contains(&JobRole::ItAdmin) {
        return Err(html! {
            <section class="card"><p class="error" role="alert">{ lang.t("it-only") }</p></section>
        });
    }
    Ok(user)
}

fn role_text(lang: Lang, r: JobRole) -> String {
    lang.t(&format!("role-{}", r.as_str()))
}

#[function_component(AdminUsers)]
pub fn admin_users() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let show_inactive = use_state(bool::default);
    let query = if *show_inactive {
        String::new()
    } else {
        "active=true".to_owned()
    };
    let rows = use_paged(query, |q| Box::pin(admin::users(q)));
    let selected = use_state(|| None::<Uuid>);
    let me = match guard(&session, lang) {
        Ok(u) => u,
        Err(h) => return h,
    };
    let reload = rows.reload.clone();
    let chosen_user = selected.and_then(|id| rows.items().iter().find(|u| u.id == id).cloned());
    html! {
        <section class="card wide" data-testid="admin-users">
            <h2>{ lang.t("admin-title") }</h2>
            { tabs(lang, &Route::AdminUsers) }
            <NewUser on_done={reload.clone()} />
            <div class="filters">
                <label class="check">
                    <input type="checkbox" checked={*show_inactive}
                        onchange={{ let s = show_inactive.clone(); Callback::from(move |_| s.set(!*s)) }} />
                    { lang.t("show-inactive") }
                </label>
            </div>
            if let Some(state) = rows.status(lang, "nobody", "users-empty") {
                { state }
            } else {
                <table class="queue" data-testid="user-list">
                    <thead><tr>
                        <th>{ lang.t("username") }</th>
                        <th>{ lang.t("display-name") }</th>
                        <th>{ lang.t("roles") }</th>
                        <th>{ lang.t("permission-level") }</th>
                        <th>{ lang.t("staff-level") }</th>
                        <th>{ lang.t("col-state") }</th>
                    </tr></thead>
                    <tbody>
                    { for rows.items().iter().map(|u| {
                        let id = u.id;
                        let pick = { let s = selected.clone(); Callback::from(move |_| s.set(Some(id))) };
                        html! {
                            <tr key={u.id.to_string()} data-testid="user-row"
                                class={classes!((*selected == Some(u.id)).then_some("selected"))} onclick={pick}>
                                <td><button type="button" class="link" data-testid="user-open">{ &u.username }</button></td>
                                <td>{ &u.display_name }</td>
                                <td>{ u.roles.iter().map(|r| role_text(lang, *r)).collect::<Vec<_>>().join("、") }</td>
                                <td data-testid="user-level">{ lang.t(&format!("level-{}", u.permission_level.as_str())) }</td>
                                <td>{ u.staff_level.as_str() }</td>
                                <td>{ lang.t(if u.active { "active" } else { "inactive" }) }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                { rows.more(lang) }
            }
            if let Some(u) = chosen_user {
                <UserPanel key={u.id.to_string()} user={u.clone()} me={me.id} on_done={reload} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DoneProps {
    on_done: Callback<()>,
}

/// Creating an account: it starts at `viewer`; a higher level goes through the joint approval.
#[function_component(NewUser)]
fn new_user(p: &DoneProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let open = use_state(bool::default);
    let username = use_state(String::new);
    let display = use_state(String::new);
    let password = use_state(String::new);
    let staff_level = use_state(|| "P".to_owned());
    let wage = use_state(String::new);
    let phone = use_state(String::new);
    let roles = use_state(Vec::<JobRole>::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(bool::default);
    if !*open {
        return html! {
            <button type="button" data-testid="new-user" onclick={{ let o = open.clone(); Callback::from(move |_| o.set(true)) }}>{ lang.t("new-user") }</button>
        };
    }
    let toggle = {
        let roles = roles.clone();
        Callback::from(move |r: JobRole| {
            let mut v = (*roles).clone();
            if let Some(i) = v.iter().position(|x| *x == r) {
                v.remove(i);
            } else {
                v.push(r);
            }
            roles.set(v);
        })
    };
    let onsubmit = {
        let (
            username,
            display,
            password,
            staff_level,
            wage,
            phone,
            roles,
            errors,
            busy,
            toast,
            done,
            open,
        ) = (
            username.clone(),
            display.clone(),
            password.clone(),
            staff_level.clone(),
            wage.clone(),
            phone.clone(),
            roles.clone(),
            errors.clone(),
            busy.clone(),
            toast.clone(),
            p.on_done.clone(),
            open.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let wage_fen = if wage.trim().is_empty() {
                None
            } else {
                match parse_yuan(&wage) {
                    Some(f) => Some(f),
                    None => {
                        errors.set(vec![("monthly_wage_fen".to_owned(), lang.t("bad-amount"))]);
                        return;
                    }
                }
            };
            let body = CreateUserRequest {
                username: username.trim().to_owned(),
                display_name: display.trim().to_owned(),
                password: (*password).clone(),
                roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
                staff_level: Some((*staff_level).clone()),
                monthly_wage_fen: wage_fen,
                phone: Some(phone.trim().to_owned()).filter(|p| !p.is_empty()),
                is_special: false,
                permission_level: None,
                employed_from: None,
            };
            let (errors, busy, toast, done, open) = (
                errors.clone(),
                busy.clone(),
                toast.clone(),
                done.clone(),
                open.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match admin::create_user(&body).await {
                    Ok(r) => {
                        errors.set(Vec::new());
                        toast.emit((Tone::Ok, lang.t1("user-created", "name", &r.user.username)));
                        open.set(false);
                        done.emit(());
                    }
                    Err(e) => {
                        let fields = e.field_errors();
                        if fields.is_empty() {
                            toast.emit((Tone::Bad, e.message()));
                        }
                        errors.set(fields);
                    }
                }
                busy.set(false);
            });
        })
    };
    html! {
        <form class="action" data-testid="new-user-form" {onsubmit}>
            <h3>{ lang.t("new-user") }</h3>
            <div class="grid">
                <div>
                    <label for="nu-username">{ lang.t("username") }</label>
                    <input id="nu-username" autocomplete="off" value={(*username).clone()} oninput={typed(&username)} />
                    { field_error(&errors, "username") }
                </div>
                <div>
                    <label for="nu-display">{ lang.t("display-name") }</label>
                    <input id="nu-display" value={(*display).clone()} oninput={typed(&display)} />
                    { field_error(&errors, "display_name") }
                </div>
                <div>
                    <label for="nu-password">{ lang.t("initial-password") }</label>
                    <input id="nu-password" type="password" autocomplete="new-password" value={(*password).clone()} oninput={typed(&password)} />
                    { field_error(&errors, "password") }
                </div>
                <div>
                    <label for="nu-level">{ lang.t("staff-level") }</label>
                    <select id="nu-level" onchange={chosen(&staff_level)}>
                        <option value="P" selected={*staff_level == "P"}>{ lang.t("staff-p") }</option>
                        <option value="M" selected={*staff_level == "M"}>{ lang.t("staff-m") }</option>
                    </select>
                </div>
                <div>
                    <label for="nu-wage">{ lang.t("monthly-wage") }</label>
                    <input id="nu-wage" inputmode="decimal" value={(*wage).clone()} oninput={typed(&wage)} />
                    { field_error(&errors, "monthly_wage_fen") }
                </div>
                <div>
                    <label for="nu-phone">{ lang.t("work-phone") }</label>
                    <input id="nu-phone" type="tel" value={(*phone).clone()} oninput={typed(&phone)} />
                    { field_error(&errors, "phone") }
                </div>
            </div>
            <fieldset class="people">
                <legend>{ lang.t("roles") }</legend>
                { for JobRole::ALL.iter().map(|r| {
                    let r = *r;
                    html! {
                        <label class="check" key={r.as_str()}>
                            <input type="checkbox" checked={roles.contains(&r)} onchange={toggle.reform(move |_| r)} />
                            { role_text(lang, r) }
                        </label>
                    }
                }) }
            </fieldset>
            { field_error(&errors, "roles") }
            <p class="muted">{ lang.t("starts-as-viewer") }</p>
            <div class="actions">
                <button type="submit" data-testid="create-user" disabled={*busy}>{ lang.t("create-user") }</button>
                <button type="button" class="secondary" onclick={{ let o = open.clone(); Callback::from(move |_| o.set(false)) }}>{ lang.t("cancel") }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    user: UserView,
    me: Uuid,
    on_done: Callback<()>,
}

/// One account: its job roles, a permission-level request with where it stands, deactivation.
#[function_component(UserPanel)]
fn user_panel(p: &PanelProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let roles = use_state(|| p.user.roles.clone());
    let staff_level = use_state(|| p.user.staff_level.as_str().to_owned());
    let wage = use_state(|| {
        p.user
            .monthly_wage_fen
            .map(|f| format!("{}.{:02}", f / 100, f % 100))
            .unwrap_or_default()
    });
    let phone = use_state(|| p.user.phone.clone().unwrap_or_default());
    let level = use_state(|| "operator".to_owned());
    let reason = use_state(String::new);
    let requests = use_state(Vec::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let reload = use_state(|| 0u32);
    let confirming = use_state(bool::default);
    {
        let (requests, id) = (requests.clone(), p.user.id);
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(list) = admin::level_requests(id).await {
                    requests.set(list);
                }
            });
        });
    }
    let id = p.user.id;
    let toggle = {
        let roles = roles.clone();
        Callback::from(move |r: JobRole| {
            let mut v = (*roles).clone();
            if let Some(i) = v.iter().position(|x| *x == r) {
                v.remove(i);
            } else {
                v.push(r);
            }
            roles.set(v);
        })
    };
    let save_roles = {
        let (roles, toast, done) = (roles.clone(), toast.clone(), p.on_done.clone());
        Callback::from(move |_| {
            let (list, toast, done) = (
                roles
                    .iter()
                    .map(|r| r.as_str().to_owned())
                    .collect::<Vec<_>>(),
                toast.clone(),
                done.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match admin::set_roles(id, list).await {
                    Ok(_) => {
                        toast.emit((Tone::Ok, lang.t("roles-saved")));
                        done.emit(());
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    let save_profile = {
        let (staff_level, wage, phone, toast, done, version) = (
            staff_level.clone(),
            wage.clone(),
            phone.clone(),
            toast.clone(),
            p.on_done.clone(),
            p.user.version,
        );
        // Only what changed is sent: an unchanged wage is not audited as a wage change.
        let before = (
            p.user.staff_level.as_str().to_owned(),
            p.user.monthly_wage_fen,
            p.user.phone.clone().unwrap_or_default(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let wage_fen = if wage.trim().is_empty() {
                None
            } else {
                match parse_yuan(&wage) {
                    Some(f) => Some(f),
                    None => {
                        toast.emit((Tone::Bad, lang.t("bad-amount")));
                        return;
                    }
                }
            };
            let body = ecops_api_types::UpdateUserRequest {
                display_name: None,
                staff_level: Some((*staff_level).clone()).filter(|l| *l != before.0),
                monthly_wage_fen: wage_fen.filter(|w| Some(*w) != before.1),
                phone: Some(phone.trim().to_owned()).filter(|p| *p != before.2),
            };
            if body.staff_level.is_none() && body.monthly_wage_fen.is_none() && body.phone.is_none()
            {
                toast.emit((Tone::Ok, lang.t("profile-saved")));
                return;
            }
            let (toast, done) = (toast.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match admin::update_user(id, version, &body).await {
                    Ok(_) => {
                        toast.emit((Tone::Ok, lang.t("profile-saved")));
                        done.emit(());
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    let ask_level = {
        let (level, reason, errors, toast, reload) = (
            level.clone(),
            reason.clone(),
            errors.clone(),
            toast.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (level, why, errors, toast, reload) = (
                (*level).clone(),
                reason.trim().to_owned(),
                errors.clone(),
                toast.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match admin::request_level(id, &level, &why).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        toast.emit((Tone::Ok, lang.t("level-requested")));
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
    let deactivate = {
        let (toast, done, confirming) = (toast.clone(), p.on_done.clone(), confirming.clone());
        Callback::from(move |_| {
            let (toast, done, confirming) = (toast.clone(), done.clone(), confirming.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match admin::deactivate(id).await {
                    Ok(u) => {
                        toast.emit((Tone::Ok, lang.t1("user-deactivated", "name", &u.username)));
                        confirming.set(false);
                        done.emit(());
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    let u = &p.user;
    html! {
        <div class="card inset" data-testid="user-panel">
            <h3>{ format!("{} ({})", u.display_name, u.username) }</h3>
            <dl class="facts">
                <dt>{ lang.t("permission-level") }</dt><dd>{ lang.t(&format!("level-{}", u.permission_level.as_str())) }</dd>
                <dt>{ lang.t("monthly-wage") }</dt><dd>{ u.monthly_wage_fen.map(money).unwrap_or_default() }</dd>
                <dt>{ lang.t("password-expires") }</dt><dd>{ datetime(u.password_expires_at) }</dd>
            </dl>
            <fieldset class="people" data-testid="role-editor">
                <legend>{ lang.t("roles") }</legend>
                { for JobRole::ALL.iter().map(|r| {
                    let r = *r;
                    html! {
                        <label class="check" key={r.as_str()}>
                            <input type="checkbox" data-testid={format!("role-{}", r.as_str())} checked={roles.contains(&r)} onchange={toggle.reform(move |_| r)} />
                            { role_text(lang, r) }
                        </label>
                    }
                }) }
            </fieldset>
            <button type="button" data-testid="save-roles" onclick={save_roles}>{ lang.t("save-roles") }</button>
            <form class="action" data-testid="profile-form" onsubmit={save_profile}>
                <div class="grid">
                    <div>
                        <label for="up-level">{ lang.t("staff-level") }</label>
                        <select id="up-level" onchange={chosen(&staff_level)}>
                            <option value="P" selected={*staff_level == "P"}>{ lang.t("staff-p") }</option>
                            <option value="M" selected={*staff_level == "M"}>{ lang.t("staff-m") }</option>
                        </select>
                    </div>
                    <div>
                        <label for="up-wage">{ lang.t("monthly-wage") }</label>
                        <input id="up-wage" inputmode="decimal" value={(*wage).clone()} oninput={typed(&wage)} />
                    </div>
                    <div>
                        <label for="up-phone">{ lang.t("work-phone") }</label>
                        <input id="up-phone" type="tel" value={(*phone).clone()} oninput={typed(&phone)} />
                    </div>
                </div>
                <button type="submit" data-testid="save-profile">{ lang.t("save-profile") }</button>
            </form>
            <form class="action" data-testid="level-form" onsubmit={ask_level}>
                <h4>{ lang.t("level-request") }</h4>
                <p class="muted">{ lang.t("level-request-explain") }</p>
                <div class="grid">
                    <div>
                        <label for="lv-level">{ lang.t("permission-level") }</label>
                        <select id="lv-level" onchange={chosen(&level)}>
                            { for ["viewer", "operator", "db_admin"].iter().map(|l| html! {
                                <option value={*l} selected={*level == *l}>{ lang.t(&format!("level-{l}")) }</option>
                            }) }
                        </select>
                    </div>
                    <div>
                        <label for="lv-reason">{ lang.t("reason") }</label>
                        <input id="lv-reason" data-testid="level-reason" value={(*reason).clone()} oninput={typed(&reason)} />
                        { field_error(&errors, "reason") }
                    </div>
                </div>
                <button type="submit" data-testid="request-level">{ lang.t("request-level") }</button>
            </form>
            if !requests.is_empty() {
                <ul class="plain" data-testid="level-requests">
                    { for requests.iter().map(|r: &ecops_api_types::ApprovalRequestView| html! {
                        <li key={r.id.to_string()}>
                            <a href={format!("/approvals/{}", r.id)}>{ datetime(r.created_at) }</a>{ " · " }
                            { r.payload.get("to").and_then(|v| v.as_str()).map(|l| lang.t(&format!("level-{l}"))).unwrap_or_default() }{ " · " }
                            <span class={classes!("badge", super::approvals::state_key(r.state))}>{ lang.t(&format!("state-{}", super::approvals::state_key(r.state))) }</span>
                        </li>
                    }) }
                </ul>
            }
            if u.active && u.id != p.me {
                if *confirming {
                    <div class="notice" role="alert">
                        { lang.t1("deactivate-confirm", "name", &u.username) }
                        <div class="actions">
                            <button type="button" data-testid="confirm-deactivate" onclick={deactivate}>{ lang.t("deactivate") }</button>
                            <button type="button" class="secondary" onclick={{ let c = confirming.clone(); Callback::from(move |_| c.set(false)) }}>{ lang.t("cancel") }</button>
                        </div>
                    </div>
                } else {
                    <button type="button" class="secondary" data-testid="deactivate" onclick={{ let c = confirming.clone(); Callback::from(move |_| c.set(true)) }}>{ lang.t("deactivate") }</button>
                }
            }
        </div>
    }
}

#[function_component(AdminTokens)]
pub fn admin_tokens() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let rows = use_paged(String::new(), |q| Box::pin(admin::tokens(q)));
    let name = use_state(String::new);
    let scopes = use_state(Vec::<&'static str>::new);
    let expires = use_state(String::new);
    let rate = use_state(String::new);
    let secret = use_state(|| None::<String>);
    let errors = use_state(Vec::<(String, String)>::new);
    if let Err(h) = guard(&session, lang) {
        return h;
    }
    let toggle = {
        let scopes = scopes.clone();
        Callback::from(move |s: &'static str| {
            let mut v = (*scopes).clone();
            if let Some(i) = v.iter().position(|x| *x == s) {
                v.remove(i);
            } else {
                v.push(s);
            }
            scopes.set(v);
        })
    };
    let onsubmit = {
        let (name, scopes, expires, rate, secret, errors, toast, reload) = (
            name.clone(),
            scopes.clone(),
            expires.clone(),
            rate.clone(),
            secret.clone(),
            errors.clone(),
            toast.clone(),
            rows.reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let expires_at = if expires.trim().is_empty() {
                None
            } else {
                match parse_local(&expires) {
                    Some(t) => Some(t),
                    None => {
                        errors.set(vec![("expires_at".to_owned(), lang.t("bad-time"))]);
                        return;
                    }
                }
            };
            let rate_per_minute = if rate.trim().is_empty() {
                None
            } else {
                match rate.trim().parse::<u32>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        errors.set(vec![(
                            "rate_per_minute".to_owned(),
                            lang.t("token-rate-bad"),
                        )]);
                        return;
                    }
                }
            };
            let body = CreateApiTokenRequest {
                name: name.trim().to_owned(),
                user_id: None,
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                expires_at,
                rate_per_minute,
            };
            let (secret, errors, toast, reload, name) = (
                secret.clone(),
                errors.clone(),
                toast.clone(),
                reload.clone(),
                name.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match admin::create_token(&body).await {
                    Ok(t) => {
                        errors.set(Vec::new());
                        name.set(String::new());
                        secret.set(Some(t.token));
                        reload.emit(());
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
        let (secret, toast) = (secret.clone(), toast.clone());
        Callback::from(move |_| {
            if let (Some(s), Some(w)) = (&*secret, web_sys::window()) {
                let _ = w.navigator().clipboard().write_text(s);
                toast.emit((Tone::Ok, lang.t("copied")));
            }
        })
    };
    let revoke = {
        let (toast, reload) = (toast.clone(), rows.reload.clone());
        Callback::from(move |t: ApiTokenView| {
            let sure = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(&lang.t1("revoke-confirm", "name", &t.name))
                        .ok()
                })
                .unwrap_or(false);
            if !sure {
                return;
            }
            let (toast, reload) = (toast.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match admin::revoke_token(t.id).await {
                    Ok(_) => {
                        toast.emit((Tone::Ok, lang.t("token-revoked")));
                        reload.emit(());
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    html! {
        <section class="card wide" data-testid="admin-tokens">
            <h2>{ lang.t("admin-title") }</h2>
            { tabs(lang, &Route::AdminTokens) }
            if let Some(s) = &*secret {
                <div class="notice" role="status" data-testid="token-secret-box">
                    <p>{ lang.t("token-once") }</p>
                    <code data-testid="token-secret">{ s.clone() }</code>{ " " }
                    <button type="button" class="secondary" data-testid="copy-secret" onclick={copy}>{ lang.t("copy") }</button>
                    { " " }
                    <button type="button" class="link" data-testid="secret-done" onclick={{ let s = secret.clone(); Callback::from(move |_| s.set(None)) }}>{ lang.t("secret-stored") }</button>
                </div>
            }
            <form class="action" data-testid="token-form" {onsubmit}>
                <h3>{ lang.t("new-token") }</h3>
                <div class="grid">
                    <div>
                        <label for="tk-name">{ lang.t("token-name") }</label>
                        <input id="tk-name" data-testid="token-name" value={(*name).clone()} oninput={typed(&name)} />
                        { field_error(&errors, "name") }
                    </div>
                    <div>
                        <label for="tk-expires">{ lang.t("token-expires") }</label>
                        <input id="tk-expires" type="datetime-local" value={(*expires).clone()} oninput={typed(&expires)} />
                        { field_error(&errors, "expires_at") }
                    </div>
                    <div>
                        <label for="tk-rate">{ lang.t("token-rate") }</label>
                        <input id="tk-rate" inputmode="numeric" data-testid="token-rate" placeholder="600" value={(*rate).clone()} oninput={typed(&rate)} />
                        { field_error(&errors, "rate_per_minute") }
                    </div>
                </div>
                <fieldset class="people">
                    <legend>{ lang.t("scopes") }</legend>
                    { for API_SCOPES.iter().map(|s| {
                        let s: &'static str = s;
                        html! {
                            <label class="check" key={s}>
                                <input type="checkbox" data-testid={format!("scope-{s}")} checked={scopes.contains(&s)} onchange={toggle.reform(move |_| s)} />
                                <code>{ s }</code>
                            </label>
                        }
                    }) }
                </fieldset>
                { field_error(&errors, "scopes") }
                <button type="submit" data-testid="create-token">{ lang.t("create-token") }</button>
            </form>
            if let Some(state) = rows.status(lang, "no-tokens", "tokens-empty") {
                { state }
            } else {
                <table class="queue" data-testid="token-list">
                    <thead><tr>
                        <th>{ lang.t("token-name") }</th>
                        <th>{ lang.t("scopes") }</th>
                        <th>{ lang.t("created-at") }</th>
                        <th>{ lang.t("token-last-used") }</th>
                        <th>{ lang.t("col-state") }</th>
                        <th></th>
                    </tr></thead>
                    <tbody>
                    { for rows.items().iter().map(|t| {
                        let t2 = t.clone();
                        html! {
                            <tr key={t.id.to_string()} data-testid="token-row">
                                <td>{ &t.name }</td>
                                <td>{ t.scopes.join(" ") }</td>
                                <td>{ datetime(t.created_at) }</td>
                                <td>{ t.last_used_at.map(datetime).unwrap_or_default() }</td>
                                <td>{ lang.t(if t.revoked_at.is_some() { "revoked" } else { "active" }) }</td>
                                <td>if t.revoked_at.is_none() {
                                    <button type="button" class="link" onclick={revoke.reform(move |_| t2.clone())}>{ lang.t("revoke") }</button>
                                }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                { rows.more(lang) }
            }
        </section>
    }
}

/// The audit log's filters, as the API's query.
#[derive(Clone, PartialEq, Default)]
struct AuditFilters {
    actor: String,
    action: String,
    outcome: String,
    from: String,
    to: String,
}

impl AuditFilters {
    fn query(&self) -> String {
        let mut q = Vec::new();
        let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
        if !self.actor.is_empty() {
            q.push(format!("actor_id={}", self.actor));
        }
        if !self.action.trim().is_empty() {
            q.push(format!("action={}", enc(self.action.trim())));
        }
        if !self.outcome.is_empty() {
            q.push(format!("outcome={}", self.outcome));
        }
        for (key, v) in [("from", &self.from), ("to", &self.to)] {
            if let Some(t) = parse_local(v) {
                q.push(format!("{key}={}", enc(&t.to_rfc3339())));
            }
        }
        q.join("&")
    }
}

#[function_component(AdminAudit)]
pub fn admin_audit() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let filters = use_state(AuditFilters::default);
    let actor = use_state(String::new);
    let action = use_state(String::new);
    let outcome = use_state(String::new);
    let from = use_state(String::new);
    let to = use_state(String::new);
    let people = use_state(Vec::<UserView>::new);
    let chain = use_state(|| None::<ecops_api_types::AuditChainReport>);
    let rows = use_paged(filters.query(), |q| Box::pin(admin::audit(q)));
    {
        let people = people.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(p) = admin::users(String::new()).await {
                    people.set(p.items);
                }
            });
        });
    }
    if let Err(h) = guard(&session, lang) {
        return h;
    }
    let names: HashMap<Uuid, String> = people.iter().map(|u| (u.id, u.username.clone())).collect();
    let apply = {
        let (filters, actor, action, outcome, from, to) = (
            filters.clone(),
            actor.clone(),
            action.clone(),
            outcome.clone(),
            from.clone(),
            to.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            filters.set(AuditFilters {
                actor: (*actor).clone(),
                action: (*action).clone(),
                outcome: (*outcome).clone(),
                from: (*from).clone(),
                to: (*to).clone(),
            });
        })
    };
    let csv = {
        let (filters, toast) = (filters.clone(), toast.clone());
        Callback::from(move |_| {
            let (q, toast) = (filters.query(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = admin::audit_csv(&q).await {
                    toast.emit((Tone::Bad, e.message()));
                }
            });
        })
    };
    let check_chain = {
        let (chain, toast, reload) = (chain.clone(), toast.clone(), rows.reload.clone());
        Callback::from(move |_| {
            let (chain, toast, reload) = (chain.clone(), toast.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match admin::verify_audit_chain().await {
                    Ok(r) => {
                        chain.set(Some(r));
                        reload.emit(());
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    html! {
        <section class="card wide" data-testid="admin-audit">
            <h2>{ lang.t("admin-title") }</h2>
            { tabs(lang, &Route::AdminAudit) }
            <div class="action" data-testid="audit-chain">
                <button type="button" class="secondary" data-testid="audit-chain-check" onclick={check_chain}>{ lang.t("audit-chain-check") }</button>
                { match &*chain {
                    Some(r) if r.intact => html! {
                        <p class="notice" role="status" data-testid="audit-chain-result">
                            <span class="badge ok">{ lang.t("audit-chain-intact") }</span>{ " " }
                            { lang.t1("audit-chain-checked", "count", &r.entries_checked.to_string()) }{ " " }
                            <code title={r.head_hash.clone().unwrap_or_default()}>{ r.head_hash.as_deref().map(|h| format!("{}…", &h[..h.len().min(16)])).unwrap_or_default() }</code>
                        </p>
                    },
                    Some(r) => html! {
                        <div class="error" role="alert" data-testid="audit-chain-result">
                            <span class="badge bad">{ lang.t("audit-chain-broken") }</span>{ " " }
                            { lang.t1("audit-chain-problems", "count", &r.problem_count.to_string()) }
                            <ul>
                                { for r.problems.iter().map(|p| html! {
                                    <li>{ format!("{} · #{} · {}", lang.t(&format!("chain-{}", p.kind)), p.seq.map(|s| s.to_string()).unwrap_or_else(|| "-".into()), p.entry_id) }</li>
                                }) }
                            </ul>
                        </div>
                    },
                    None => html! { <p class="muted">{ lang.t("audit-chain-explain") }</p> },
                } }
            </div>
            <form class="filters" data-testid="audit-filters" onsubmit={apply}>
                <label>{ lang.t("audit-who") }
                    <select data-testid="audit-actor" onchange={chosen(&actor)}>
                        <option value="" selected={actor.is_empty()}>{ lang.t("anyone") }</option>
                        { for people.iter().map(|u| html! { <option value={u.id.to_string()} selected={*actor == u.id.to_string()}>{ &u.username }</option> }) }
                    </select>
                </label>
                <label>{ lang.t("audit-what") }
                    <input data-testid="audit-action" placeholder="auth.login" value={(*action).clone()} oninput={typed(&action)} />
                </label>
                <label>{ lang.t("audit-outcome") }
                    <select data-testid="audit-outcome" onchange={chosen(&outcome)}>
                        <option value="" selected={outcome.is_empty()}>{ lang.t("any-outcome") }</option>
                        { for ["success", "failure", "refused"].iter().map(|o| html! { <option value={*o} selected={*outcome == *o}>{ lang.t(&format!("outcome-{o}")) }</option> }) }
                    </select>
                </label>
                <label>{ lang.t("from-day") }
                    <input type="datetime-local" value={(*from).clone()} oninput={typed(&from)} />
                </label>
                <label>{ lang.t("to-day") }
                    <input type="datetime-local" value={(*to).clone()} oninput={typed(&to)} />
                </label>
                <button type="submit" data-testid="audit-apply">{ lang.t("apply-filters") }</button>
                <button type="button" class="secondary" data-testid="audit-csv" onclick={csv}>{ lang.t("download-csv") }</button>
            </form>
            if let Some(state) = rows.status(lang, "no-entries", "audit-empty") {
                { state }
            } else {
                <table class="queue" data-testid="audit-list">
                    <thead><tr>
                        <th>{ lang.t("audit-when") }</th>
                        <th>{ lang.t("audit-who") }</th>
                        <th>{ lang.t("audit-what") }</th>
                        <th>{ lang.t("audit-subject") }</th>
                        <th>{ lang.t("audit-outcome") }</th>
                        <th>{ lang.t("audit-from") }</th>
                    </tr></thead>
                    <tbody>
                    { for rows.items().iter().map(|e| html! {
                        <tr key={e.id.to_string()} data-testid="audit-row" title={e.detail.to_string()}>
                            <td>{ datetime(e.at) }</td>
                            <td>{ e.actor_username.clone().or_else(|| e.actor_id.and_then(|a| names.get(&a).cloned())).unwrap_or_default() }
                                if let Some(o) = e.on_behalf_of {
                                    <br /><span class="muted" data-testid="audit-on-behalf">{ lang.t1("audit-on-behalf", "name", &names.get(&o).cloned().unwrap_or_else(|| o.to_string())) }</span>
                                }</td>
                            <td><code>{ &e.action }</code></td>
                            <td>{ format!("{} {}", e.subject_type.clone().unwrap_or_default(), e.subject_id.clone().unwrap_or_default()) }</td>
                            <td><span class={classes!("badge", if e.outcome == "success" { "ok" } else { "bad" })} data-testid="audit-outcome-cell">{ lang.t(&format!("outcome-{}", e.outcome)) }</span></td>
                            <td>{ e.client_addr.clone().unwrap_or_default() }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                { rows.more(lang) }
            }
        </section>
    }
}

#[function_component(AdminExports)]
pub fn admin_exports() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let rows = use_paged(String::new(), |q| Box::pin(admin::exports(q)));
    let verdicts = use_state(HashMap::<chrono::NaiveDate, (bool, Vec<String>)>::new);
    if let Err(h) = guard(&session, lang) {
        return h;
    }
    let verify = {
        let (verdicts, toast) = (verdicts.clone(), toast.clone());
        Callback::from(move |date: chrono::NaiveDate| {
            let (verdicts, toast) = (verdicts.clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match admin::verify_export(date).await {
                    Ok(v) => {
                        let mut m = (*verdicts).clone();
                        m.insert(v.date, (v.valid, v.problems));
                        verdicts.set(m);
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    html! {
        <section class="card wide" data-testid="admin-exports">
            <h2>{ lang.t("admin-title") }</h2>
            { tabs(lang, &Route::AdminExports) }
            <p class="muted">{ lang.t("exports-explain") }</p>
            if let Some(state) = rows.status(lang, "no-exports", "exports-empty") {
                { state }
            } else {
                <table class="queue" data-testid="export-list">
                    <thead><tr>
                        <th>{ lang.t("export-date") }</th>
                        <th class="num">{ lang.t("export-orders") }</th>
                        <th class="num">{ lang.t("export-events") }</th>
                        <th>{ lang.t("checksums") }</th>
                        <th></th>
                    </tr></thead>
                    <tbody>
                    { for rows.items().iter().map(|x| {
                        let date = x.date;
                        html! {
                            <tr key={x.date.to_string()} data-testid="export-row">
                                <td>{ x.date.to_string() }</td>
                                <td class="num">{ x.order_count }</td>
                                <td class="num">{ x.event_count }</td>
                                <td><code title={x.jsonl_sha256.clone()}>{ format!("jsonl {}…", &x.jsonl_sha256[..x.jsonl_sha256.len().min(12)]) }</code><br />
                                    <code title={x.csv_sha256.clone()}>{ format!("csv {}…", &x.csv_sha256[..x.csv_sha256.len().min(12)]) }</code></td>
                                <td>
                                    <button type="button" class="secondary" data-testid="verify-export" onclick={verify.reform(move |_| date)}>{ lang.t("verify") }</button>
                                    { match verdicts.get(&x.date) {
                                        Some((true, _)) => html! { <span class="badge ok" data-testid="export-verdict">{ lang.t("export-valid") }</span> },
                                        Some((false, problems)) => html! { <span class="badge bad" data-testid="export-verdict" title={problems.join("; ")}>{ lang.t("export-invalid") }</span> },
                                        None => html! {},
                                    } }
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                { rows.more(lang) }
            }
        </section>
    }
}

/// A size for people: bytes, KB or MB.
fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// Backups (R-SEC-2), for database administrators: the list with size, checksum, row counts and
/// origin, "back up now" with its progress, verify, download, and the schedule. Restoring is
/// done with `ecops restore` while the server is stopped.
#[function_component(AdminBackups)]
pub fn admin_backups() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let list = use_state(|| None::<Result<ecops_api_types::BackupList, String>>);
    let reload = use_state(|| 0_u32);
    let busy = use_state(bool::default);
    let verdicts = use_state(HashMap::<Uuid, ecops_api_types::BackupVerification>::new);
    {
        let list = list.clone();
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                list.set(Some(admin::backups().await.map_err(|e| e.message())));
            });
        });
    }
    {
        // While a backup runs, its progress every half second.
        let list = list.clone();
        use_effect_with(*busy, move |busy| {
            let tick = busy.then(|| {
                gloo_timers::callback::Interval::new(500, move || {
                    let list = list.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(l) = admin::backups().await {
                            list.set(Some(Ok(l)));
                        }
                    });
                })
            });
            move || drop(tick)
        });
    }
    let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    if user.permission_level != ecops_api_types::PermissionLevel::DbAdmin {
        return html! {
            <section class="card"><p class="error" role="alert" data-testid="db-admin-only">{ lang.t("db-admin-only") }</p></section>
        };
    }
    let now_backup = {
        let (busy, toast, reload) = (busy.clone(), toast.clone(), reload.clone());
        Callback::from(move |_| {
            busy.set(true);
            let (busy, toast, reload) = (busy.clone(), toast.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match admin::back_up_now().await {
                    Ok(b) => toast.emit((
                        Tone::Ok,
                        lang.t1("backup-done", "rows", &b.total_rows.to_string()),
                    )),
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
                busy.set(false);
                reload.set(*reload + 1);
            });
        })
    };
    let verify = {
        let (verdicts, toast) = (verdicts.clone(), toast.clone());
        Callback::from(move |id: Uuid| {
            let (verdicts, toast) = (verdicts.clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match admin::verify_backup(id).await {
                    Ok(v) => {
                        let mut m = (*verdicts).clone();
                        m.insert(id, v);
                        verdicts.set(m);
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    let download = {
        let toast = toast.clone();
        Callback::from(move |(id, name): (Uuid, String)| {
            let toast = toast.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = admin::download_backup(id, &name).await {
                    toast.emit((Tone::Bad, e.message()));
                }
            });
        })
    };
    let body = match &*list {
        None => html! { <p class="loading">{ lang.t("loading") }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
        Some(Ok(l)) => html! {
            <>
            <p class="muted" data-testid="backup-schedule">
                { match &l.schedule {
                    Some(cron) => lang.t1("backup-schedule", "cron", &format!("{cron} ({})", l.timezone)),
                    None => lang.t("backup-no-schedule"),
                } }
                { " " }{ lang.t1("backup-keep", "count", &l.keep.to_string()) }
                if let Some(due) = l.next_due { { " " }{ lang.t1("backup-next", "at", &datetime(due)) } }
            </p>
            if let Some(r) = &l.running {
                <p class="notice" role="status" data-testid="backup-progress">
                    { lang.t1("backup-running", "table", &r.table) }{ " · " }{ lang.t1("backup-rows-done", "rows", &r.rows_done.to_string()) }
                </p>
            }
            if l.items.is_empty() {
                <p class="muted" data-testid="backups-empty">{ lang.t("no-backups") }</p>
            } else {
                <table class="queue" data-testid="backup-list">
                    <thead><tr>
                        <th>{ lang.t("backup-when") }</th>
                        <th>{ lang.t("backup-file") }</th>
                        <th class="num">{ lang.t("backup-size") }</th>
                        <th class="num">{ lang.t("backup-rows") }</th>
                        <th>{ lang.t("checksums") }</th>
                        <th>{ lang.t("backup-origin") }</th>
                        <th></th>
                    </tr></thead>
                    <tbody>
                    { for l.items.iter().map(|b| {
                        let id = b.id;
                        let name = b.file_name.clone();
                        let counts = b.row_counts.iter().filter(|(_, n)| **n > 0).map(|(t, n)| format!("{t}: {n}")).collect::<Vec<_>>().join("\n");
                        html! {
                            <tr key={id.to_string()} data-testid="backup-row">
                                <td>{ datetime(b.finished_at) }</td>
                                <td><code>{ b.file_name.rsplit('/').next().unwrap_or_default().to_owned() }</code></td>
                                <td class="num">{ size_text(b.size_bytes) }</td>
                                <td class="num" title={counts} data-testid="backup-total-rows">{ b.total_rows }</td>
                                <td><code title={b.sha256.clone()}>{ format!("{}…", &b.sha256[..b.sha256.len().min(12)]) }</code></td>
                                <td>{ format!("{} {}", lang.t(&format!("backup-origin-{}", b.origin)), b.made_by_name.clone().unwrap_or_default()) }</td>
                                <td>
                                    if b.removed_at.is_some() {
                                        <span class="badge">{ lang.t("backup-removed") }</span>
                                    } else {
                                        <button type="button" class="secondary" data-testid="verify-backup" onclick={verify.reform(move |_| id)}>{ lang.t("verify") }</button>{ " " }
                                        <button type="button" class="secondary" data-testid="download-backup" onclick={download.reform(move |_| (id, name.clone()))}>{ lang.t("download") }</button>
                                    }
                                    { match verdicts.get(&id) {
                                        Some(v) if v.ok => html! { <span class="badge ok" data-testid="backup-verdict">{ lang.t("backup-intact") }</span> },
                                        Some(v) => html! { <span class="badge bad" data-testid="backup-verdict" title={v.problem.clone().unwrap_or_default()}>{ lang.t("backup-damaged") }</span> },
                                        None => html! {},
                                    } }
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
            </>
        },
    };
    html! {
        <section class="card wide" data-testid="admin-backups">
            <h2>{ lang.t("admin-title") }</h2>
            { tabs(lang, &Route::AdminBackups) }
            <p class="muted">{ lang.t("backups-explain") }</p>
            <button type="button" data-testid="backup-now" disabled={*busy} onclick={now_backup}>{ lang.t(if *busy { "backup-working" } else { "backup-now" }) }</button>
            { body }
        </section>
    }
}
