//! Work reports (R-REP-1): my daily report, saved as I type (a draft the server keeps) until the
//! day is over; my recent reports; for managers, everyone's reports of a day.

use super::attendance::MANAGERS;
use crate::app::{Route, Session};
use crate::components::forms::typed;
use crate::format::{company_tz, today};
use crate::i18n::Lang;
use crate::services::people;
use chrono::{Duration, NaiveDate, Utc};
use ecops_api_types::{DailyReportBody, DailyReportView};
use gloo_timers::callback::Timeout;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Clone, PartialEq)]
enum SaveState {
    Idle,
    Pending,
    Saved(String),
    Failed(String),
}

#[function_component(Reports)]
pub fn reports() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let day = today(Utc::now());
    let done = use_state(String::new);
    let problems = use_state(String::new);
    let plan = use_state(String::new);
    let loaded = use_state(bool::default);
    let state = use_state(|| SaveState::Idle);
    let timer = use_mut_ref(|| None::<Timeout>);
    let mine = use_state(Vec::<DailyReportView>::new);
    let team_day = use_state(|| day.to_string());
    let team = use_state(|| None::<Result<Vec<DailyReportView>, String>>);
    let not_filed = use_state(Vec::<ecops_api_types::MissingReport>::new);
    let me = session.as_ref().and_then(|s| s.user.clone());
    let manager = me
        .as_ref()
        .is_some_and(|u| u.roles.iter().any(|r| MANAGERS.contains(r)));
    {
        let (done, problems, plan, loaded, mine) = (
            done.clone(),
            problems.clone(),
            plan.clone(),
            loaded.clone(),
            mine.clone(),
        );
        let me_id = me.as_ref().map(|u| u.id);
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(list) = people::daily_reports(me_id, day - Duration::days(30), day).await
                {
                    if let Some(r) = list.iter().find(|r| r.day == day) {
                        done.set(r.done.clone());
                        problems.set(r.problems.clone());
                        plan.set(r.plan.clone());
                    }
                    mine.set(list);
                }
                loaded.set(true);
            });
        });
    }
    {
        let (team, not_filed) = (team.clone(), not_filed.clone());
        use_effect_with(((*team_day).clone(), manager), move |(d, manager)| {
            let (team, not_filed, d, manager) =
                (team.clone(), not_filed.clone(), d.clone(), *manager);
            if manager {
                wasm_bindgen_futures::spawn_local(async move {
                    let Ok(d) = d.parse::<NaiveDate>() else {
                        return;
                    };
                    team.set(Some(
                        people::daily_reports(None, d, d)
                            .await
                            .map_err(|e| e.message()),
                    ));
                    not_filed.set(people::missing_reports(d, d).await.unwrap_or_default());
                });
            }
        });
    }
    let Some(_) = me else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    // Every change schedules one save a moment after the typing stops.
    let schedule = {
        let (done, problems, plan, state, timer) = (
            done.clone(),
            problems.clone(),
            plan.clone(),
            state.clone(),
            timer.clone(),
        );
        move |field: &'static str, value: String| {
            let mut body = DailyReportBody {
                done: (*done).clone(),
                problems: (*problems).clone(),
                plan: (*plan).clone(),
            };
            match field {
                "done" => body.done = value,
                "problems" => body.problems = value,
                _ => body.plan = value,
            }
            if body.done.trim().is_empty()
                && body.problems.trim().is_empty()
                && body.plan.trim().is_empty()
            {
                return;
            }
            state.set(SaveState::Pending);
            let state = state.clone();
            let save = Timeout::new(1_200, move || {
                wasm_bindgen_futures::spawn_local(async move {
                    match people::save_daily_report(day, &body).await {
                        Ok(r) => state.set(SaveState::Saved(
                            r.updated_at
                                .with_timezone(&company_tz())
                                .format("%H:%M:%S")
                                .to_string(),
                        )),
                        Err(e) => state.set(SaveState::Failed(e.message())),
                    }
                });
            });
            *timer.borrow_mut() = Some(save);
        }
    };
    let on = |field: &'static str, h: &UseStateHandle<String>| {
        let (h, schedule) = (h.clone(), schedule.clone());
        Callback::from(move |e: InputEvent| {
            let v = crate::components::forms::value_of_input(&e);
            h.set(v.clone());
            schedule(field, v);
        })
    };
    html! {
        <>
        <section class="card wide" data-testid="daily-report">
            <h2>{ lang.t1("daily-report-title", "day", &day.to_string()) }</h2>
            <p class="muted">{ lang.t("daily-report-explain") }</p>
            if *loaded {
                <label for="rep-done">{ lang.t("report-done") }</label>
                <textarea id="rep-done" rows="5" data-testid="report-done" value={(*done).clone()} oninput={on("done", &done)} />
                <label for="rep-problems">{ lang.t("report-problems") }</label>
                <textarea id="rep-problems" rows="3" data-testid="report-problems" value={(*problems).clone()} oninput={on("problems", &problems)} />
                <label for="rep-plan">{ lang.t("report-plan") }</label>
                <textarea id="rep-plan" rows="3" data-testid="report-plan" value={(*plan).clone()} oninput={on("plan", &plan)} />
                <p role="status" data-testid="report-save-state">
                    { match &*state {
                        SaveState::Idle => html! {},
                        SaveState::Pending => html! { <span class="muted">{ lang.t("saving") }</span> },
                        SaveState::Saved(at) => html! { <span class="badge ok">{ lang.t1("saved-at", "time", at) }</span> },
                        SaveState::Failed(m) => html! { <span class="error">{ m.clone() }</span> },
                    } }
                </p>
            } else {
                <p class="muted">{ lang.t("loading") }</p>
            }
        </section>
        <section class="card wide">
            <h3>{ lang.t("my-reports") }</h3>
            if mine.iter().all(|r| r.day == day) {
                <p class="empty">{ lang.t("no-reports") }</p>
            } else {
                <ul class="plain" data-testid="my-reports">
                    { for mine.iter().filter(|r| r.day != day).map(|r| report_item(lang, r)) }
                </ul>
            }
        </section>
        if manager {
            <section class="card wide" data-testid="team-reports">
                <h3>{ lang.t("team-reports") }</h3>
                <label for="team-day">{ lang.t("day") }</label>
                <input id="team-day" type="date" value={(*team_day).clone()} oninput={typed(&team_day)} />
                <h4>{ lang.t("not-filed") }</h4>
                if not_filed.is_empty() {
                    <p class="empty" data-testid="all-filed">{ lang.t("all-filed") }</p>
                } else {
                    <ul class="plain" data-testid="not-filed">
                        { for not_filed.iter().map(|m| html! {
                            <li key={m.user_id.to_string()}>
                                { &m.display_name }
                                if m.due_today { { " " }<span class="badge soon">{ lang.t("due-today") }</span> }
                            </li>
                        }) }
                    </ul>
                }
                <h4>{ lang.t("filed") }</h4>
                { match &*team {
                    None => html! { <p class="muted">{ lang.t("loading") }</p> },
                    Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                    Some(Ok(list)) if list.is_empty() => html! { <p class="empty">{ lang.t("no-reports") }</p> },
                    Some(Ok(list)) => html! {
                        <ul class="plain">{ for list.iter().map(|r| report_item(lang, r)) }</ul>
                    },
                } }
            </section>
        }
        </>
    }
}

fn report_item(lang: Lang, r: &DailyReportView) -> Html {
    html! {
        <li key={r.id.to_string()} class="report" data-testid="report-item">
            <strong>{ format!("{} · {}", r.day, r.display_name) }</strong>
            <dl class="facts">
                <dt>{ lang.t("report-done") }</dt><dd>{ &r.done }</dd>
                if !r.problems.is_empty() { <dt>{ lang.t("report-problems") }</dt><dd>{ &r.problems }</dd> }
                if !r.plan.is_empty() { <dt>{ lang.t("report-plan") }</dt><dd>{ &r.plan }</dd> }
            </dl>
        </li>
    }
}
