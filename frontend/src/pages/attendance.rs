//! Attendance screens (R-ATT-1..9): my day (clocking in and out at the server's time, today's
//! punches and judgement, who is on duty now), a month as a calendar coloured by each day's
//! judgement, and the department month for the manager (the table, its CSV, closing the month,
//! and a correction from a person's day).

use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::forms::{chosen, typed};
use crate::components::toast::{use_toast, Tone};
use crate::format::{company_tz, datetime, money, parse_local, today};
use crate::i18n::Lang;
use crate::services::people;
use crate::services::requests::fresh_key;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use ecops_api_types::{
    CorrectionAskRequest, CorrectionRequest, DayStatus, DayView, DutyNowView, JobRole, LapseKind,
    LapseView, MonthView, PunchDirection,
};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

/// Who sees the department's months, closes them and corrects punches.
pub const MANAGERS: [JobRole; 3] = [
    JobRole::DeptManager,
    JobRole::GeneralManager,
    JobRole::ItAdmin,
];

/// `2026-12` of an instant, in the company's time zone.
pub fn month_label(at: DateTime<Utc>) -> String {
    at.with_timezone(&company_tz()).format("%Y-%m").to_string()
}

/// The month before or after `label` (`2026-12` → `2026-11` with -1).
pub fn shift_month(label: &str, by: i32) -> String {
    let first =
        NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
    let months = first.year() * 12 + first.month0() as i32 + by;
    format!(
        "{:04}-{:02}",
        months.div_euclid(12),
        months.rem_euclid(12) + 1
    )
}

/// A day's colour class and text key: on time, late or early by tier, absent, leave, off,
/// missing clock-out, still to come.
pub fn day_class(d: &DayView) -> (&'static str, String) {
    let tier = |l: &LapseView| l.tier.unwrap_or(1);
    match d.status {
        DayStatus::NotEmployed => ("not-employed", "day-not-employed".to_owned()),
        DayStatus::Off if d.kind == ecops_api_types::DayKind::Holiday => {
            ("holiday", "day-holiday".to_owned())
        }
        DayStatus::Off => ("off", "day-off".to_owned()),
        DayStatus::Upcoming => match &d.arrival {
            Some(a) if a.kind == LapseKind::Late => {
                (late_class(tier(a)), format!("day-late-{}", tier(a)))
            }
            // Later than the last tier: the seed's absence case, unless a notice came in time.
            Some(a) if a.kind == LapseKind::Absent => ("absent", "day-absent".to_owned()),
            Some(_) => ("upcoming", "day-clocked-in".to_owned()),
            None => ("upcoming", "day-upcoming".to_owned()),
        },
        DayStatus::Judged => {
            if d.on_leave {
                ("leave", "day-leave".to_owned())
            } else if d.missing_punch && !d.absent {
                ("missing", "day-missing".to_owned())
            } else if d.absent {
                ("absent", "day-absent".to_owned())
            } else if let Some(a) = d.arrival.as_ref().filter(|a| a.kind == LapseKind::Late) {
                (late_class(tier(a)), format!("day-late-{}", tier(a)))
            } else if d
                .departure
                .as_ref()
                .is_some_and(|l| l.kind == LapseKind::Early)
            {
                ("early", "day-early".to_owned())
            } else {
                ("on-time", "day-on-time".to_owned())
            }
        }
    }
}

fn late_class(tier: u8) -> &'static str {
    match tier {
        1 => "late-1",
        2 => "late-2",
        _ => "late-3",
    }
}

/// `08:31:05` in the company's time zone.
fn clock(at: DateTime<Utc>) -> String {
    at.with_timezone(&company_tz())
        .format("%H:%M:%S")
        .to_string()
}

#[function_component(MyDay)]
pub fn my_day() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let offset = use_state(|| None::<Duration>);
    let now = use_state(Utc::now);
    let duty = use_state(|| None::<Result<DutyNowView, String>>);
    let day = use_state(|| None::<Result<Option<DayView>, String>>);
    let busy = use_state(bool::default);
    let reload = use_state(|| 0u32);
    let key = use_state(fresh_key);
    {
        let (duty, day, offset) = (duty.clone(), day.clone(), offset.clone());
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match people::duty_now().await {
                    Ok(d) => {
                        // The server's clock decides punches: show its time, not this PC's.
                        offset.set(Some(d.at - Utc::now()));
                        duty.set(Some(Ok(d)));
                    }
                    Err(e) => duty.set(Some(Err(e.message()))),
                }
                let month = month_label(Utc::now());
                let today = today(Utc::now());
                day.set(Some(
                    people::month_of(&month, None)
                        .await
                        .map(|m| m.days.into_iter().find(|d| d.day == today))
                        .map_err(|e| e.message()),
                ));
            });
        });
    }
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let tick = gloo_timers::callback::Interval::new(1000, move || now.set(Utc::now()));
            move || drop(tick)
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let server_now = *now + offset.unwrap_or_else(Duration::zero);
    let today_view = match &*day {
        Some(Ok(d)) => d.clone(),
        _ => None,
    };
    let clocked_in = today_view
        .as_ref()
        .is_some_and(|d| d.punches.iter().any(|p| p.direction == PunchDirection::In));
    let direction = if clocked_in {
        PunchDirection::Out
    } else {
        PunchDirection::In
    };
    let on_punch = {
        let (busy, reload, key, toast) = (busy.clone(), reload.clone(), key.clone(), toast.clone());
        Callback::from(move |_| {
            let (busy, reload, key, toast) =
                (busy.clone(), reload.clone(), key.clone(), toast.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match people::punch(direction, &key).await {
                    Ok(p) => {
                        let text = match p.direction {
                            PunchDirection::In => {
                                lang.t1("punched-in", "time", &clock(p.punched_at))
                            }
                            PunchDirection::Out => {
                                lang.t1("punched-out", "time", &clock(p.punched_at))
                            }
                        };
                        toast.emit((Tone::Ok, text));
                        key.set(fresh_key());
                        reload.set(*reload + 1);
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card wide" data-testid="my-day">
            <h2>{ lang.t("my-day-title") }</h2>
            <div class="clock-panel">
                <div>
                    <div class="server-time" data-testid="server-time" aria-live="off">{ clock(server_now) }</div>
                    <div class="muted">{ lang.t("server-time-note") }</div>
                </div>
                <button type="button" class={classes!("punch", clocked_in.then_some("out"))} data-testid="punch"
                        disabled={*busy} onclick={on_punch}>
                    { lang.t(if clocked_in { "clock-out" } else { "clock-in" }) }
                </button>
            </div>
            <h3>{ lang.t("today") }</h3>
            { match &*day {
                None => html! { <p class="muted">{ lang.t("loading") }</p> },
                Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                Some(Ok(None)) => html! { <p class="muted">{ lang.t("day-not-employed") }</p> },
                Some(Ok(Some(d))) => day_detail(lang, d),
            } }
            <h3>{ lang.t("on-duty-now") }</h3>
            { match &*duty {
                None => html! { <p class="muted">{ lang.t("loading") }</p> },
                Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                Some(Ok(d)) => html! {
                    <div data-testid="on-duty">
                        <p>{ lang.t(if d.in_service_hours { "hotline-service" } else { "hotline-manager" }) }</p>
                        if d.on_duty.is_empty() {
                            <p class="empty">{ lang.t("nobody-on-duty") }</p>
                        } else {
                            <ul class="plain">
                                { for d.on_duty.iter().map(|s| html! {
                                    <li key={s.id.to_string()}>
                                        <strong>{ &s.display_name }</strong>{ " · " }
                                        { lang.t(&format!("duty-{}", duty_key(s.kind))) }{ " · " }
                                        { format!("{} – {}", hm(s.starts_at), hm(s.ends_at)) }
                                        if let Some(p) = &s.phone {
                                            { " · " }<a href={format!("tel:{}", p.replace(' ', ""))} data-testid="duty-phone">{ p.clone() }</a>
                                        }
                                    </li>
                                }) }
                            </ul>
                        }
                    </div>
                },
            } }
        </section>
    }
}

/// The serde name of a duty (`weekend_service`).
pub fn duty_key(k: ecops_api_types::DutyKindView) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `18:00` in the company's time zone.
pub fn hm(at: DateTime<Utc>) -> String {
    at.with_timezone(&company_tz()).format("%H:%M").to_string()
}

/// One day: its judgement, punches and the reason.
fn day_detail(lang: Lang, d: &DayView) -> Html {
    let (class, key) = day_class(d);
    html! {
        <div class="day-detail" data-testid="day-detail">
            <p><span class={classes!("judgement", class)} data-testid="day-judgement">{ lang.t(&key) }</span>
               if d.deduction_fen > 0 { { " " }<span class="pill bad">{ money(d.deduction_fen) }</span> }</p>
            if let Some(r) = &d.reason { <p class="muted" data-testid="day-reason">{ r }</p> }
            if d.punches.is_empty() {
                <p class="muted">{ lang.t("no-punches") }</p>
            } else {
                <ol class="timeline" data-testid="punches">
                    { for d.punches.iter().map(|p| html! {
                        <li key={p.id.to_string()}>
                            <time>{ clock(p.at) }</time>
                            { lang.t(if p.direction == PunchDirection::In { "clock-in" } else { "clock-out" }) }
                            { " · " }{ lang.t(&format!("source-{}", p.source)) }
                            if let Some(r) = &p.reason { { " · " }<q>{ r }</q> }
                        </li>
                    }) }
                </ol>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct MonthProps {
    /// Whose month; the logged-in user's when `None`.
    #[prop_or_default]
    pub user: Option<String>,
}

/// A month as a calendar (mine, or a person's for the manager), with the month's figures; the
/// manager records a correction from a day.
#[function_component(MonthPage)]
pub fn month_page(p: &MonthProps) -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let month = use_state(|| month_label(Utc::now()));
    let data = use_state(|| None::<Result<MonthView, String>>);
    let picked = use_state(|| None::<NaiveDate>);
    let reload = use_state(|| 0u32);
    let user = p.user.as_deref().and_then(|u| Uuid::parse_str(u).ok());
    {
        let data = data.clone();
        use_effect_with(
            ((*month).clone(), user, *reload),
            move |(month, user, _)| {
                let (data, month, user) = (data.clone(), month.clone(), *user);
                data.set(None);
                wasm_bindgen_futures::spawn_local(async move {
                    data.set(Some(
                        people::month_of(&month, user)
                            .await
                            .map_err(|e| e.message()),
                    ));
                });
            },
        );
    }
    let Some(session) = session else {
        return html! {};
    };
    let Some(me) = session.user.clone() else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    // Corrections and telephone notices are the department manager's (the server says so too).
    let manager = me.roles.contains(&JobRole::DeptManager);
    let step = |by: i32| {
        let (month, picked) = (month.clone(), picked.clone());
        Callback::from(move |_| {
            picked.set(None);
            month.set(shift_month(&month, by));
        })
    };
    let title = match (&*data, user) {
        (Some(Ok(m)), Some(_)) => format!("{} · {}", m.display_name, *month),
        _ => format!("{} · {}", lang.t("my-month-title"), *month),
    };
    html! {
        <section class="card wide" data-testid="month">
            if user.is_some() {
                <nav class="crumbs"><Link<Route> to={Route::DeptMonth}>{ lang.t("dept-month-title") }</Link<Route>></nav>
            }
            <h2 data-testid="month-title">{ title }</h2>
            <div class="actions">
                <button type="button" class="secondary" data-testid="prev-month" onclick={step(-1)}>{ lang.t("prev-month") }</button>
                <button type="button" class="secondary" data-testid="next-month" onclick={step(1)}>{ lang.t("next-month") }</button>
            </div>
            { match &*data {
                None => html! { <p class="muted">{ lang.t("loading") }</p> },
                Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                Some(Ok(m)) => {
                    let pick = {
                        let picked = picked.clone();
                        Callback::from(move |d: NaiveDate| picked.set(Some(d)))
                    };
                    let chosen_day = picked.and_then(|d| m.days.iter().find(|x| x.day == d).cloned());
                    let corrected = {
                        let reload = reload.clone();
                        Callback::from(move |_| reload.set(*reload + 1))
                    };
                    html! {
                        <>
                            { month_figures(lang, m) }
                            { calendar(lang, m, pick) }
                            if let Some(d) = chosen_day {
                                <div class="card inset" key={d.day.to_string()}>
                                    <h3>{ d.day.to_string() }</h3>
                                    { day_detail(lang, &d) }
                                    if manager && user.is_some_and(|u| u != me.id) {
                                        <Correction user={m.user_id} day={d.day} on_done={corrected.clone()} />
                                        if !d.phoned_ahead {
                                            <PhoneNotice user={m.user_id} day={d.day} on_done={corrected} />
                                        }
                                    } else if m.user_id == me.id && d.status != DayStatus::NotEmployed {
                                        <Correction user={m.user_id} day={d.day} own={true} on_done={corrected} />
                                    }
                                </div>
                            }
                        </>
                    }
                }
            } }
        </section>
    }
}

fn month_figures(lang: Lang, m: &MonthView) -> Html {
    let tiers = |t: &[u32; 3]| format!("{} / {} / {}", t[0], t[1], t[2]);
    html! {
        <dl class="facts" data-testid="month-figures">
            <dt>{ lang.t("days-worked") }</dt><dd data-testid="days-worked">{ m.days_worked }</dd>
            <dt>{ lang.t("late-tiers") }</dt><dd>{ tiers(&m.late_by_tier) }</dd>
            <dt>{ lang.t("early-tiers") }</dt><dd>{ tiers(&m.early_by_tier) }</dd>
            <dt>{ lang.t("absences") }</dt><dd>{ m.absences }</dd>
            <dt>{ lang.t("missing-punches") }</dt><dd>{ m.missing_punches }</dd>
            <dt>{ lang.t("deductions") }</dt><dd data-testid="total-deductions">{ money(m.total_deductions_fen) }</dd>
            <dt>{ lang.t("bonus") }</dt>
            <dd data-testid="bonus">
                if m.full_attendance_bonus_kept {
                    <span class="badge ok">{ lang.t("bonus-kept") }</span>
                } else {
                    <span class="badge bad">{ lang.t("bonus-lost") }</span>
                    { " " }<span class="muted" data-testid="bonus-why">{ bonus_why(lang, m) }</span>
                }
            </dd>
            <dt>{ lang.t("month-state") }</dt>
            <dd data-testid="month-state">{ lang.t(if m.closed { "month-closed" } else { "month-open" }) }</dd>
            if !m.adjustments.is_empty() {
                <dt>{ lang.t("adjustments") }</dt>
                <dd data-testid="adjustments">
                    <ul class="plain">
                        { for m.adjustments.iter().map(|a| html! {
                            <li key={a.id.to_string()}>
                                { format!("{} ({}) · {} · ", a.concerns_day, a.concerns_month, money(a.deduction_fen)) }<q>{ &a.reason }</q>
                            </li>
                        }) }
                    </ul>
                </dd>
            }
        </dl>
    }
}

/// Why the full-attendance bonus is lost (R-ATT-6): the late arrivals, early departures and
/// absences of the month, and a correction to a closed month that cost it.
fn bonus_why(lang: Lang, m: &MonthView) -> String {
    let late: u32 = m.late_by_tier.iter().sum();
    let early: u32 = m.early_by_tier.iter().sum();
    let mut why = Vec::new();
    for (n, key) in [
        (late, "why-late"),
        (early, "why-early"),
        (m.absences, "why-absent"),
    ] {
        if n > 0 {
            why.push(lang.t1(key, "count", &n.to_string()));
        }
    }
    if m.adjustments.iter().any(|a| a.loses_bonus) {
        why.push(lang.t("why-adjustment"));
    }
    why.join(", ")
}

/// The month's days in weeks from Monday, each coloured by its judgement.
fn calendar(lang: Lang, m: &MonthView, pick: Callback<NaiveDate>) -> Html {
    let lead = m
        .days
        .first()
        .map_or(0, |d| d.day.weekday().num_days_from_monday());
    let weekdays = [
        "wd-mon", "wd-tue", "wd-wed", "wd-thu", "wd-fri", "wd-sat", "wd-sun",
    ];
    // The days in weeks from Monday, padded at the start.
    let cells: Vec<Option<&DayView>> = (0..lead)
        .map(|_| None)
        .chain(m.days.iter().map(Some))
        .collect();
    html! {
        <div class="calendar" role="grid" aria-label={lang.t("calendar")} data-testid="calendar">
            <div class="week head" role="row">
                { for weekdays.iter().map(|k| html! { <div role="columnheader">{ lang.t(k) }</div> }) }
            </div>
            { for cells.chunks(7).enumerate().map(|(w, week)| html! {
                <div class="days" role="row" key={format!("w{w}")}>
                    { for week.iter().map(|c| match c {
                        None => html! { <div class="pad" role="gridcell"></div> },
                        Some(d) => {
                            let (class, key) = day_class(d);
                            let day = d.day;
                            let onclick = pick.reform(move |_| day);
                            html! {
                                <div role="gridcell" key={d.day.to_string()}>
                                    <button type="button" class={classes!("cal-day", class)} data-testid={format!("day-{}", d.day)}
                                            title={lang.t(&key)} {onclick}>
                                        <span class="date">{ d.day.day() }</span>
                                        <span class="what">{ lang.t(&key) }</span>
                                        if d.deduction_fen > 0 { <span class="fine">{ money(d.deduction_fen) }</span> }
                                    </button>
                                </div>
                            }
                        }
                    }) }
                </div>
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CorrectionProps {
    user: Uuid,
    day: NaiveDate,
    /// The person's own day: a request to the department manager rather than the correction.
    #[prop_or_default]
    own: bool,
    on_done: Callback<()>,
}

/// A correction (补卡) of a punch on a day, with the reason: recorded at once by the manager on
/// someone else's day, or asked for by the person on their own (the manager approves it).
#[function_component(Correction)]
fn correction(p: &CorrectionProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let direction = use_state(|| "out".to_owned());
    let at = use_state(|| format!("{}T18:00", p.day));
    let reason = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(bool::default);
    let onsubmit = {
        let (direction, at, reason, errors, busy, toast, done, user, own) = (
            direction.clone(),
            at.clone(),
            reason.clone(),
            errors.clone(),
            busy.clone(),
            toast.clone(),
            p.on_done.clone(),
            p.user,
            p.own,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(when) = parse_local(&at) else {
                errors.set(vec![("at".to_owned(), lang.t("bad-time"))]);
                return;
            };
            let body = CorrectionRequest {
                user_id: user,
                direction: if *direction == "in" {
                    PunchDirection::In
                } else {
                    PunchDirection::Out
                },
                at: when,
                reason: reason.trim().to_owned(),
            };
            let (errors, busy, toast, done) =
                (errors.clone(), busy.clone(), toast.clone(), done.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let sent = if own {
                    people::ask_correction(&CorrectionAskRequest {
                        direction: body.direction,
                        at: body.at,
                        reason: body.reason.clone(),
                    })
                    .await
                    .map(|_| "correction-asked")
                } else {
                    people::correct(&body).await.map(|_| "correction-recorded")
                };
                match sent {
                    Ok(key) => {
                        errors.set(Vec::new());
                        toast.emit((Tone::Ok, lang.t(key)));
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
        <form class="action" data-testid="correction" {onsubmit}>
            <h4>{ lang.t(if p.own { "ask-correction-title" } else { "correction-title" }) }</h4>
            <div class="grid">
                <div>
                    <label for="corr-direction">{ lang.t("direction") }</label>
                    <select id="corr-direction" onchange={chosen(&direction)}>
                        <option value="out" selected={*direction == "out"}>{ lang.t("clock-out") }</option>
                        <option value="in" selected={*direction == "in"}>{ lang.t("clock-in") }</option>
                    </select>
                </div>
                <div>
                    <label for="corr-at">{ lang.t("punch-time") }</label>
                    <input id="corr-at" type="datetime-local" value={(*at).clone()} oninput={typed(&at)} />
                    { field_error(&errors, "at") }
                </div>
            </div>
            <label for="corr-reason">{ lang.t("reason") }</label>
            <input id="corr-reason" data-testid="correction-reason" value={(*reason).clone()} oninput={typed(&reason)} />
            { field_error(&errors, "reason") }
            <button type="submit" data-testid="correction-submit" disabled={*busy}>{ lang.t(if p.own { "ask-correction" } else { "record-correction" }) }</button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct NoticeProps {
    user: Uuid,
    day: NaiveDate,
    on_done: Callback<()>,
}

/// R-ATT-5: the manager records that the person telephoned before the day began, so a lateness
/// beyond the last tier counts as late at the highest tier rather than as an absence.
#[function_component(PhoneNotice)]
fn phone_notice(p: &NoticeProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let note = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let sending = use_mut_ref(|| false);
    let onsubmit = {
        let sending = sending.clone();
        let (note, errors, toast, done, user, day) = (
            note.clone(),
            errors.clone(),
            toast.clone(),
            p.on_done.clone(),
            p.user,
            p.day,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *sending.borrow() {
                return;
            }
            let (text, errors, toast, done) = (
                note.trim().to_owned(),
                errors.clone(),
                toast.clone(),
                done.clone(),
            );
            *sending.borrow_mut() = true;
            let sending = sending.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match people::record_notice(user, day, &text).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        toast.emit((Tone::Ok, lang.t("notice-recorded")));
                        done.emit(());
                    }
                    Err(e) => {
                        let mut fields = e.field_errors();
                        if fields.is_empty() {
                            fields.push(("note".to_owned(), e.message()));
                        }
                        errors.set(fields);
                    }
                }
                *sending.borrow_mut() = false;
            });
        })
    };
    html! {
        <form class="action" data-testid="phone-notice" {onsubmit}>
            <h4>{ lang.t("notice-title") }</h4>
            <label for="notice-note">{ lang.t("notice-note") }</label>
            <input id="notice-note" data-testid="notice-note" value={(*note).clone()} oninput={typed(&note)} />
            { field_error(&errors, "note") }
            <button type="submit" data-testid="notice-submit">{ lang.t("record-notice") }</button>
        </form>
    }
}

/// A clocking device's file: checked first (a dry run that writes nothing and lists the rows it
/// refuses), then recorded; rows refused are never written, the others are.
#[function_component(PunchImport)]
fn punch_import() -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let file = use_state(|| None::<(String, bool)>);
    let report = use_state(|| None::<ecops_api_types::PunchImportReport>);
    let busy = use_state(bool::default);
    let on_file = {
        let (file, report) = (file.clone(), report.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(f) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let ndjson = f.name().ends_with(".ndjson") || f.name().ends_with(".jsonl");
            let (file, report) = (file.clone(), report.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(text) = wasm_bindgen_futures::JsFuture::from(f.text()).await {
                    file.set(Some((text.as_string().unwrap_or_default(), ndjson)));
                    report.set(None);
                }
            });
        })
    };
    let run = |dry_run: bool| {
        let (file, report, busy, toast) =
            (file.clone(), report.clone(), busy.clone(), toast.clone());
        Callback::from(move |_: MouseEvent| {
            let Some((text, ndjson)) = (*file).clone() else {
                return;
            };
            let (report, busy, toast) = (report.clone(), busy.clone(), toast.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match people::import_punches(&text, ndjson, dry_run).await {
                    Ok(r) => {
                        if !dry_run {
                            toast.emit((
                                Tone::Ok,
                                lang.t1("punches-imported", "count", &r.created.to_string()),
                            ));
                        }
                        report.set(Some(r));
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card wide" data-testid="punch-import">
            <h3>{ lang.t("punch-import-title") }</h3>
            <p class="muted">{ lang.t("punch-import-explain") }</p>
            <label for="punch-file">{ lang.t("punch-file") }</label>
            <input id="punch-file" type="file" accept=".csv,.ndjson,.jsonl,text/csv" data-testid="punch-file" onchange={on_file} />
            <div class="actions">
                <button type="button" class="secondary" data-testid="punch-check" disabled={*busy || file.is_none()} onclick={run(true)}>{ lang.t("check-file") }</button>
                <button type="button" data-testid="punch-record" disabled={*busy || file.is_none()} onclick={run(false)}>{ lang.t("record-file") }</button>
            </div>
            if *busy { <p class="muted" role="status">{ lang.t("working") }</p> }
            if let Some(r) = &*report {
                <p data-testid="punch-report">{ lang.t(if r.dry_run { "punch-report-dry" } else { "punch-report" }) }{ " " }
                    { format!("{} {} · {} {} · {} {} · {} {}", lang.t("rows-total"), r.total,
                        lang.t(if r.dry_run { "rows-valid" } else { "rows-created" }), if r.dry_run { r.valid } else { r.created },
                        lang.t("rows-already"), r.already_recorded, lang.t("rows-failed"), r.failed) }</p>
                if !r.rows.is_empty() {
                    <table class="queue" data-testid="punch-report-rows">
                        <thead><tr><th class="num">{ lang.t("row") }</th><th>{ lang.t("outcome") }</th><th>{ lang.t("why") }</th></tr></thead>
                        <tbody>
                        { for r.rows.iter().map(|row| html! {
                            <tr key={row.row}>
                                <td class="num">{ row.row }</td>
                                <td>{ row.code.clone().unwrap_or_else(|| row.outcome.as_str().to_owned()) }</td>
                                <td>{ row.errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ") }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                }
            }
        </section>
    }
}

/// The department month (managers): every person's figures, the CSV, closing, drill-down.
#[function_component(DeptMonth)]
pub fn dept_month() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let month = use_state(|| month_label(Utc::now()));
    let rows = use_state(|| None::<Result<Vec<MonthView>, String>>);
    let sort = use_state(|| "name".to_owned());
    let confirm_missing = use_state(bool::default);
    let closing = use_state(bool::default);
    let busy = use_state(bool::default);
    let reload = use_state(|| 0u32);
    {
        let rows = rows.clone();
        use_effect_with(((*month).clone(), *reload), move |(month, _)| {
            let (rows, month) = (rows.clone(), month.clone());
            rows.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                rows.set(Some(
                    people::department_month(&month)
                        .await
                        .map_err(|e| e.message()),
                ));
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    let Some(me) = session.user.clone() else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    if !me.roles.iter().any(|r| MANAGERS.contains(r)) {
        return html! { <section class="card"><p class="error" role="alert">{ lang.t("managers-only") }</p></section> };
    }
    let step = |by: i32| {
        let month = month.clone();
        Callback::from(move |_| month.set(shift_month(&month, by)))
    };
    let on_csv = {
        let (month, toast) = (month.clone(), toast.clone());
        Callback::from(move |_| {
            let (month, toast) = ((*month).clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = people::download_month_csv(&month).await {
                    toast.emit((Tone::Bad, e.message()));
                }
            });
        })
    };
    let on_close = {
        let (month, toast, busy, closing, reload, confirm_missing) = (
            month.clone(),
            toast.clone(),
            busy.clone(),
            closing.clone(),
            reload.clone(),
            confirm_missing.clone(),
        );
        Callback::from(move |_| {
            let (month, toast, busy, closing, reload, confirm) = (
                (*month).clone(),
                toast.clone(),
                busy.clone(),
                closing.clone(),
                reload.clone(),
                *confirm_missing,
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match people::close_month(&month, confirm).await {
                    Ok(_) => {
                        toast.emit((Tone::Ok, lang.t1("month-closed-toast", "month", &month)));
                        closing.set(false);
                        reload.set(*reload + 1);
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
                busy.set(false);
            });
        })
    };
    let sort_by = |key: &'static str| {
        let sort = sort.clone();
        Callback::from(move |_| sort.set(key.to_owned()))
    };
    let header = |key: &'static str, text: &str, num: bool| {
        let here = *sort == key;
        html! {
            <th class={classes!(num.then_some("num"))} aria-sort={match (here, key) { (false, _) => "none", (true, "name") => "ascending", _ => "descending" }}>
                <button type="button" class="link" data-testid={format!("sort-{key}")} onclick={sort_by(key)}>{ text.to_owned() }</button>
            </th>
        }
    };
    let on_reopen = {
        let (month, toast, reload) = (month.clone(), toast.clone(), reload.clone());
        Callback::from(move |_| {
            let reason = web_sys::window()
                .and_then(|w| {
                    w.prompt_with_message(&lang.t("reopen-reason"))
                        .ok()
                        .flatten()
                })
                .map(|r| r.trim().to_owned())
                .unwrap_or_default();
            if reason.is_empty() {
                return;
            }
            let (month, toast, reload) = ((*month).clone(), toast.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match people::reopen_month(&month, &reason).await {
                    Ok(()) => {
                        toast.emit((Tone::Ok, lang.t("month-reopened")));
                        reload.set(*reload + 1);
                    }
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    html! {
           <>
           <section class="card wide" data-testid="dept-month">
               <h2>{ format!("{} · {}", lang.t("dept-month-title"), *month) }</h2>
               <div class="actions">
                   <button type="button" class="secondary" data-testid="prev-month" onclick={step(-1)}>{ lang.t("prev-month") }</button>
                   <button type="button" class="secondary" data-testid="next-month" onclick={step(1)}>{ lang.t("next-month") }</button>
                   <button type="button" class="secondary" data-testid="download-csv" onclick={on_csv}>{ lang.t("download-csv") }</button>
    <Link<Route> to={Route::Policies} classes="button-link">{ lang.t("policies-title") }</Link<Route>>
                   if me.roles.contains(&JobRole::DeptManager) {
                    <button type="button" data-testid="close-month" onclick={{ let c = closing.clone(); Callback::from(move |_| c.set(true)) }}>{ lang.t("close-month") }</button>
                }
               </div>
               if *closing {
                   <div class="dialog-backdrop">
                       <div class="dialog card" role="dialog" aria-modal="true" aria-labelledby="close-title">
                           <h3 id="close-title">{ lang.t1("close-month-confirm", "month", &month) }</h3>
                           <p>{ lang.t("close-month-explain") }</p>
                           <label class="check"><input type="checkbox" data-testid="confirm-missing" checked={*confirm_missing}
                               onchange={{ let c = confirm_missing.clone(); Callback::from(move |_| c.set(!*c)) }} />
                               { lang.t("confirm-missing") }</label>
                           <div class="actions">
                               <button type="button" data-testid="confirm-close" disabled={*busy} onclick={on_close}>{ lang.t("close-month") }</button>
                               <button type="button" class="secondary" onclick={{ let c = closing.clone(); Callback::from(move |_| c.set(false)) }}>{ lang.t("cancel") }</button>
                           </div>
                       </div>
                   </div>
               }
               { match &*rows {
                   None => html! { <p class="muted">{ lang.t("loading") }</p> },
                   Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                   Some(Ok(list)) if list.is_empty() => html! { <p class="empty">{ lang.t("nobody") }</p> },
                   Some(Ok(list)) => {
                       let mut list = list.clone();
                       match sort.as_str() {
                           "late" => list.sort_by_key(|m| std::cmp::Reverse(m.late_by_tier.iter().sum::<u32>())),
                           "absences" => list.sort_by_key(|m| std::cmp::Reverse(m.absences)),
                           "deductions" => list.sort_by_key(|m| std::cmp::Reverse(m.total_deductions_fen)),
                           _ => list.sort_by(|a, b| a.display_name.cmp(&b.display_name)),
                       }
                       let closed = list.first().is_some_and(|m| m.closed);
                       html! {
                           <>
                           <p data-testid="dept-month-state">{ lang.t(if closed { "month-closed" } else { "month-open" }) }</p>
                           <table class="queue" data-testid="dept-month-table">
                               <thead><tr>
                                   { header("name", &lang.t("person"), false) }
                                   <th class="num">{ lang.t("days-worked") }</th>
                                   { header("late", &lang.t("late-tiers"), true) }
                                   <th class="num">{ lang.t("early-tiers") }</th>
                                   { header("absences", &lang.t("absences"), true) }
                                   <th class="num">{ lang.t("missing-punches") }</th>
                                   { header("deductions", &lang.t("deductions"), true) }
                                   <th>{ lang.t("bonus") }</th>
                               </tr></thead>
                               <tbody>
                               { for list.iter().map(|m| html! {
                                   <tr key={m.user_id.to_string()} data-testid="person-row">
                                       <td><Link<Route> to={Route::PersonMonth { id: m.user_id.to_string() }}>{ &m.display_name }</Link<Route>></td>
                                       <td class="num">{ m.days_worked }</td>
                                       <td class="num">{ format!("{} / {} / {}", m.late_by_tier[0], m.late_by_tier[1], m.late_by_tier[2]) }</td>
                                       <td class="num">{ format!("{} / {} / {}", m.early_by_tier[0], m.early_by_tier[1], m.early_by_tier[2]) }</td>
                                       <td class="num">{ m.absences }</td>
                                       <td class="num">{ m.missing_punches }</td>
                                       <td class="num" data-testid="row-deductions">{ money(m.total_deductions_fen) }</td>
                                       <td>{ lang.t(if m.full_attendance_bonus_kept { "bonus-kept" } else { "bonus-lost" }) }</td>
                                   </tr>
                               }) }
                               </tbody>
                           </table>
                           </>
                       }
                   }
               } }
               <p class="muted">{ lang.t1("updated-at", "time", &datetime(Utc::now())) }</p>
               if me.roles.contains(&JobRole::GeneralManager) && matches!(&*rows, Some(Ok(l)) if l.first().is_some_and(|m| m.closed)) {
                   <button type="button" class="secondary" data-testid="reopen-month" onclick={on_reopen}>{ lang.t("reopen-month") }</button>
               }
           </section>
           if me.roles.contains(&JobRole::DeptManager) {
               <PunchImport />
           }
           </>
       }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_step_across_years() {
        assert_eq!(shift_month("2026-12", 1), "2027-01");
        assert_eq!(shift_month("2026-01", -1), "2025-12");
        assert_eq!(shift_month("2026-06", 0), "2026-06");
    }
}
