//! Delegated access (R-ACC-1): lend some of my job roles to a colleague for a task and a period
//! (approved by the department manager in the approvals inbox), what I act with on someone's
//! behalf now, the delegations I gave or received (everyone's for managers), ending one early.

use crate::app::{Route, Session};
use crate::components::confirm::CommentDialog;
use crate::components::field_error::field_error;
use crate::components::forms::typed;
use crate::components::toast::{use_toast, Tone};
use crate::format::{datetime, local_input, parse_local};
use crate::i18n::Lang;
use crate::services::delegations as api;
use chrono::{Duration, Utc};
use ecops_api_types::{
    CreateDelegationRequest, DelegationStanding, DelegationView, JobRole, OrgChartEntry, UserView,
};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

/// Who sees everyone's delegations and may end any of them.
const OVERSEERS: [JobRole; 3] = [
    JobRole::DeptManager,
    JobRole::GeneralManager,
    JobRole::ItAdmin,
];

fn role_text(lang: Lang, r: JobRole) -> String {
    lang.t(&format!("role-{}", r.as_str()))
}

fn roles_text(lang: Lang, roles: &[JobRole]) -> String {
    roles
        .iter()
        .map(|r| role_text(lang, *r))
        .collect::<Vec<_>>()
        .join("、")
}

fn standing_key(s: DelegationStanding) -> &'static str {
    match s {
        DelegationStanding::Pending => "dlg-standing-pending",
        DelegationStanding::Scheduled => "dlg-standing-scheduled",
        DelegationStanding::Active => "dlg-standing-active",
        DelegationStanding::Expired => "dlg-standing-expired",
        DelegationStanding::Rejected => "dlg-standing-rejected",
        DelegationStanding::Withdrawn => "dlg-standing-withdrawn",
        DelegationStanding::Revoked => "dlg-standing-revoked",
    }
}

#[function_component(Delegations)]
pub fn delegations_page() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let everyone = use_state(|| false);
    let reload = use_state(|| 0_u32);
    let list = use_state(|| None::<Result<Vec<DelegationView>, String>>);
    let colleagues = use_state(Vec::<OrgChartEntry>::new);
    let departed = use_state(Vec::<UserView>::new);
    let vacant = use_state(String::new);
    let delegate = use_state(String::new);
    let task = use_state(String::new);
    let roles = use_state(Vec::<JobRole>::new);
    let starts = use_state(|| local_input(Utc::now()));
    let ends = use_state(|| local_input(Utc::now() + Duration::days(1)));
    let errors = use_state(Vec::<(String, String)>::new);
    let revoking = use_state(|| None::<Uuid>);
    let revoke_error = use_state(|| None::<String>);
    {
        let (list, all) = (list.clone(), *everyone);
        use_effect_with((*reload, all), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let view = if all { "all" } else { "mine" };
                list.set(Some(api::list(view).await.map_err(|e| e.message())));
            });
        });
    }
    {
        let (colleagues, departed) = (colleagues.clone(), departed.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(c) = api::colleagues().await {
                    colleagues.set(c);
                }
                if let Ok(d) = api::departed().await {
                    departed.set(d.items.into_iter().filter(|u| !u.is_special).collect());
                }
            });
        });
    }
    let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let oversees = user.roles.iter().any(|r| OVERSEERS.contains(r));
    // Who may ask for a vacant post's cover: the department's managers and anyone with reports.
    let covers = user
        .roles
        .iter()
        .any(|r| matches!(r, JobRole::DeptManager | JobRole::GeneralManager))
        || colleagues.iter().any(|c| c.manager_id == Some(user.id));
    let departed: Vec<UserView> = if covers {
        (*departed).clone()
    } else {
        Vec::new()
    };
    // The roles on offer: mine, or those of the vacant post chosen.
    let post = departed
        .iter()
        .find(|u| u.id.to_string() == *vacant)
        .cloned();
    let offered: Vec<JobRole> = match &post {
        Some(u) => u.roles.clone(),
        None => user.roles.clone(),
    };
    let onsubmit = {
        let (delegate, task, roles, starts, ends, vacant) = (
            delegate.clone(),
            task.clone(),
            roles.clone(),
            starts.clone(),
            ends.clone(),
            vacant.clone(),
        );
        let (errors, toast, reload) = (errors.clone(), toast.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut problems = Vec::new();
            let delegate_id = delegate.parse::<Uuid>().ok();
            if delegate_id.is_none() {
                problems.push(("delegate_id".to_owned(), lang.t("dlg-choose-colleague")));
            }
            let (from, to) = (parse_local(&starts), parse_local(&ends));
            if from.is_none() {
                problems.push(("starts_at".to_owned(), lang.t("dlg-bad-time")));
            }
            if to.is_none() {
                problems.push(("ends_at".to_owned(), lang.t("dlg-bad-time")));
            }
            let (Some(delegate_id), Some(starts_at), Some(ends_at), true) =
                (delegate_id, from, to, problems.is_empty())
            else {
                errors.set(problems);
                return;
            };
            let body = CreateDelegationRequest {
                delegate_id,
                task: task.trim().to_owned(),
                roles: (*roles).clone(),
                starts_at,
                ends_at,
                vacant_post_of: vacant.parse::<Uuid>().ok(),
            };
            let (errors, toast, reload, task, roles) = (
                errors.clone(),
                toast.clone(),
                reload.clone(),
                task.clone(),
                roles.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::create(&body).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        task.set(String::new());
                        roles.set(Vec::new());
                        toast.emit((Tone::Ok, lang.t("dlg-requested")));
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
    let on_revoke = {
        let (revoking, revoke_error, toast, reload) = (
            revoking.clone(),
            revoke_error.clone(),
            toast.clone(),
            reload.clone(),
        );
        Callback::from(move |reason: String| {
            let Some(id) = *revoking else { return };
            let (revoking, revoke_error, toast, reload) = (
                revoking.clone(),
                revoke_error.clone(),
                toast.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::revoke(id, &reason).await {
                    Ok(_) => {
                        revoking.set(None);
                        revoke_error.set(None);
                        toast.emit((Tone::Ok, lang.t("dlg-revoked")));
                        reload.set(*reload + 1);
                    }
                    Err(e) => revoke_error.set(Some(e.message())),
                }
            });
        })
    };
    let items = match &*list {
        Some(Ok(l)) => l.clone(),
        _ => Vec::new(),
    };
    html! {
        <section class="card wide" data-testid="delegations">
            <h2>{ lang.t("dlg-title") }</h2>
            <p class="muted">{ lang.t("dlg-explain") }</p>
            if !user.acting_for.is_empty() {
                <div class="panel notice" data-testid="acting-for">
                    <h3>{ lang.t("dlg-acting-now") }</h3>
                    { for user.acting_for.iter().map(|a| html! {
                        <p>{ lang.t1("dlg-acting-for", "name", &a.delegator_name) }{ ": " }
                           <strong>{ roles_text(lang, &a.roles) }</strong>{ " · " }
                           { lang.t1("dlg-until", "time", &datetime(a.ends_at)) }</p>
                    }) }
                </div>
            }
            if user.roles.is_empty() && departed.is_empty() {
                <p class="muted" data-testid="dlg-no-roles">{ lang.t("dlg-no-roles") }</p>
            } else {
            <form class="panel" data-testid="delegation-form" {onsubmit}>
                <h3>{ lang.t("dlg-ask") }</h3>
                if !departed.is_empty() {
                    <label for="dlg-vacant">{ lang.t("dlg-vacant") }</label>
                    <select id="dlg-vacant" data-testid="dlg-vacant" onchange={{
                        let (vacant, roles) = (vacant.clone(), roles.clone());
                        Callback::from(move |e: Event| { vacant.set(crate::components::forms::changed(&e)); roles.set(Vec::new()); })
                    }}>
                        <option value="" selected={vacant.is_empty()}>{ lang.t("dlg-my-roles") }</option>
                        { for departed.iter().map(|u| html! {
                            <option value={u.id.to_string()} selected={*vacant == u.id.to_string()}>{ lang.t1("dlg-post-of", "name", &u.display_name) }</option>
                        }) }
                    </select>
                    { field_error(&errors, "vacant_post_of") }
                }
                <label for="dlg-delegate">{ lang.t("dlg-delegate") }</label>
                <select id="dlg-delegate" data-testid="dlg-delegate" onchange={crate::components::forms::chosen(&delegate)}>
                    <option value="" selected={delegate.is_empty()}>{ lang.t("dlg-choose-colleague") }</option>
                    { for colleagues.iter().filter(|c| c.user_id != user.id || post.is_some()).map(|c| html! {
                        <option value={c.user_id.to_string()} selected={*delegate == c.user_id.to_string()}>{ &c.display_name }</option>
                    }) }
                </select>
                { field_error(&errors, "delegate_id") }
                <label for="dlg-task">{ lang.t("dlg-task") }</label>
                <input id="dlg-task" data-testid="dlg-task" value={(*task).clone()} oninput={typed(&task)} />
                { field_error(&errors, "task") }
                <fieldset class="checks" data-testid="dlg-roles">
                    <legend>{ lang.t("dlg-roles") }</legend>
                    { for offered.iter().copied().map(|r| {
                        let on = roles.contains(&r);
                        let roles = roles.clone();
                        let toggle = Callback::from(move |_| {
                            let mut v = (*roles).clone();
                            if let Some(i) = v.iter().position(|x| *x == r) { v.remove(i); } else { v.push(r); }
                            roles.set(v);
                        });
                        html! {
                            <label class="check">
                                <input type="checkbox" checked={on} onchange={toggle} data-testid={format!("dlg-role-{}", r.as_str())} />
                                { role_text(lang, r) }
                            </label>
                        }
                    }) }
                </fieldset>
                { field_error(&errors, "roles") }
                <label for="dlg-starts">{ lang.t("dlg-starts") }</label>
                <input id="dlg-starts" type="datetime-local" data-testid="dlg-starts" value={(*starts).clone()} oninput={typed(&starts)} />
                { field_error(&errors, "starts_at") }
                <label for="dlg-ends">{ lang.t("dlg-ends") }</label>
                <input id="dlg-ends" type="datetime-local" data-testid="dlg-ends" value={(*ends).clone()} oninput={typed(&ends)} />
                { field_error(&errors, "ends_at") }
                <button type="submit" data-testid="dlg-submit">{ lang.t("dlg-submit") }</button>
            </form>
            }
            <h3>{ lang.t(if *everyone { "dlg-everyone" } else { "dlg-mine" }) }</h3>
            if oversees {
                <label class="check">
                    <input type="checkbox" data-testid="dlg-everyone" checked={*everyone}
                        onchange={{ let everyone = everyone.clone(); Callback::from(move |_| everyone.set(!*everyone)) }} />
                    { lang.t("dlg-show-everyone") }
                </label>
            }
            if let Some(Err(e)) = &*list { <p class="error" role="alert">{ e.clone() }</p> }
            if matches!(&*list, Some(Ok(l)) if l.is_empty()) {
                <p class="muted" data-testid="dlg-empty">{ lang.t("dlg-none") }</p>
            }
            if !items.is_empty() {
                <table class="queue" data-testid="dlg-list">
                    <thead><tr>
                        <th>{ lang.t("dlg-col-from") }</th>
                        <th>{ lang.t("dlg-col-to") }</th>
                        <th>{ lang.t("dlg-roles") }</th>
                        <th>{ lang.t("dlg-col-period") }</th>
                        <th>{ lang.t("dlg-task") }</th>
                        <th>{ lang.t("dlg-col-standing") }</th>
                        <th class="num">{ lang.t("dlg-col-actions") }</th>
                        <th></th>
                    </tr></thead>
                    <tbody>
                    { for items.iter().map(|d| {
                        let live = matches!(d.standing, DelegationStanding::Active | DelegationStanding::Scheduled);
                        let party = d.delegator_id == user.id || d.delegate_id == user.id;
                        let id = d.id;
                        let open = { let revoking = revoking.clone(); Callback::from(move |_| revoking.set(Some(id))) };
                        html! {
                            <tr data-testid="dlg-row">
                                <td>{ &d.delegator_name }
                                    if d.covers_vacancy { <br /><span class="badge" data-testid="dlg-vacancy">{ lang.t1("dlg-covered-by", "name", &d.requested_by_name) }</span> }</td>
                                <td>{ &d.delegate_name }</td>
                                <td>{ roles_text(lang, &d.roles) }</td>
                                <td>{ format!("{} – {}", datetime(d.starts_at), datetime(d.ends_at)) }</td>
                                <td>{ &d.task }
                                    if let Some(r) = &d.revoke_reason { <br /><span class="muted">{ lang.t1("dlg-revoked-why", "reason", r) }</span> }</td>
                                <td><span class={classes!("badge", (d.standing == DelegationStanding::Active).then_some("ok"))} data-testid="dlg-standing">{ lang.t(standing_key(d.standing)) }</span></td>
                                <td class="num">{ d.actions }</td>
                                <td>
                                    if live && (party || oversees) {
                                        <button type="button" class="secondary" data-testid="dlg-revoke" onclick={open}>{ lang.t("dlg-revoke") }</button>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
            if revoking.is_some() {
                <CommentDialog {lang} title={lang.t("dlg-revoke-title")} label={lang.t("dlg-revoke-reason")}
                    confirm={lang.t("dlg-revoke")} busy={false} error={(*revoke_error).clone()}
                    on_confirm={on_revoke}
                    on_cancel={{ let (revoking, revoke_error) = (revoking.clone(), revoke_error.clone()); Callback::from(move |_| { revoking.set(None); revoke_error.set(None); }) }} />
            }
        </section>
    }
}
