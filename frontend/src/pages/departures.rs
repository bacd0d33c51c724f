//! Resignation and transfer (R-ATT-10): the written request a month ahead with its handover
//! checklist to a named successor; the department manager witnesses (监交) each item and, on the
//! effective date, completes it (a resignation ends the account, a transfer changes the roles).

use super::attendance::MANAGERS;
use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::forms::{chosen, typed};
use crate::components::toast::{use_toast, Tone};
use crate::format::{datetime, today};
use crate::i18n::Lang;
use crate::services::{people, users};
use chrono::{Duration, Utc};
use ecops_api_types::{
    DepartureKind, DepartureRequest, DepartureState, DepartureView, JobRole, UserView,
};
use std::collections::HashMap;
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

fn state_key(s: DepartureState) -> &'static str {
    match s {
        DepartureState::Requested => "requested",
        DepartureState::HandedOver => "handed_over",
        DepartureState::Completed => "completed",
        DepartureState::Withdrawn => "withdrawn",
    }
}

#[function_component(Departures)]
pub fn departures() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let list = use_state(|| None::<Result<Vec<DepartureView>, String>>);
    let staff = use_state(Vec::<UserView>::new);
    let reload = use_state(|| 0u32);
    {
        let (list, staff) = (list.clone(), staff.clone());
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                list.set(Some(people::departures().await.map_err(|e| e.message())));
                if let Ok(s) = users::active(None).await {
                    staff.set(s);
                }
            });
        });
    }
    let Some(me) = session.as_ref().and_then(|s| s.user.clone()) else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let witness = me.roles.contains(&JobRole::DeptManager);
    let names: HashMap<Uuid, String> = staff
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let refresh = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };
    let act = {
        let (toast, refresh) = (toast.clone(), refresh.clone());
        Callback::from(move |(id, what): (Uuid, Action)| {
            let (toast, refresh) = (toast.clone(), refresh.clone());
            if matches!(what, Action::Complete | Action::Withdraw) {
                let sure = web_sys::window()
                    .and_then(|w| {
                        w.confirm_with_message(&lang.t(if what == Action::Complete {
                            "departure-complete-confirm"
                        } else {
                            "departure-withdraw-confirm"
                        }))
                        .ok()
                    })
                    .unwrap_or(false);
                if !sure {
                    return;
                }
            }
            wasm_bindgen_futures::spawn_local(async move {
                let done = match what {
                    Action::Confirm(seq) => people::confirm_item(id, seq).await,
                    Action::Complete => people::complete_departure(id).await,
                    Action::Withdraw => people::withdraw_departure(id).await,
                };
                match done {
                    Ok(_) => {
                        toast.emit((Tone::Ok, lang.t("saved")));
                        refresh.emit(());
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    let open_of_mine = matches!(&*list, Some(Ok(l)) if l.iter().any(|d| d.user_id == me.id
        && matches!(d.state, DepartureState::Requested | DepartureState::HandedOver)));
    html! {
        <>
        if !open_of_mine {
            <NewDeparture me={me.id} staff={(*staff).clone()} on_done={refresh.clone()} />
        }
        <section class="card wide" data-testid="departures">
            <h2>{ lang.t("departures-title") }</h2>
            { match &*list {
                None => html! { <p class="muted">{ lang.t("loading") }</p> },
                Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                Some(Ok(l)) if l.is_empty() => html! { <p class="empty">{ lang.t("no-departures") }</p> },
                Some(Ok(l)) => html! {
                    <>
                    { for l.iter().map(|d| {
                        let id = d.id;
                        let sk = state_key(d.state);
                        let may_witness = witness && me.id != d.user_id && me.id != d.successor_id
                            && d.state == DepartureState::Requested;
                        html! {
                            <article class="card inset" key={d.id.to_string()} data-testid="departure">
                                <h3>
                                    { format!("{} · {} · ", name(&d.user_id), lang.t(if d.kind == DepartureKind::Resignation { "resignation" } else { "transfer" })) }
                                    <span class={classes!("badge", sk)} data-testid="departure-state">{ lang.t(&format!("departure-{sk}")) }</span>
                                </h3>
                                <dl class="facts">
                                    <dt>{ lang.t("effective-on") }</dt><dd>{ d.effective_on.to_string() }</dd>
                                    <dt>{ lang.t("successor") }</dt><dd>{ name(&d.successor_id) }</dd>
                                    <dt>{ lang.t("reason") }</dt><dd>{ &d.reason }</dd>
                                    if d.kind == DepartureKind::Transfer {
                                        <dt>{ lang.t("new-roles") }</dt>
                                        <dd>{ d.new_roles.iter().map(|r| lang.t(&format!("role-{}", r.as_str()))).collect::<Vec<_>>().join("、") }</dd>
                                    }
                                </dl>
                                <h4>{ lang.t("handover-checklist") }</h4>
                                <ol class="checklist" data-testid="handover-items">
                                    { for d.items.iter().map(|i| {
                                        let seq = i.seq;
                                        html! {
                                            <li key={i.seq} data-testid="handover-item">
                                                { &i.item }{ " " }
                                                if let Some(at) = i.confirmed_at {
                                                    <span class="badge ok">{ lang.t1("witnessed", "name", &i.confirmed_by.map(|b| name(&b)).unwrap_or_default()) }{ " " }{ datetime(at) }</span>
                                                } else if may_witness {
                                                    <button type="button" class="secondary" data-testid="confirm-item"
                                                        onclick={act.reform(move |_| (id, Action::Confirm(seq)))}>{ lang.t("confirm-item") }</button>
                                                } else {
                                                    <span class="badge pending">{ lang.t("not-witnessed") }</span>
                                                }
                                            </li>
                                        }
                                    }) }
                                </ol>
                                <div class="actions">
                                    if witness && d.state == DepartureState::HandedOver && me.id != d.user_id {
                                        <button type="button" data-testid="complete-departure" disabled={today(Utc::now()) < d.effective_on}
                                            onclick={act.reform(move |_| (id, Action::Complete))}>{ lang.t("complete-departure") }</button>
                                    }
                                    if d.user_id == me.id && matches!(d.state, DepartureState::Requested | DepartureState::HandedOver) {
                                        <button type="button" class="secondary" data-testid="withdraw-departure"
                                            onclick={act.reform(move |_| (id, Action::Withdraw))}>{ lang.t("withdraw") }</button>
                                    }
                                </div>
                            </article>
                        }
                    }) }
                    </>
                },
            } }
            if me.roles.iter().any(|r| MANAGERS.contains(r)) {
                <p class="muted">{ lang.t("departures-managers-note") }</p>
            }
        </section>
        </>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Action {
    Confirm(i32),
    Complete,
    Withdraw,
}

#[derive(Properties, PartialEq)]
struct NewProps {
    me: Uuid,
    staff: Vec<UserView>,
    on_done: Callback<()>,
}

/// The written request: resignation or transfer, a month ahead, with the checklist.
#[function_component(NewDeparture)]
fn new_departure(p: &NewProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let kind = use_state(|| "resignation".to_owned());
    let effective = use_state(|| (today(Utc::now()) + Duration::days(31)).to_string());
    let reason = use_state(String::new);
    let successor = use_state(String::new);
    let items = use_state(String::new);
    let roles = use_state(Vec::<JobRole>::new);
    let errors = use_state(Vec::<(String, String)>::new);
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
    let sending = use_mut_ref(|| false);
    let onsubmit = {
        let sending = sending.clone();
        let (kind, effective, reason, successor, items, roles, errors, toast, done) = (
            kind.clone(),
            effective.clone(),
            reason.clone(),
            successor.clone(),
            items.clone(),
            roles.clone(),
            errors.clone(),
            toast.clone(),
            p.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *sending.borrow() {
                return;
            }
            let (Ok(on), Ok(next)) = (
                effective.parse::<chrono::NaiveDate>(),
                Uuid::parse_str(&successor),
            ) else {
                errors.set(vec![("successor_id".to_owned(), lang.t("fill-all"))]);
                return;
            };
            let transfer = *kind == "transfer";
            let body = DepartureRequest {
                kind: if transfer {
                    DepartureKind::Transfer
                } else {
                    DepartureKind::Resignation
                },
                effective_on: on,
                reason: reason.trim().to_owned(),
                successor_id: next,
                items: items
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                new_roles: if transfer {
                    roles.iter().map(|r| r.as_str().to_owned()).collect()
                } else {
                    Vec::new()
                },
            };
            let (errors, toast, done) = (errors.clone(), toast.clone(), done.clone());
            *sending.borrow_mut() = true;
            let sending = sending.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match people::request_departure(&body).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        toast.emit((Tone::Ok, lang.t("departure-filed")));
                        done.emit(());
                    }
                    Err(e) => {
                        let mut fields = e.field_errors();
                        if fields.is_empty() {
                            fields.push(("form".to_owned(), e.message()));
                        }
                        errors.set(fields);
                    }
                }
                *sending.borrow_mut() = false;
            });
        })
    };
    html! {
        <section class="card wide">
            <form class="action" data-testid="departure-form" {onsubmit}>
                <h3>{ lang.t("departure-request") }</h3>
                <div class="grid">
                    <div>
                        <label for="dep-kind">{ lang.t("departure-kind") }</label>
                        <select id="dep-kind" onchange={chosen(&kind)}>
                            <option value="resignation" selected={*kind == "resignation"}>{ lang.t("resignation") }</option>
                            <option value="transfer" selected={*kind == "transfer"}>{ lang.t("transfer") }</option>
                        </select>
                    </div>
                    <div>
                        <label for="dep-on">{ lang.t("effective-on") }</label>
                        <input id="dep-on" type="date" value={(*effective).clone()} oninput={typed(&effective)} />
                        { field_error(&errors, "effective_on") }
                    </div>
                    <div>
                        <label for="dep-successor">{ lang.t("successor") }</label>
                        <select id="dep-successor" data-testid="dep-successor" onchange={chosen(&successor)}>
                            <option value="" selected={successor.is_empty()}>{ lang.t("choose-colleague") }</option>
                            { for p.staff.iter().filter(|u| u.id != p.me).map(|u| html! {
                                <option value={u.id.to_string()} selected={*successor == u.id.to_string()}>{ &u.display_name }</option>
                            }) }
                        </select>
                        { field_error(&errors, "successor_id") }
                    </div>
                </div>
                <label for="dep-reason">{ lang.t("reason") }</label>
                <input id="dep-reason" value={(*reason).clone()} oninput={typed(&reason)} />
                { field_error(&errors, "reason") }
                <label for="dep-items">{ lang.t("handover-checklist-one-per-line") }</label>
                <textarea id="dep-items" rows="4" value={(*items).clone()} oninput={typed(&items)} />
                { field_error(&errors, "items") }
                if *kind == "transfer" {
                    <fieldset class="people">
                        <legend>{ lang.t("new-roles") }</legend>
                        { for JobRole::ALL.iter().map(|r| {
                            let r = *r;
                            html! {
                                <label class="check" key={r.as_str()}>
                                    <input type="checkbox" checked={roles.contains(&r)} onchange={toggle.reform(move |_| r)} />
                                    { lang.t(&format!("role-{}", r.as_str())) }
                                </label>
                            }
                        }) }
                    </fieldset>
                    { field_error(&errors, "new_roles") }
                }
                if let Some((_, m)) = errors.iter().find(|(f, _)| f == "form") {
                    <div class="error" role="alert">{ m.clone() }</div>
                }
                <button type="submit" data-testid="departure-submit">{ lang.t("submit-departure") }</button>
            </form>
        </section>
    }
}
