//! Meeting minutes (R-REP-5, 会议记录): the minutes of a period, and new minutes with their
//! attendees, decisions and action items (each owned by an attendee, due on a day).

use crate::app::Session;
use crate::components::forms::typed;
use crate::components::toast::{use_toast, Tone};
use crate::format::today;
use crate::i18n::Lang;
use crate::services::{reports as api, users};
use chrono::{Duration, NaiveDate, Utc};
use ecops_api_types::{CreateMeetingRequest, MeetingView, NewActionItem, UserView};
use uuid::Uuid;
use yew::prelude::*;

#[derive(Clone, PartialEq, Default)]
struct ItemDraft {
    owner: String,
    text: String,
    due: String,
}

#[function_component(Meetings)]
pub fn meetings() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let now = today(Utc::now());
    let list = use_state(Vec::<MeetingView>::new);
    let staff = use_state(Vec::<UserView>::new);
    let reload = use_state(|| 0u32);
    let held_on = use_state(|| now.to_string());
    let title = use_state(String::new);
    let decisions = use_state(String::new);
    let attendees = use_state(Vec::<Uuid>::new);
    let items = use_state(Vec::<ItemDraft>::new);
    let error = use_state(|| None::<String>);
    {
        let (list, staff) = (list.clone(), staff.clone());
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                list.set(
                    api::meetings(now - Duration::days(60), now)
                        .await
                        .unwrap_or_default(),
                );
                staff.set(users::active(None).await.unwrap_or_default());
            });
        });
    }
    let toggle = |id: Uuid| {
        let attendees = attendees.clone();
        Callback::from(move |_| {
            let mut v = (*attendees).clone();
            if let Some(i) = v.iter().position(|x| *x == id) {
                v.remove(i);
            } else {
                v.push(id);
            }
            attendees.set(v);
        })
    };
    let edit_item = |i: usize, field: &'static str| {
        let items = items.clone();
        Callback::from(move |e: Event| {
            let value = crate::components::forms::changed(&e);
            let mut v = (*items).clone();
            if let Some(it) = v.get_mut(i) {
                match field {
                    "owner" => it.owner = value,
                    "text" => it.text = value,
                    _ => it.due = value,
                }
            }
            items.set(v);
        })
    };
    let add_item = {
        let items = items.clone();
        Callback::from(move |_| {
            let mut v = (*items).clone();
            v.push(ItemDraft::default());
            items.set(v);
        })
    };
    let submit = {
        let (held_on, title, decisions, attendees, items, error, reload, toast) = (
            held_on.clone(),
            title.clone(),
            decisions.clone(),
            attendees.clone(),
            items.clone(),
            error.clone(),
            reload.clone(),
            toast.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(day) = held_on.parse::<NaiveDate>() else {
                return;
            };
            let body = CreateMeetingRequest {
                held_on: day,
                title: title.trim().to_owned(),
                attendee_ids: (*attendees).clone(),
                decisions: (*decisions).clone(),
                action_items: items
                    .iter()
                    .filter(|i| !i.text.trim().is_empty())
                    .map(|i| NewActionItem {
                        owner_id: Uuid::parse_str(&i.owner).unwrap_or_default(),
                        text: i.text.clone(),
                        due_on: i.due.parse().unwrap_or(day),
                    })
                    .collect(),
            };
            let (error, reload, toast, title, decisions, attendees, items) = (
                error.clone(),
                reload.clone(),
                toast.clone(),
                title.clone(),
                decisions.clone(),
                attendees.clone(),
                items.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::record_meeting(&body).await {
                    Ok(_) => {
                        error.set(None);
                        title.set(String::new());
                        decisions.set(String::new());
                        attendees.set(Vec::new());
                        items.set(Vec::new());
                        toast.emit((Tone::Ok, lang.t("minutes-recorded")));
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e.message())),
                }
            });
        })
    };
    let chosen: Vec<&UserView> = staff.iter().filter(|u| attendees.contains(&u.id)).collect();
    html! {
        <>
        <section class="card wide" data-testid="new-minutes">
            <h2>{ lang.t("meetings-heading") }</h2>
            <form onsubmit={submit}>
                <label for="m-day">{ lang.t("held-on") }</label>
                <input id="m-day" type="date" data-testid="minutes-day" value={(*held_on).clone()} oninput={typed(&held_on)} />
                <label for="m-title">{ lang.t("minutes-title") }</label>
                <input id="m-title" data-testid="minutes-title" value={(*title).clone()} oninput={typed(&title)} required=true maxlength="200" />
                <fieldset class="people">
                    <legend>{ lang.t("attendees") }</legend>
                    { for staff.iter().map(|u| html! {
                        <label class="check" key={u.id.to_string()}>
                            <input type="checkbox" checked={attendees.contains(&u.id)} onchange={toggle(u.id)} data-testid="attendee" />
                            { &u.display_name }
                        </label>
                    }) }
                </fieldset>
                <label for="m-decisions">{ lang.t("decisions") }</label>
                <textarea id="m-decisions" rows="4" data-testid="minutes-decisions" value={(*decisions).clone()} oninput={typed(&decisions)} />
                <h4>{ lang.t("action-items") }</h4>
                { for items.iter().enumerate().map(|(i, it)| html! {
                    <div class="row" data-testid="item-row">
                        <select aria-label={lang.t("item-owner")} onchange={edit_item(i, "owner")} data-testid="item-owner">
                            <option value="" selected={it.owner.is_empty()}>{ lang.t("item-owner") }</option>
                            { for chosen.iter().map(|u| html! {
                                <option value={u.id.to_string()} selected={it.owner == u.id.to_string()}>{ &u.display_name }</option>
                            }) }
                        </select>
                        <input aria-label={lang.t("item-text")} value={it.text.clone()} onchange={edit_item(i, "text")} data-testid="item-text" />
                        <input aria-label={lang.t("item-due")} type="date" value={it.due.clone()} onchange={edit_item(i, "due")} data-testid="item-due" />
                    </div>
                }) }
                <button type="button" class="secondary" onclick={add_item} data-testid="add-item">{ lang.t("add-action-item") }</button>
                if let Some(m) = &*error { <div class="error" role="alert">{ m.clone() }</div> }
                <div class="actions"><button type="submit" data-testid="record-minutes">{ lang.t("record-minutes") }</button></div>
            </form>
        </section>
        <section class="card wide">
            <h3>{ lang.t("recent-meetings") }</h3>
            if list.is_empty() {
                <p class="empty">{ lang.t("no-meetings") }</p>
            } else {
                <ul class="plain" data-testid="meetings">
                    { for list.iter().map(|m| html! {
                        <li key={m.id.to_string()} class="report" data-testid="meeting">
                            <strong>{ format!("{} · {}", m.held_on, m.title) }</strong>
                            <dl class="facts">
                                <dt>{ lang.t("attendees") }</dt><dd>{ m.attendee_names.join("、") }</dd>
                                <dt>{ lang.t("decisions") }</dt><dd>{ &m.decisions }</dd>
                            </dl>
                            <ul>
                                { for m.action_items.iter().map(|i| html! {
                                    <li key={i.id.to_string()}>
                                        { format!("{} · {} · {}", i.owner_name, i.text, i.due_on) }
                                        if i.done_at.is_some() { { " " }<span class="badge ok">{ lang.t("item-is-done") }</span> }
                                        else if i.overdue { { " " }<span class="badge missed">{ lang.t("item-overdue") }</span> }
                                    </li>
                                }) }
                            </ul>
                        </li>
                    }) }
                </ul>
            }
        </section>
        </>
    }
}
