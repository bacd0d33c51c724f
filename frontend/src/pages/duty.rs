//! The duty roster (R-DUT-1..4): a week per duty with who is on which shift and the gaps the
//! coverage rule finds, shifts released by leave with the suggested replacement, rostering a
//! shift or generating a rotation (rosterers), swapping a shift (request, accept; the manager
//! approves in the approvals inbox), and the weekend-rotation counts.

use super::attendance::{duty_key, hm};
use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::forms::{chosen, typed};
use crate::components::toast::{use_toast, Tone};
use crate::format::{company_tz, datetime, parse_local, today};
use crate::i18n::Lang;
use crate::services::{people, users};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use ecops_api_types::{
    CoverageGap, CreateShiftRequest, DutyKindView, FairnessRow, JobRole, LeaveClash, ShiftView,
    SwapRequest, SwapStateView, SwapView, UserView,
};
use std::collections::HashMap;
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

const KINDS: [DutyKindView; 4] = [
    DutyKindView::HotlineManager,
    DutyKindView::WeekendService,
    DutyKindView::Storefront,
    DutyKindView::Restaurant,
];

/// Who draws up rosters.
const ROSTERERS: [JobRole; 2] = [JobRole::DeptManager, JobRole::CsSupervisor];

fn kind_of(key: &str) -> DutyKindView {
    KINDS
        .into_iter()
        .find(|k| duty_key(*k) == key)
        .unwrap_or(DutyKindView::WeekendService)
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN)
        .and_local_timezone(company_tz())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&company_tz()).date_naive()
}

fn swap_key(s: SwapStateView) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Everything the roster shows for one week.
#[derive(Clone, PartialEq, Default)]
struct Week {
    shifts: Vec<ShiftView>,
    gaps: Vec<CoverageGap>,
    clashes: Vec<LeaveClash>,
    fairness: Vec<FairnessRow>,
    swaps: Vec<SwapView>,
}

/// The roster of `days` from `monday`; the leave clashes only for those who see them.
async fn load_week(monday: NaiveDate, days: i64, sees_clashes: bool) -> Result<Week, String> {
    let next = monday + Duration::days(days);
    let msg = |e: crate::services::requests::ApiFailure| e.message();
    Ok(Week {
        shifts: people::shifts(start_of(monday), start_of(next))
            .await
            .map_err(msg)?,
        gaps: people::coverage(monday, next).await.map_err(msg)?,
        clashes: if sees_clashes {
            people::clashes(monday, next).await.map_err(msg)?
        } else {
            Vec::new()
        },
        // The weekend rotation's counts over the four weeks up to the period's end (or the month).
        fairness: people::fairness(next - Duration::days(days.max(28)), next)
            .await
            .map_err(msg)?,
        swaps: people::swaps().await.map_err(msg)?,
    })
}

#[function_component(DutyPage)]
pub fn duty_page() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let this_monday = {
        let t = today(Utc::now());
        t - Duration::days(i64::from(t.weekday().num_days_from_monday()))
    };
    let monday = use_state(|| this_monday);
    // A week, or five weeks at a glance.
    let span = use_state(|| 7i64);
    let week = use_state(|| None::<Result<Week, String>>);
    let staff = use_state(Vec::<UserView>::new);
    let reload = use_state(|| 0u32);
    // Answers for a week no longer shown are dropped.
    let shown = use_mut_ref(|| (this_monday, 7i64));
    let sees_clashes = session
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .is_some_and(|u| {
            u.roles.iter().any(|r| {
                ROSTERERS.contains(r) || matches!(r, JobRole::GeneralManager | JobRole::ItAdmin)
            })
        });
    {
        let (week, staff, shown) = (week.clone(), staff.clone(), shown.clone());
        use_effect_with((*monday, *span, *reload), move |(monday, span, _)| {
            let (week, staff, monday, span) = (week.clone(), staff.clone(), *monday, *span);
            *shown.borrow_mut() = (monday, span);
            wasm_bindgen_futures::spawn_local(async move {
                let loaded = load_week(monday, span, sees_clashes).await;
                if *shown.borrow() != (monday, span) {
                    return;
                }
                week.set(Some(loaded));
                if let Ok(list) = users::active(None).await {
                    staff.set(list);
                }
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    let Some(me) = session.user.clone() else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let rosterer = me.roles.iter().any(|r| ROSTERERS.contains(r));
    let refresh = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };
    let step = |by: i64| {
        let monday = monday.clone();
        Callback::from(move |_| monday.set(*monday + Duration::days(by)))
    };
    let names: HashMap<Uuid, String> = staff
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let days: Vec<NaiveDate> = (0..*span).map(|i| *monday + Duration::days(i)).collect();
    let on_cancel = {
        let (toast, refresh) = (toast.clone(), refresh.clone());
        Callback::from(move |id: Uuid| {
            let (toast, refresh) = (toast.clone(), refresh.clone());
            let sure = web_sys::window()
                .and_then(|w| w.confirm_with_message(&lang.t("cancel-shift-confirm")).ok())
                .unwrap_or(false);
            if !sure {
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                match people::cancel_shift(id).await {
                    Ok(_) => {
                        toast.emit((Tone::Ok, lang.t("shift-cancelled")));
                        refresh.emit(());
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    let take_suggestion = {
        let (toast, refresh) = (toast.clone(), refresh.clone());
        Callback::from(move |c: LeaveClash| {
            let (toast, refresh) = (toast.clone(), refresh.clone());
            let Some(person) = c.suggested else {
                return;
            };
            let body = CreateShiftRequest {
                user_id: person,
                kind: c.shift.kind,
                starts_at: c.shift.starts_at,
                ends_at: c.shift.ends_at,
            };
            wasm_bindgen_futures::spawn_local(async move {
                match people::roster(&body).await {
                    Ok(_) => {
                        toast.emit((Tone::Ok, lang.t("shift-rostered")));
                        refresh.emit(());
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    html! {
        <>
        <section class="card wide" data-testid="duty">
            <h2>{ format!("{} · {} – {}", lang.t("duty-title"), days[0], days[days.len() - 1]) }</h2>
            <div class="actions">
                <button type="button" class="secondary" data-testid="prev-week" onclick={step(-*span)}>{ lang.t(if *span == 7 { "prev-week" } else { "prev-weeks" }) }</button>
                <button type="button" class="secondary" data-testid="this-week" onclick={{ let m = monday.clone(); Callback::from(move |_| m.set(this_monday)) }}>{ lang.t("this-week") }</button>
                <button type="button" class="secondary" data-testid="next-week" onclick={step(*span)}>{ lang.t(if *span == 7 { "next-week" } else { "next-weeks" }) }</button>
                <button type="button" class="secondary" data-testid="span" onclick={{ let s = span.clone(); Callback::from(move |_| s.set(if *s == 7 { 35 } else { 7 })) }}>
                    { lang.t(if *span == 7 { "show-five-weeks" } else { "show-one-week" }) }</button>
            </div>
            { match &*week {
                None => html! { <p class="muted">{ lang.t("loading") }</p> },
                Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                Some(Ok(w)) => html! {
                    <>
                    { for days.chunks(7).map(|week_days| html! {
                    <table class="roster" data-testid="roster">
                        <thead><tr>
                            <th>{ lang.t("duty") }</th>
                            { for week_days.iter().map(|d| html! { <th key={d.to_string()}>{ format!("{} {}", lang.t(&format!("wd-{}", weekday_key(*d))), d.format("%m-%d")) }</th> }) }
                        </tr></thead>
                        <tbody>
                        { for KINDS.iter().map(|k| html! {
                            <tr key={duty_key(*k)} data-testid={format!("roster-{}", duty_key(*k))}>
                                <th scope="row">{ lang.t(&format!("duty-{}", duty_key(*k))) }</th>
                                { for week_days.iter().map(|d| {
                                    let here: Vec<&ShiftView> = w.shifts.iter().filter(|s| s.kind == *k && local_day(s.starts_at) == *d).collect();
                                    let gaps: Vec<&CoverageGap> = w.gaps.iter().filter(|g| g.kind == *k && g.day == *d).collect();
                                    html! {
                                        <td key={d.to_string()} class={classes!((!gaps.is_empty()).then_some("gap"))}>
                                            { for here.iter().map(|s| {
                                                let id = s.id;
                                                html! {
                                                    <div class="shift" data-testid="shift">
                                                        <strong>{ &s.display_name }</strong>
                                                        <span class="muted">{ format!(" {}–{}", hm(s.starts_at), hm(s.ends_at)) }</span>
                                                        if rosterer {
                                                            <button type="button" class="link" aria-label={lang.t("cancel-shift")}
                                                                onclick={on_cancel.reform(move |_| id)}>{ "×" }</button>
                                                        }
                                                    </div>
                                                }
                                            }) }
                                            { for gaps.iter().map(|g| html! {
                                                <div class="gap-note" data-testid="gap">{ lang.t1("gap", "span", &format!("{}–{}", hm(g.starts_at), hm(g.ends_at))) }</div>
                                            }) }
                                        </td>
                                    }
                                }) }
                            </tr>
                        }) }
                        </tbody>
                    </table>
                    }) }
                    if !w.clashes.is_empty() {
                        <h3>{ lang.t("leave-clashes") }</h3>
                        <ul class="plain" data-testid="clashes">
                            { for w.clashes.iter().map(|c| {
                                let c2 = c.clone();
                                html! {
                                    <li key={c.shift.id.to_string()} data-testid="clash">
                                        { format!("{} · {} · {} – {} · ", c.shift.display_name, lang.t(&format!("duty-{}", duty_key(c.shift.kind))), datetime(c.shift.starts_at), hm(c.shift.ends_at)) }
                                        { match (c.filled_by, &c.suggested_name) {
                                            (Some(by), _) => html! { <span class="badge ok">{ lang.t1("clash-filled", "name", &names.get(&by).cloned().unwrap_or_default()) }</span> },
                                            (None, Some(n)) => html! {
                                                <>
                                                <span>{ lang.t1("clash-suggested", "name", n) }</span>
                                                if rosterer {
                                                    { " " }<button type="button" class="link" data-testid="take-suggestion" onclick={take_suggestion.reform(move |_| c2.clone())}>{ lang.t("take-suggestion") }</button>
                                                }
                                                </>
                                            },
                                            (None, None) => html! { <span class="badge bad">{ lang.t("clash-open") }</span> },
                                        } }
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                    <h3>{ lang.t("fairness") }</h3>
                    { fairness(lang, &w.fairness) }
                    </>
                },
            } }
        </section>
        if rosterer {
            <AddShift staff={(*staff).clone()} on_done={refresh.clone()} />
            <Rotation staff={(*staff).clone()} on_done={refresh.clone()} />
        }
        if let Some(Ok(w)) = &*week {
            <Swaps me={me.id} shifts={w.shifts.clone()} swaps={w.swaps.clone()} staff={(*staff).clone()} on_done={refresh.clone()} />
        }
        </>
    }
}

fn weekday_key(d: NaiveDate) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][d.weekday().num_days_from_monday() as usize]
}

fn fairness(lang: Lang, rows: &[FairnessRow]) -> Html {
    if rows.is_empty() {
        return html! { <p class="empty">{ lang.t("no-shifts") }</p> };
    }
    html! {
        <table class="queue" data-testid="fairness">
            <thead><tr>
                <th>{ lang.t("person") }</th>
                <th class="num">{ lang.t("weekend-days") }</th>
                { for KINDS.iter().map(|k| html! { <th class="num">{ lang.t(&format!("duty-{}", duty_key(*k))) }</th> }) }
            </tr></thead>
            <tbody>
            { for rows.iter().map(|r| html! {
                <tr key={r.user_id.to_string()}>
                    <td>{ &r.display_name }</td>
                    <td class="num">{ r.weekend_days }</td>
                    { for KINDS.iter().map(|k| html! {
                        <td class="num">{ r.shifts.iter().find(|c| c.kind == *k).map_or(0, |c| c.count) }</td>
                    }) }
                </tr>
            }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    staff: Vec<UserView>,
    on_done: Callback<()>,
}

/// Rosters one shift; the server refuses a shift outside the duty's window, without the duty's
/// role, during approved leave (R-DUT-4) or over another shift of the person.
#[function_component(AddShift)]
fn add_shift(p: &FormProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let person = use_state(String::new);
    let kind = use_state(|| "weekend_service".to_owned());
    let tomorrow = today(Utc::now()) + Duration::days(1);
    let start = use_state(|| format!("{tomorrow}T08:30"));
    let end = use_state(|| format!("{tomorrow}T21:00"));
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(bool::default);
    let onsubmit = {
        let (person, kind, start, end, errors, busy, toast, done) = (
            person.clone(),
            kind.clone(),
            start.clone(),
            end.clone(),
            errors.clone(),
            busy.clone(),
            toast.clone(),
            p.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Ok(user), Some(s), Some(t)) = (
                Uuid::parse_str(&person),
                parse_local(&start),
                parse_local(&end),
            ) else {
                errors.set(vec![("user_id".to_owned(), lang.t("fill-all"))]);
                return;
            };
            let body = CreateShiftRequest {
                user_id: user,
                kind: kind_of(&kind),
                starts_at: s,
                ends_at: t,
            };
            let (errors, busy, toast, done) =
                (errors.clone(), busy.clone(), toast.clone(), done.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match people::roster(&body).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        toast.emit((Tone::Ok, lang.t("shift-rostered")));
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
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card wide">
            <form class="action" data-testid="add-shift" {onsubmit}>
                <h3>{ lang.t("add-shift") }</h3>
                <div class="grid">
                    <div>
                        <label for="shift-person">{ lang.t("person") }</label>
                        <select id="shift-person" data-testid="shift-person" onchange={chosen(&person)}>
                            <option value="" selected={person.is_empty()}>{ lang.t("choose-colleague") }</option>
                            { for p.staff.iter().map(|u| html! { <option value={u.id.to_string()} selected={*person == u.id.to_string()}>{ &u.display_name }</option> }) }
                        </select>
                        { field_error(&errors, "user_id") }
                    </div>
                    <div>
                        <label for="shift-kind">{ lang.t("duty") }</label>
                        <select id="shift-kind" data-testid="shift-kind" onchange={chosen(&kind)}>
                            { for KINDS.iter().map(|k| html! { <option value={duty_key(*k)} selected={*kind == duty_key(*k)}>{ lang.t(&format!("duty-{}", duty_key(*k))) }</option> }) }
                        </select>
                    </div>
                    <div>
                        <label for="shift-start">{ lang.t("starts-at") }</label>
                        <input id="shift-start" data-testid="shift-start" type="datetime-local" value={(*start).clone()} oninput={typed(&start)} />
                        { field_error(&errors, "starts_at") }
                    </div>
                    <div>
                        <label for="shift-end">{ lang.t("ends-at") }</label>
                        <input id="shift-end" data-testid="shift-end" type="datetime-local" value={(*end).clone()} oninput={typed(&end)} />
                        { field_error(&errors, "ends_at") }
                    </div>
                </div>
                if let Some((_, m)) = errors.iter().find(|(f, _)| f == "form") {
                    <div class="error" role="alert" data-testid="shift-error">{ m.clone() }</div>
                }
                <button type="submit" data-testid="shift-submit" disabled={*busy}>{ lang.t("add-shift") }</button>
            </form>
        </section>
    }
}

/// Generates a roster for a duty over a period, in rotation through the chosen people.
#[function_component(Rotation)]
fn rotation(p: &FormProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let kind = use_state(|| "weekend_service".to_owned());
    let t = today(Utc::now());
    let from = use_state(|| (t + Duration::days(1)).to_string());
    let to = use_state(|| (t + Duration::days(29)).to_string());
    let chosen_people = use_state(Vec::<Uuid>::new);
    let result = use_state(|| None::<String>);
    let busy = use_state(bool::default);
    let toggle = {
        let chosen_people = chosen_people.clone();
        Callback::from(move |id: Uuid| {
            let mut v = (*chosen_people).clone();
            if let Some(i) = v.iter().position(|x| *x == id) {
                v.remove(i);
            } else {
                v.push(id);
            }
            chosen_people.set(v);
        })
    };
    let onsubmit = {
        let (kind, from, to, chosen_people, result, busy, toast, done) = (
            kind.clone(),
            from.clone(),
            to.clone(),
            chosen_people.clone(),
            result.clone(),
            busy.clone(),
            toast.clone(),
            p.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Ok(f), Ok(t)) = (from.parse::<NaiveDate>(), to.parse::<NaiveDate>()) else {
                result.set(Some(lang.t("bad-time")));
                return;
            };
            let (kind, staff) = (kind_of(&kind), (*chosen_people).clone());
            let (result, busy, toast, done) =
                (result.clone(), busy.clone(), toast.clone(), done.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match people::rotate(kind, f, t, staff).await {
                    Ok(r) => {
                        result.set(Some(
                            lang.t1("rotation-made", "count", &r.shifts.len().to_string())
                                + &if r.gaps.is_empty() {
                                    String::new()
                                } else {
                                    format!(
                                        " · {}",
                                        lang.t1("gaps-left", "count", &r.gaps.len().to_string())
                                    )
                                },
                        ));
                        toast.emit((Tone::Ok, lang.t("rotation-done")));
                        done.emit(());
                    }
                    Err(e) => result.set(Some(e.message())),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card wide">
            <form class="action" data-testid="rotation" {onsubmit}>
                <h3>{ lang.t("generate-roster") }</h3>
                <div class="grid">
                    <div>
                        <label for="rot-kind">{ lang.t("duty") }</label>
                        <select id="rot-kind" onchange={chosen(&kind)}>
                            { for KINDS.iter().map(|k| html! { <option value={duty_key(*k)} selected={*kind == duty_key(*k)}>{ lang.t(&format!("duty-{}", duty_key(*k))) }</option> }) }
                        </select>
                    </div>
                    <div>
                        <label for="rot-from">{ lang.t("from-day") }</label>
                        <input id="rot-from" type="date" value={(*from).clone()} oninput={typed(&from)} />
                    </div>
                    <div>
                        <label for="rot-to">{ lang.t("to-day") }</label>
                        <input id="rot-to" type="date" value={(*to).clone()} oninput={typed(&to)} />
                    </div>
                </div>
                <fieldset class="people">
                    <legend>{ lang.t("rotation-order") }</legend>
                    { for p.staff.iter().map(|u| {
                        let id = u.id;
                        let pos = chosen_people.iter().position(|x| *x == id);
                        html! {
                            <label class="check" key={u.id.to_string()}>
                                <input type="checkbox" checked={pos.is_some()} onchange={toggle.reform(move |_| id)} />
                                { &u.display_name }
                                if let Some(i) = pos { <span class="pill">{ i + 1 }</span> }
                            </label>
                        }
                    }) }
                </fieldset>
                if let Some(r) = &*result { <p data-testid="rotation-result">{ r.clone() }</p> }
                <button type="submit" disabled={*busy}>{ lang.t("generate-roster") }</button>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SwapProps {
    me: Uuid,
    shifts: Vec<ShiftView>,
    swaps: Vec<SwapView>,
    staff: Vec<UserView>,
    on_done: Callback<()>,
}

/// Shift swaps: ask a colleague to take one of my shifts this week; answer what I was asked;
/// see where each stands (the manager approves in the approvals inbox).
#[function_component(Swaps)]
fn swaps(p: &SwapProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let shift = use_state(String::new);
    let colleague = use_state(String::new);
    let reason = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let now = Utc::now();
    let mine: Vec<&ShiftView> = p
        .shifts
        .iter()
        .filter(|s| s.user_id == p.me && s.starts_at > now)
        .collect();
    let names: HashMap<Uuid, String> = p
        .staff
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let sending = use_mut_ref(|| false);
    let onsubmit = {
        let sending = sending.clone();
        let (shift, colleague, reason, errors, toast, done) = (
            shift.clone(),
            colleague.clone(),
            reason.clone(),
            errors.clone(),
            toast.clone(),
            p.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *sending.borrow() {
                return;
            }
            let (Ok(s), Ok(c)) = (Uuid::parse_str(&shift), Uuid::parse_str(&colleague)) else {
                errors.set(vec![("shift_id".to_owned(), lang.t("fill-all"))]);
                return;
            };
            let body = SwapRequest {
                shift_id: s,
                colleague_id: c,
                exchange_shift_id: None,
                reason: reason.trim().to_owned(),
            };
            let (errors, toast, done) = (errors.clone(), toast.clone(), done.clone());
            *sending.borrow_mut() = true;
            let sending = sending.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match people::request_swap(&body).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        toast.emit((Tone::Ok, lang.t("swap-requested")));
                        done.emit(());
                    }
                    Err(e) => {
                        let mut fields = e.field_errors();
                        if fields.is_empty() {
                            fields.push(("shift_id".to_owned(), e.message()));
                        }
                        errors.set(fields);
                    }
                }
                *sending.borrow_mut() = false;
            });
        })
    };
    let answer = {
        let (toast, done) = (toast.clone(), p.on_done.clone());
        Callback::from(move |(id, accept): (Uuid, bool)| {
            let (toast, done) = (toast.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match people::answer_swap(id, accept).await {
                    Ok(_) => {
                        toast.emit((
                            Tone::Ok,
                            lang.t(if accept {
                                "swap-accepted"
                            } else {
                                "swap-declined"
                            }),
                        ));
                        done.emit(());
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    html! {
        <section class="card wide" data-testid="swaps">
            <h3>{ lang.t("swaps") }</h3>
            if !mine.is_empty() {
                <form class="action" data-testid="swap-form" {onsubmit}>
                    <div class="grid">
                        <div>
                            <label for="swap-shift">{ lang.t("my-shift") }</label>
                            <select id="swap-shift" data-testid="swap-shift" onchange={chosen(&shift)}>
                                <option value="" selected={shift.is_empty()}>{ lang.t("choose-shift") }</option>
                                { for mine.iter().map(|s| html! {
                                    <option value={s.id.to_string()} selected={*shift == s.id.to_string()}>
                                        { format!("{} {} – {}", lang.t(&format!("duty-{}", duty_key(s.kind))), datetime(s.starts_at), hm(s.ends_at)) }
                                    </option>
                                }) }
                            </select>
                            { field_error(&errors, "shift_id") }
                        </div>
                        <div>
                            <label for="swap-colleague">{ lang.t("swap-with") }</label>
                            <select id="swap-colleague" data-testid="swap-colleague" onchange={chosen(&colleague)}>
                                <option value="" selected={colleague.is_empty()}>{ lang.t("choose-colleague") }</option>
                                { for p.staff.iter().filter(|u| u.id != p.me).map(|u| html! {
                                    <option value={u.id.to_string()} selected={*colleague == u.id.to_string()}>{ &u.display_name }</option>
                                }) }
                            </select>
                            { field_error(&errors, "colleague_id") }
                        </div>
                    </div>
                    <label for="swap-reason">{ lang.t("reason") }</label>
                    <input id="swap-reason" data-testid="swap-reason" value={(*reason).clone()} oninput={typed(&reason)} />
                    { field_error(&errors, "reason") }
                    <button type="submit" data-testid="swap-submit">{ lang.t("request-swap") }</button>
                </form>
            }
            if p.swaps.is_empty() {
                <p class="empty">{ lang.t("no-swaps") }</p>
            } else {
                <table class="queue" data-testid="swap-list">
                    <thead><tr>
                        <th>{ lang.t("requested-by") }</th>
                        <th>{ lang.t("swap-with") }</th>
                        <th>{ lang.t("reason") }</th>
                        <th>{ lang.t("col-state") }</th>
                        <th></th>
                    </tr></thead>
                    <tbody>
                    { for p.swaps.iter().map(|s| {
                        let id = s.id;
                        let state = swap_key(s.state);
                        html! {
                            <tr key={s.id.to_string()} data-testid="swap-row">
                                <td>{ names.get(&s.requested_by).cloned().unwrap_or_default() }</td>
                                <td>{ names.get(&s.colleague_id).cloned().unwrap_or_default() }</td>
                                <td>{ &s.reason }</td>
                                <td><span class={classes!("badge", state.clone())} data-testid="swap-state">{ lang.t(&format!("swap-{state}")) }</span></td>
                                <td>
                                    if s.colleague_id == p.me && s.state == SwapStateView::Requested {
                                        <button type="button" data-testid="swap-accept" onclick={answer.reform(move |_| (id, true))}>{ lang.t("accept") }</button>
                                        { " " }
                                        <button type="button" class="secondary" data-testid="swap-decline" onclick={answer.reform(move |_| (id, false))}>{ lang.t("decline") }</button>
                                    }
                                    if let Some(r) = s.approval_request_id {
                                        <a href={format!("/approvals/{r}")}>{ lang.t("open-approval") }</a>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}
