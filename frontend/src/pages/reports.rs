//! Work reports (R-REP-1): my daily report, saved as I type (a draft the server keeps) until the
//! day is over; my recent reports; for managers, everyone's reports of a day.

use super::attendance::MANAGERS;
use crate::app::{Route, Session};
use crate::components::confirm::CommentDialog;
use crate::components::forms::typed;
use crate::components::toast::{use_toast, Tone};
use crate::format::{company_tz, today};
use crate::i18n::Lang;
use crate::services::people;
use crate::services::reports as monthly_api;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use ecops_api_types::{DailyReportBody, DailyReportView};
use gloo_timers::callback::Timeout;
use uuid::Uuid;
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
    // The manager's view covers the chosen day, its week (Monday to Sunday) or its month.
    let span = use_state(|| "day".to_owned());
    let team = use_state(|| None::<Result<Vec<DailyReportView>, String>>);
    let not_filed = use_state(Vec::<ecops_api_types::MissingReport>::new);
    let notes = use_state(Vec::<ecops_api_types::LateNoteView>::new);
    let noting = use_state(|| None::<(Uuid, NaiveDate)>);
    let note_error = use_state(|| None::<String>);
    let reload_team = use_state(|| 0u32);
    let toast = use_toast();
    let me = session.as_ref().and_then(|s| s.user.clone());
    let manager = me
        .as_ref()
        .is_some_and(|u| u.roles.iter().any(|r| MANAGERS.contains(r)));
    // Notes beside past days are the department and general managers' (the server's rule).
    let notes_past = me.as_ref().is_some_and(|u| {
        u.roles.iter().any(|r| {
            matches!(
                r,
                ecops_api_types::JobRole::DeptManager | ecops_api_types::JobRole::GeneralManager
            )
        })
    });
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
        let (team, not_filed, notes) = (team.clone(), not_filed.clone(), notes.clone());
        use_effect_with(
            ((*team_day).clone(), (*span).clone(), manager, *reload_team),
            move |(d, span, manager, _)| {
                let (team, not_filed, notes, d, span, manager) = (
                    team.clone(),
                    not_filed.clone(),
                    notes.clone(),
                    d.clone(),
                    span.clone(),
                    *manager,
                );
                if manager {
                    wasm_bindgen_futures::spawn_local(async move {
                        let Ok(d) = d.parse::<NaiveDate>() else {
                            return;
                        };
                        let (from, to) = span_of(&span, d);
                        team.set(Some(
                            people::daily_reports(None, from, to)
                                .await
                                .map_err(|e| e.message()),
                        ));
                        not_filed.set(people::missing_reports(from, to).await.unwrap_or_default());
                        notes.set(monthly_api::notes(from, to).await.unwrap_or_default());
                    });
                }
            },
        );
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
    let save_note = {
        let (noting, note_error, reload_team, toast) = (
            noting.clone(),
            note_error.clone(),
            reload_team.clone(),
            toast.clone(),
        );
        Callback::from(move |text: String| {
            let Some((user, d)) = *noting else { return };
            let (noting, note_error, reload_team, toast) = (
                noting.clone(),
                note_error.clone(),
                reload_team.clone(),
                toast.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match monthly_api::late_note(user, d, &text).await {
                    Ok(_) => {
                        noting.set(None);
                        note_error.set(None);
                        toast.emit((Tone::Ok, lang.t("note-recorded")));
                        reload_team.set(*reload_team + 1);
                    }
                    Err(e) => note_error.set(Some(e.message())),
                }
            });
        })
    };
    let week = team_day.parse::<NaiveDate>().ok().map(|d| {
        let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
        (monday, monday + Duration::days(6))
    });
    let export = |csv: bool| {
        Callback::from(move |_| {
            if let Some((from, to)) = week {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = monthly_api::export(from, to, csv).await;
                });
            }
        })
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
        <Statements />
        <ActionItems />
        <MonthlySummary />
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
                <label for="team-span">{ lang.t("span") }</label>
                <select id="team-span" data-testid="team-span" onchange={crate::components::forms::chosen(&span)}>
                    { for ["day", "week", "month"].iter().map(|k| html! {
                        <option value={*k} selected={span.as_str() == *k}>{ lang.t(&format!("span-{k}")) }</option>
                    }) }
                </select>
                <h4>{ lang.t("not-filed") }</h4>
                if not_filed.is_empty() {
                    <p class="empty" data-testid="all-filed">{ lang.t("all-filed") }</p>
                } else {
                    <ul class="plain" data-testid="not-filed">
                        { for not_filed.iter().map(|m| {
                            let ask = { let noting = noting.clone(); let key = (m.user_id, m.day); Callback::from(move |_| noting.set(Some(key))) };
                            html! {
                                <li key={format!("{}-{}", m.user_id, m.day)}>
                                    if span.as_str() != "day" { { format!("{} · ", m.day) } }
                                    { &m.display_name }
                                    if m.due_today { { " " }<span class="badge soon">{ lang.t("due-today") }</span> }
                                    if !m.due_today && notes_past { { " " }<button class="link" data-testid="add-note" onclick={ask}>{ lang.t("add-note") }</button> }
                                </li>
                            }
                        }) }
                    </ul>
                }
                if !notes.is_empty() {
                    <h4>{ lang.t("notes-of-day") }</h4>
                    <ul class="plain" data-testid="late-notes">
                        { for notes.iter().map(|n| {
                            let who = not_filed.iter().find(|m| m.user_id == n.user_id).map(|m| m.display_name.clone())
                                .or_else(|| team.as_ref().and_then(|t| t.as_ref().ok()).and_then(|l| l.iter().find(|r| r.user_id == n.user_id)).map(|r| r.display_name.clone()))
                                .unwrap_or_default();
                            html! { <li key={n.id.to_string()}>{ who }{ ": " }<q>{ &n.note }</q></li> }
                        }) }
                    </ul>
                }
                if let Some((from, to)) = week {
                    <p class="actions">
                        <span class="muted">{ lang.t1("week-of", "from", &from.to_string()) }{ format!(" – {to} ") }</span>
                        <button class="secondary" data-testid="export-md" onclick={export(false)}>{ lang.t("export-markdown") }</button>
                        <button class="secondary" data-testid="export-csv" onclick={export(true)}>{ lang.t("export-csv") }</button>
                    </p>
                }
                if noting.is_some() {
                    <CommentDialog {lang} title={lang.t("add-note")} label={lang.t("late-note")}
                        confirm={lang.t("add-note")} busy=false error={(*note_error).clone()}
                        on_confirm={save_note} on_cancel={let n = noting.clone(); Callback::from(move |()| n.set(None))} />
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

/// The days a manager's view covers: the day, its Monday-to-Sunday week, or its month.
fn span_of(span: &str, d: NaiveDate) -> (NaiveDate, NaiveDate) {
    match span {
        "week" => {
            let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
            (monday, monday + Duration::days(6))
        }
        "month" => {
            let first = d.with_day(1).unwrap_or(d);
            let next = first
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(first);
            (first, next.pred_opt().unwrap_or(first))
        }
        _ => (d, d),
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

/// R-REP-2: my summary of the month (from its last working day to the next month's closing
/// day), and for managers everyone's.
#[function_component(MonthlySummary)]
fn monthly_summary() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let me = session.as_ref().and_then(|s| s.user.as_ref()).map(|u| u.id);
    let toast = use_toast();
    let now = today(Utc::now());
    // Early in a month the summary due is the last month's.
    let default = if now.day() <= 5 {
        now - Duration::days(i64::from(now.day()))
    } else {
        now
    };
    let month = use_state(|| default.format("%Y-%m").to_string());
    let data = use_state(|| None::<ecops_api_types::MonthlySummaries>);
    let done = use_state(String::new);
    let unfinished = use_state(String::new);
    let plan = use_state(String::new);
    let error = use_state(|| None::<String>);
    {
        let (data, done, unfinished, plan) =
            (data.clone(), done.clone(), unfinished.clone(), plan.clone());
        use_effect_with((*month).clone(), move |m| {
            let m = m.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(d) = monthly_api::monthly(&m).await {
                    let mine = d.summaries.iter().find(|s| Some(s.user_id) == me);
                    done.set(mine.map(|s| s.done.clone()).unwrap_or_default());
                    unfinished.set(mine.map(|s| s.unfinished.clone()).unwrap_or_default());
                    plan.set(mine.map(|s| s.plan.clone()).unwrap_or_default());
                    data.set(Some(d));
                }
            });
        });
    }
    let save = {
        let (month, done, unfinished, plan, error, data, toast) = (
            month.clone(),
            done.clone(),
            unfinished.clone(),
            plan.clone(),
            error.clone(),
            data.clone(),
            toast.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = ecops_api_types::MonthlySummaryBody {
                done: (*done).clone(),
                unfinished: (*unfinished).clone(),
                plan: (*plan).clone(),
            };
            let (m, error, data, toast) =
                ((*month).clone(), error.clone(), data.clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match monthly_api::save_monthly(&m, &body).await {
                    Ok(_) => {
                        error.set(None);
                        toast.emit((Tone::Ok, lang.t("summary-saved")));
                        if let Ok(d) = monthly_api::monthly(&m).await {
                            data.set(Some(d));
                        }
                    }
                    Err(e) => error.set(Some(e.message())),
                }
            });
        })
    };
    let Some(d) = &*data else {
        return html! { <section class="card wide"><p class="muted">{ lang.t("loading") }</p></section> };
    };
    let others: Vec<_> = d
        .summaries
        .iter()
        .filter(|s| Some(s.user_id) != me)
        .collect();
    html! {
        <section class="card wide" data-testid="monthly-summary">
            <h3>{ lang.t1("monthly-title", "month", &d.month) }</h3>
            <label for="sum-month">{ lang.t("month") }</label>
            <input id="sum-month" type="month" value={(*month).clone()} oninput={typed(&month)} />
            <p class="muted" data-testid="summary-window">
                { lang.t1("summary-window-from", "day", &d.opens_on.to_string()) }{ " " }
                { lang.t1("summary-window-to", "day", &d.closes_after.to_string()) }
                { " " }
                if d.open { <span class="badge ok">{ lang.t("summary-open") }</span> } else { <span class="badge">{ lang.t("summary-shut") }</span> }
            </p>
            <form onsubmit={save}>
                <label for="sum-done">{ lang.t("summary-done") }</label>
                <textarea id="sum-done" rows="4" data-testid="summary-done" value={(*done).clone()} oninput={typed(&done)} readonly={!d.open} />
                <label for="sum-unfinished">{ lang.t("summary-unfinished") }</label>
                <textarea id="sum-unfinished" rows="3" data-testid="summary-unfinished" value={(*unfinished).clone()} oninput={typed(&unfinished)} readonly={!d.open} />
                <label for="sum-plan">{ lang.t("summary-plan") }</label>
                <textarea id="sum-plan" rows="3" data-testid="summary-plan" value={(*plan).clone()} oninput={typed(&plan)} readonly={!d.open} />
                if let Some(m) = &*error { <div class="error" role="alert">{ m.clone() }</div> }
                if d.open { <div class="actions"><button type="submit" data-testid="save-summary">{ lang.t("save-summary") }</button></div> }
            </form>
            if !others.is_empty() {
                <h4>{ lang.t("team-summaries") }</h4>
                <ul class="plain" data-testid="team-summaries">
                    { for others.iter().map(|s| html! {
                        <li key={s.id.to_string()} class="report">
                            <strong>{ &s.display_name }</strong>
                            <dl class="facts">
                                <dt>{ lang.t("summary-done") }</dt><dd>{ &s.done }</dd>
                                if !s.unfinished.is_empty() { <dt>{ lang.t("summary-unfinished") }</dt><dd>{ &s.unfinished }</dd> }
                                if !s.plan.is_empty() { <dt>{ lang.t("summary-plan") }</dt><dd>{ &s.plan }</dd> }
                            </dl>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

/// R-REP-5: the action items of meetings that are mine and still open, on my daily report until
/// each is done.
#[function_component(ActionItems)]
fn action_items() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let items = use_state(Vec::<ecops_api_types::ActionItemView>::new);
    let reload = use_state(|| 0u32);
    let toast = use_toast();
    {
        let items = items.clone();
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                items.set(monthly_api::my_items().await.unwrap_or_default());
            });
        });
    }
    if items.is_empty() {
        return html! {};
    }
    let done = |id: Uuid| {
        let (reload, toast) = (reload.clone(), toast.clone());
        Callback::from(move |_| {
            let (reload, toast) = (reload.clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match monthly_api::item_done(id).await {
                    Ok(_) => {
                        toast.emit((Tone::Ok, lang.t("item-done")));
                        reload.set(*reload + 1);
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    html! {
        <section class="card wide" data-testid="action-items">
            <h3>{ lang.t("my-action-items") }</h3>
            <ul class="plain">
                { for items.iter().map(|i| html! {
                    <li key={i.id.to_string()} data-testid="action-item">
                        { &i.text }{ " · " }<span class="muted">{ &i.meeting_title }</span>{ " · " }
                        <span class={classes!("badge", i.overdue.then_some("missed"))}>{ lang.t1("due-on", "day", &i.due_on.to_string()) }</span>
                        { " " }<button class="link" data-testid="item-done" onclick={done(i.id)}>{ lang.t("mark-done") }</button>
                    </li>
                }) }
            </ul>
        </section>
    }
}

/// R-REP-5: every Monday (and on the 1st) my figures of the past week (month) as the system
/// assembled them, to confirm and send to my superior; for managers, who has sent.
#[function_component(Statements)]
fn statements() -> Html {
    use crate::format::{datetime, money};
    use ecops_api_types::StatementKind;
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let manager = session
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .is_some_and(|u| u.roles.iter().any(|r| MANAGERS.contains(r)));
    let toast = use_toast();
    let kind = use_state(|| {
        if today(Utc::now()).day() == 1 {
            StatementKind::Month
        } else {
            StatementKind::Week
        }
    });
    let mine = use_state(|| None::<ecops_api_types::StatementView>);
    let all = use_state(|| None::<ecops_api_types::StatementsOfPeriod>);
    let comment = use_state(String::new);
    let reload = use_state(|| 0u32);
    let error = use_state(|| None::<String>);
    {
        let (mine, all) = (mine.clone(), all.clone());
        use_effect_with((*kind, *reload), move |(k, _)| {
            let k = *k;
            wasm_bindgen_futures::spawn_local(async move {
                mine.set(monthly_api::my_statement(k).await.ok());
                if manager {
                    all.set(monthly_api::statements(k).await.ok());
                }
            });
        });
    }
    let send = {
        let (kind, comment, reload, error, toast) = (
            kind.clone(),
            comment.clone(),
            reload.clone(),
            error.clone(),
            toast.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (k, c, reload, error, toast) = (
                *kind,
                (*comment).clone(),
                reload.clone(),
                error.clone(),
                toast.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match monthly_api::send_statement(k, &c).await {
                    Ok(_) => {
                        error.set(None);
                        toast.emit((Tone::Ok, lang.t("statement-sent")));
                        reload.set(*reload + 1);
                    }
                    Err(e) => error.set(Some(e.message())),
                }
            });
        })
    };
    let tab = |k: StatementKind, key: &str| {
        let h = kind.clone();
        html! {
            <button type="button" class={classes!("tab", (*kind == k).then_some("here"))}
                data-testid={format!("statement-{key}")} onclick={Callback::from(move |_| h.set(k))}>{ lang.t(&format!("statement-{key}")) }</button>
        }
    };
    let Some(s) = &*mine else {
        return html! {};
    };
    let f = &s.figures;
    let rows = [
        ("st-orders", f.orders_taken.to_string()),
        ("st-orders-value", money(f.orders_total_fen)),
        ("st-contact-met", f.contact_met.to_string()),
        ("st-contact-missed", f.contact_missed.to_string()),
        ("st-cases-opened", f.cases_opened.to_string()),
        ("st-cases-closed", f.cases_closed.to_string()),
        ("st-days", f.days_judged.to_string()),
        ("st-late", f.late.to_string()),
        ("st-early", f.early.to_string()),
        ("st-absent", f.absent.to_string()),
        ("st-deductions", money(f.deduction_fen)),
        ("st-reports", f.daily_reports_filed.to_string()),
    ];
    html! {
        <section class="card wide" data-testid="statement">
            <h3>{ lang.t("statement-title") }</h3>
            <div class="tabs">{ tab(StatementKind::Week, "week") }{ tab(StatementKind::Month, "month") }</div>
            <p class="muted">{ format!("{} – {}", s.period_start, s.period_end) }</p>
            <table class="lines" data-testid="statement-figures">
                <tbody>
                { for rows.iter().map(|(k, v)| html! {
                    <tr><th scope="row" class="muted">{ lang.t(k) }</th><td>{ v.clone() }</td></tr>
                }) }
                </tbody>
            </table>
            if let Some(at) = s.submitted_at {
                <p data-testid="statement-sent"><span class="badge ok">{ lang.t1("statement-sent-at", "at", &datetime(at)) }</span>
                    if !s.comment.is_empty() { { " " }<q>{ &s.comment }</q> }</p>
            } else {
                <form onsubmit={send}>
                    <label for="st-comment">{ lang.t("statement-comment") }</label>
                    <textarea id="st-comment" rows="2" data-testid="statement-comment" value={(*comment).clone()} oninput={typed(&comment)} />
                    if let Some(m) = &*error { <div class="error" role="alert">{ m.clone() }</div> }
                    <div class="actions"><button type="submit" data-testid="send-statement">{ lang.t("send-statement") }</button></div>
                </form>
            }
            if let Some(a) = &*all {
                <h4>{ lang.t("statements-sent") }</h4>
                <p data-testid="statements-sent">{ a.sent.iter().map(|x| x.display_name.clone()).collect::<Vec<_>>().join("、") }</p>
                <h4>{ lang.t("statements-not-sent") }</h4>
                <p data-testid="statements-not-sent">{ a.not_sent.iter().map(|x| x.display_name.clone()).collect::<Vec<_>>().join("、") }</p>
            }
        </section>
    }
}
