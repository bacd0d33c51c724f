//! The attendance policy as data (R-ATT-1..6) for the department manager: the versions with the
//! day each takes effect (a new one from tomorrow at the earliest; the past is never re-judged),
//! and the working-day calendar of public holidays and make-up working days.

use super::attendance::MANAGERS;
use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::forms::{chosen, typed};
use crate::components::toast::{use_toast, Tone};
use crate::format::{money, parse_yuan, today};
use crate::i18n::Lang;
use crate::services::people;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};
use ecops_api_types::{
    CalendarEntryView, CalendarKind, CreateCalendarEntries, CreatePolicyVersion, PolicyVersionView,
};
use yew::prelude::*;
use yew_router::prelude::*;

fn hms(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn mins(secs: u32) -> String {
    format!("{}", secs / 60)
}

#[function_component(Policies)]
pub fn policies() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let versions = use_state(|| None::<Result<Vec<PolicyVersionView>, String>>);
    let year = use_state(|| today(Utc::now()).year());
    let calendar = use_state(|| None::<Result<Vec<CalendarEntryView>, String>>);
    let reload = use_state(|| 0u32);
    {
        let (versions, calendar) = (versions.clone(), calendar.clone());
        use_effect_with((*reload, *year), move |(_, year)| {
            let year = *year;
            wasm_bindgen_futures::spawn_local(async move {
                versions.set(Some(people::policies().await.map_err(|e| e.message())));
                let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
                let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
                calendar.set(Some(
                    people::calendar(from, to).await.map_err(|e| e.message()),
                ));
            });
        });
    }
    let Some(me) = session.as_ref().and_then(|s| s.user.clone()) else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    if !me.roles.iter().any(|r| MANAGERS.contains(r)) {
        return html! { <section class="card"><p class="error" role="alert">{ lang.t("managers-only") }</p></section> };
    }
    // Versions and the calendar are changed by the department manager; others read them.
    let editor = me.roles.contains(&ecops_api_types::JobRole::DeptManager);
    let refresh = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };
    let latest = match &*versions {
        Some(Ok(v)) => v.iter().max_by_key(|p| p.effective_from).cloned(),
        _ => None,
    };
    html! {
        <>
        <section class="card wide" data-testid="policies">
            <nav class="crumbs"><Link<Route> to={Route::DeptMonth}>{ lang.t("dept-month-title") }</Link<Route>></nav>
            <h2>{ lang.t("policies-title") }</h2>
            <p class="muted">{ lang.t("policies-explain") }</p>
            { match &*versions {
                None => html! { <p class="muted">{ lang.t("loading") }</p> },
                Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                Some(Ok(list)) => html! {
                    <table class="queue" data-testid="policy-versions">
                        <thead><tr>
                            <th>{ lang.t("effective-from") }</th>
                            <th>{ lang.t("working-hours") }</th>
                            <th class="num">{ lang.t("grace-min") }</th>
                            <th>{ lang.t("tiers-min") }</th>
                            <th>{ lang.t("fines-p") }</th>
                            <th>{ lang.t("fines-m") }</th>
                            <th>{ lang.t("note") }</th>
                        </tr></thead>
                        <tbody>
                        { for list.iter().map(|v| {
                            let p = &v.policy;
                            html! {
                                <tr key={v.id.to_string()} data-testid="policy-row">
                                    <td>{ if v.created_by.is_none() { lang.t("from-first-start") } else { v.effective_from.to_string() } }</td>
                                    <td>{ format!("{} – {} ({})", hms(p.day_start), hms(p.day_end), v.timezone) }</td>
                                    <td class="num">{ mins(p.late_grace_secs) }</td>
                                    <td>{ p.tier_limits_secs.iter().map(|s| mins(*s)).collect::<Vec<_>>().join(" / ") }</td>
                                    <td>{ p.fines_p_fen.iter().map(|f| money(*f)).collect::<Vec<_>>().join(" / ") }</td>
                                    <td>{ p.fines_m_fen.iter().map(|f| money(*f)).collect::<Vec<_>>().join(" / ") }</td>
                                    <td>{ &v.note }</td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                },
            } }
            if let Some(base) = latest {
                if editor {
                    <NewVersion base={base} on_done={refresh.clone()} />
                }
            }
        </section>
        <section class="card wide" data-testid="calendar-entries">
            <h2>{ format!("{} · {}", lang.t("work-calendar"), *year) }</h2>
            <div class="actions">
                <button type="button" class="secondary" onclick={{ let y = year.clone(); Callback::from(move |_| y.set(*y - 1)) }}>{ lang.t("prev-year") }</button>
                <button type="button" class="secondary" onclick={{ let y = year.clone(); Callback::from(move |_| y.set(*y + 1)) }}>{ lang.t("next-year") }</button>
            </div>
            { match &*calendar {
                None => html! { <p class="muted">{ lang.t("loading") }</p> },
                Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                Some(Ok(list)) if list.is_empty() => html! { <p class="empty">{ lang.t("no-calendar") }</p> },
                Some(Ok(list)) => {
                    let remove = {
                        let refresh = refresh.clone();
                        let toast = toast.clone();
                        Callback::from(move |day: NaiveDate| {
                            let sure = web_sys::window()
                                .and_then(|w| w.confirm_with_message(&lang.t1("calendar-remove-confirm", "day", &day.to_string())).ok())
                                .unwrap_or(false);
                            if !sure {
                                return;
                            }
                            let (refresh, toast) = (refresh.clone(), toast.clone());
                            wasm_bindgen_futures::spawn_local(async move {
                                match people::remove_calendar_day(day).await {
                                    Ok(()) => refresh.emit(()),
                                    Err(e) => toast.emit((Tone::Bad, e.message())),
                                }
                            });
                        })
                    };
                    html! {
                        <table class="queue" data-testid="calendar-list">
                            <thead><tr><th>{ lang.t("day") }</th><th>{ lang.t("calendar-kind") }</th><th>{ lang.t("calendar-name") }</th><th></th></tr></thead>
                            <tbody>
                            { for list.iter().map(|e| {
                                let day = e.day;
                                html! {
                                    <tr key={e.day.to_string()} data-testid="calendar-row">
                                        <td>{ e.day.to_string() }</td>
                                        <td>{ lang.t(if e.kind == CalendarKind::Holiday { "calendar-holiday" } else { "calendar-workday" }) }</td>
                                        <td>{ &e.name }</td>
                                        <td>if editor { <button type="button" class="link" onclick={remove.reform(move |_| day)}>{ lang.t("remove") }</button> }</td>
                                    </tr>
                                }
                            }) }
                            </tbody>
                        </table>
                    }
                }
            } }
            if editor {
                <NewCalendarEntries on_done={refresh} />
            }
        </section>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct NewVersionProps {
    base: PolicyVersionView,
    on_done: Callback<()>,
}

/// A new version from the latest: the working day, grace, tiers and fines edited; the rest
/// carried over. It takes effect on a future day.
#[function_component(NewVersion)]
fn new_version(p: &NewVersionProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let b = &p.base.policy;
    let from = use_state(|| (today(Utc::now()) + Duration::days(1)).to_string());
    let start = use_state(|| hms(b.day_start));
    let end = use_state(|| hms(b.day_end));
    let grace = use_state(|| mins(b.late_grace_secs));
    let tiers = use_state(|| {
        b.tier_limits_secs
            .iter()
            .map(|s| mins(*s))
            .collect::<Vec<_>>()
            .join(",")
    });
    let fines_p = use_state(|| {
        b.fines_p_fen
            .iter()
            .map(|f| format!("{:.2}", *f as f64 / 100.0))
            .collect::<Vec<_>>()
            .join(",")
    });
    let fines_m = use_state(|| {
        b.fines_m_fen
            .iter()
            .map(|f| format!("{:.2}", *f as f64 / 100.0))
            .collect::<Vec<_>>()
            .join(",")
    });
    let note = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let onsubmit = {
        let (from, start, end, grace, tiers, fines_p, fines_m, note, errors, toast, done) = (
            from.clone(),
            start.clone(),
            end.clone(),
            grace.clone(),
            tiers.clone(),
            fines_p.clone(),
            fines_m.clone(),
            note.clone(),
            errors.clone(),
            toast.clone(),
            p.on_done.clone(),
        );
        let base = p.base.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let three = |s: &str, f: &dyn Fn(&str) -> Option<i64>| -> Option<[i64; 3]> {
                let v: Vec<i64> = s.split(',').map(|x| f(x.trim())).collect::<Option<_>>()?;
                v.try_into().ok()
            };
            let minutes = |x: &str| x.parse::<i64>().ok().filter(|m| *m >= 0).map(|m| m * 60);
            let parsed = (
                from.parse::<NaiveDate>().ok(),
                NaiveTime::parse_from_str(&start, "%H:%M").ok(),
                NaiveTime::parse_from_str(&end, "%H:%M").ok(),
                minutes(grace.trim()),
                three(&tiers, &minutes),
                three(&fines_p, &parse_yuan),
                three(&fines_m, &parse_yuan),
            );
            let (Some(on), Some(s), Some(t), Some(g), Some(tl), Some(fp), Some(fm)) = parsed else {
                errors.set(vec![("policy".to_owned(), lang.t("policy-fill"))]);
                return;
            };
            let mut policy = base.policy.clone();
            policy.day_start = s;
            policy.day_end = t;
            policy.late_grace_secs = u32::try_from(g).unwrap_or(u32::MAX);
            policy.tier_limits_secs = tl.map(|x| u32::try_from(x).unwrap_or(u32::MAX));
            policy.fines_p_fen = fp;
            policy.fines_m_fen = fm;
            let body = CreatePolicyVersion {
                effective_from: on,
                timezone: base.timezone.clone(),
                policy,
                note: note.trim().to_owned(),
            };
            let (errors, toast, done) = (errors.clone(), toast.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match people::create_policy(&body).await {
                    Ok(v) => {
                        errors.set(Vec::new());
                        toast.emit((
                            Tone::Ok,
                            lang.t1("policy-created", "day", &v.effective_from.to_string()),
                        ));
                        done.emit(());
                    }
                    Err(e) => {
                        let mut fields = e.field_errors();
                        if fields.is_empty() {
                            fields.push(("policy".to_owned(), e.message()));
                        }
                        errors.set(fields);
                    }
                }
            });
        })
    };
    html! {
        <form class="action" data-testid="policy-form" {onsubmit}>
            <h3>{ lang.t("new-policy-version") }</h3>
            <div class="grid">
                <div><label for="pv-from">{ lang.t("effective-from") }</label>
                    <input id="pv-from" type="date" value={(*from).clone()} oninput={typed(&from)} />
                    { field_error(&errors, "effective_from") }</div>
                <div><label for="pv-start">{ lang.t("day-start") }</label>
                    <input id="pv-start" type="time" value={(*start).clone()} oninput={typed(&start)} /></div>
                <div><label for="pv-end">{ lang.t("day-end") }</label>
                    <input id="pv-end" type="time" value={(*end).clone()} oninput={typed(&end)} /></div>
                <div><label for="pv-grace">{ lang.t("grace-min") }</label>
                    <input id="pv-grace" inputmode="numeric" value={(*grace).clone()} oninput={typed(&grace)} /></div>
                <div><label for="pv-tiers">{ lang.t("tiers-min-input") }</label>
                    <input id="pv-tiers" value={(*tiers).clone()} oninput={typed(&tiers)} /></div>
                <div><label for="pv-fp">{ lang.t("fines-p-input") }</label>
                    <input id="pv-fp" value={(*fines_p).clone()} oninput={typed(&fines_p)} /></div>
                <div><label for="pv-fm">{ lang.t("fines-m-input") }</label>
                    <input id="pv-fm" value={(*fines_m).clone()} oninput={typed(&fines_m)} /></div>
            </div>
            <label for="pv-note">{ lang.t("note") }</label>
            <input id="pv-note" value={(*note).clone()} oninput={typed(&note)} />
            { field_error(&errors, "note") }
            { field_error(&errors, "policy") }
            <button type="submit" data-testid="policy-submit">{ lang.t("save-policy-version") }</button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct DoneProps {
    on_done: Callback<()>,
}

/// Public holidays or make-up working days for a stretch of days.
#[function_component(NewCalendarEntries)]
fn new_calendar_entries(p: &DoneProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let from = use_state(String::new);
    let to = use_state(String::new);
    let kind = use_state(|| "holiday".to_owned());
    let name = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let onsubmit = {
        let (from, to, kind, name, errors, toast, done) = (
            from.clone(),
            to.clone(),
            kind.clone(),
            name.clone(),
            errors.clone(),
            toast.clone(),
            p.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Ok(f), Ok(t)) = (from.parse::<NaiveDate>(), to.parse::<NaiveDate>()) else {
                errors.set(vec![("from".to_owned(), lang.t("fill-all"))]);
                return;
            };
            let body = CreateCalendarEntries {
                from: f,
                to: t,
                kind: if *kind == "holiday" {
                    CalendarKind::Holiday
                } else {
                    CalendarKind::Workday
                },
                name: name.trim().to_owned(),
            };
            let (errors, toast, done) = (errors.clone(), toast.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match people::add_calendar(&body).await {
                    Ok(days) => {
                        errors.set(Vec::new());
                        toast.emit((
                            Tone::Ok,
                            lang.t1("calendar-added", "count", &days.len().to_string()),
                        ));
                        done.emit(());
                    }
                    Err(e) => {
                        let mut fields = e.field_errors();
                        if fields.is_empty() {
                            fields.push(("from".to_owned(), e.message()));
                        }
                        errors.set(fields);
                    }
                }
            });
        })
    };
    html! {
        <form class="action" data-testid="calendar-form" {onsubmit}>
            <h3>{ lang.t("add-calendar") }</h3>
            <div class="grid">
                <div><label for="cal-from">{ lang.t("from-day") }</label>
                    <input id="cal-from" type="date" value={(*from).clone()} oninput={typed(&from)} />
                    { field_error(&errors, "from") }</div>
                <div><label for="cal-to">{ lang.t("to-day-inclusive") }</label>
                    <input id="cal-to" type="date" value={(*to).clone()} oninput={typed(&to)} />
                    { field_error(&errors, "to") }</div>
                <div><label for="cal-kind">{ lang.t("calendar-kind") }</label>
                    <select id="cal-kind" onchange={chosen(&kind)}>
                        <option value="holiday" selected={*kind == "holiday"}>{ lang.t("calendar-holiday") }</option>
                        <option value="workday" selected={*kind == "workday"}>{ lang.t("calendar-workday") }</option>
                    </select></div>
                <div><label for="cal-name">{ lang.t("calendar-name") }</label>
                    <input id="cal-name" value={(*name).clone()} oninput={typed(&name)} />
                    { field_error(&errors, "name") }</div>
            </div>
            <button type="submit" data-testid="calendar-submit">{ lang.t("add-calendar") }</button>
        </form>
    }
}
