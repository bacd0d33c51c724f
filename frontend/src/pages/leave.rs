//! Leave (R-ATT-8): a request with its kind, period, reason and the colleague who takes over
//! (only active staff, searchable); my requests with where their approval stands; and, for
//! managers, who is away this week.

use super::attendance::MANAGERS;
use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::forms::{chosen, typed};
use crate::components::toast::{use_toast, Tone};
use crate::format::{company_tz, datetime, local_input, parse_local};
use crate::i18n::Lang;
use crate::services::{people, users};
use chrono::{Datelike, Duration, NaiveTime, Utc};
use ecops_api_types::{ApprovalState, CreateLeaveRequest, LeaveKind, LeaveView, UserView};
use std::collections::HashMap;
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

const KINDS: [LeaveKind; 4] = [
    LeaveKind::Personal,
    LeaveKind::Sick,
    LeaveKind::Annual,
    LeaveKind::Other,
];

fn state_key(s: ApprovalState) -> &'static str {
    super::approvals::state_key(s)
}

/// Where a request's approval chain stands: the roles it waits for, or who decided.
fn chain_text(lang: Lang, d: Option<&ecops_api_types::ApprovalDetail>) -> Html {
    let Some(d) = d else {
        return html! {};
    };
    let role = |r: &ecops_api_types::JobRole| lang.t(&format!("role-{}", r.as_str()));
    let text = if d.waiting_for.is_empty() {
        d.decisions
            .iter()
            .map(|x| format!("{} {}", role(&x.role), datetime(x.decided_at)))
            .collect::<Vec<_>>()
            .join(" · ")
    } else {
        lang.t1(
            "waiting-for",
            "roles",
            &d.waiting_for
                .iter()
                .map(role)
                .collect::<Vec<_>>()
                .join(" + "),
        )
    };
    html! { <div class="muted" data-testid="leave-chain">{ text }</div> }
}

#[function_component(LeavePage)]
pub fn leave_page() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let staff = use_state(Vec::<UserView>::new);
    let me_query = session
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .map(|u| format!("user_id={}", u.id))
        .unwrap_or_default();
    let mine = crate::components::paged::use_paged(me_query, |q| Box::pin(people::leave_page(q)));
    let chains = use_state(HashMap::<Uuid, ecops_api_types::ApprovalDetail>::new);
    let away = use_state(Vec::<LeaveView>::new);
    let reload = use_state(|| 0u32);
    let tomorrow = (Utc::now() + Duration::days(1))
        .with_timezone(&company_tz())
        .date_naive();
    let at = |h: u32, m: u32| {
        tomorrow
            .and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default())
            .and_local_timezone(company_tz())
            .single()
            .map(|t| local_input(t.with_timezone(&Utc)))
            .unwrap_or_default()
    };
    let kind = use_state(|| "personal".to_owned());
    let start = use_state(|| at(8, 30));
    let end = use_state(|| at(17, 30));
    let reason = use_state(String::new);
    let handover = use_state(String::new);
    let note = use_state(String::new);
    let search = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(bool::default);
    let me = session.as_ref().and_then(|s| s.user.clone());
    let manager = me
        .as_ref()
        .is_some_and(|u| u.roles.iter().any(|r| MANAGERS.contains(r)));
    {
        let (staff, chains, away, again) = (
            staff.clone(),
            chains.clone(),
            away.clone(),
            mine.reload.clone(),
        );
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(list) = users::active(None).await {
                    staff.set(list);
                }
                if let Ok(p) = crate::services::approvals::list("mine").await {
                    chains.set(p.items.into_iter().map(|d| (d.request.id, d)).collect());
                }
                again.emit(());
                if manager {
                    let now = Utc::now();
                    let week_start = now.with_timezone(&company_tz()).date_naive()
                        - Duration::days(i64::from(
                            now.with_timezone(&company_tz())
                                .weekday()
                                .num_days_from_monday(),
                        ));
                    let from = week_start
                        .and_time(NaiveTime::MIN)
                        .and_local_timezone(company_tz())
                        .single()
                        .map(|t| t.with_timezone(&Utc))
                        .unwrap_or(now);
                    let to = from + Duration::days(7);
                    if let Ok(list) = people::leave(None, Some("approved")).await {
                        away.set(
                            list.into_iter()
                                .filter(|l| l.starts_at < to && l.ends_at > from)
                                .collect(),
                        );
                    }
                }
            });
        });
    }
    let Some(me) = me else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let names: HashMap<Uuid, String> = staff
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let name_of = |id: &Uuid| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let needle = search.trim().to_lowercase();
    let candidates: Vec<&UserView> = staff
        .iter()
        .filter(|u| u.id != me.id && u.active)
        .filter(|u| {
            // The colleague already chosen stays in the list whatever the search says.
            needle.is_empty()
                || *handover == u.id.to_string()
                || u.display_name.to_lowercase().contains(&needle)
                || u.username.to_lowercase().contains(&needle)
        })
        .collect();
    let onsubmit = {
        let (kind, start, end, reason, handover, note, errors, busy, toast, reload) = (
            kind.clone(),
            start.clone(),
            end.clone(),
            reason.clone(),
            handover.clone(),
            note.clone(),
            errors.clone(),
            busy.clone(),
            toast.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut bad = Vec::new();
            let starts = parse_local(&start);
            let ends = parse_local(&end);
            if starts.is_none() {
                bad.push(("starts_at".to_owned(), lang.t("bad-time")));
            }
            if ends.is_none() {
                bad.push(("ends_at".to_owned(), lang.t("bad-time")));
            }
            let colleague = Uuid::parse_str(&handover).ok();
            if colleague.is_none() {
                bad.push(("handover_to".to_owned(), lang.t("choose-colleague")));
            }
            let (Some(starts), Some(ends), Some(colleague)) = (starts, ends, colleague) else {
                errors.set(bad);
                return;
            };
            let kind = KINDS
                .into_iter()
                .find(|k| k.as_str() == kind.as_str())
                .unwrap_or(LeaveKind::Personal);
            let body = CreateLeaveRequest {
                kind,
                starts_at: starts,
                ends_at: ends,
                reason: reason.trim().to_owned(),
                handover_to: colleague,
                handover_note: note.trim().to_owned(),
            };
            let (errors, busy, toast, reload, reason, note) = (
                errors.clone(),
                busy.clone(),
                toast.clone(),
                reload.clone(),
                reason.clone(),
                note.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match people::request_leave(&body).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        reason.set(String::new());
                        note.set(String::new());
                        toast.emit((Tone::Ok, lang.t("leave-requested")));
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
                busy.set(false);
            });
        })
    };
    html! {
        <>
        <section class="card wide" data-testid="leave">
            <h2>{ lang.t("leave-title") }</h2>
            <form class="action" data-testid="leave-form" {onsubmit}>
                <div class="grid">
                    <div>
                        <label for="leave-kind">{ lang.t("leave-kind") }</label>
                        <select id="leave-kind" data-testid="leave-kind" onchange={chosen(&kind)}>
                            { for KINDS.iter().map(|k| html! {
                                <option value={k.as_str()} selected={*kind == k.as_str()}>{ lang.t(&format!("leave-{}", k.as_str())) }</option>
                            }) }
                        </select>
                    </div>
                    <div>
                        <label for="leave-start">{ lang.t("starts-at") }</label>
                        <input id="leave-start" data-testid="leave-start" type="datetime-local" value={(*start).clone()} oninput={typed(&start)} />
                        { field_error(&errors, "starts_at") }
                    </div>
                    <div>
                        <label for="leave-end">{ lang.t("ends-at") }</label>
                        <input id="leave-end" data-testid="leave-end" type="datetime-local" value={(*end).clone()} oninput={typed(&end)} />
                        { field_error(&errors, "ends_at") }
                    </div>
                </div>
                <label for="leave-reason">{ lang.t("reason") }</label>
                <input id="leave-reason" data-testid="leave-reason" value={(*reason).clone()} oninput={typed(&reason)} />
                { field_error(&errors, "reason") }
                <div class="grid">
                    <div>
                        <label for="handover-search">{ lang.t("handover-search") }</label>
                        <input id="handover-search" type="search" data-testid="handover-search" value={(*search).clone()} oninput={typed(&search)} />
                    </div>
                    <div>
                        <label for="handover-to">{ lang.t("handover-to") }</label>
                        <select id="handover-to" data-testid="handover-to" onchange={chosen(&handover)}>
                            <option value="" selected={handover.is_empty()}>{ lang.t("choose-colleague") }</option>
                            { for candidates.iter().map(|u| html! {
                                <option value={u.id.to_string()} selected={*handover == u.id.to_string()}>{ format!("{} ({})", u.display_name, u.username) }</option>
                            }) }
                        </select>
                        { field_error(&errors, "handover_to") }
                    </div>
                </div>
                <label for="handover-note">{ lang.t("handover-note") }</label>
                <input id="handover-note" data-testid="handover-note" value={(*note).clone()} oninput={typed(&note)} />
                { field_error(&errors, "handover_note") }
                <button type="submit" data-testid="leave-submit" disabled={*busy}>{ lang.t("request-leave") }</button>
            </form>
        </section>
        <section class="card wide">
            <h3>{ lang.t("my-leave") }</h3>
            if let Some(state) = mine.status(lang, "no-leave", "leave-empty") {
                { state }
            } else {
                    <table class="queue" data-testid="my-leave">
                        <thead><tr>
                            <th>{ lang.t("leave-kind") }</th>
                            <th>{ lang.t("starts-at") }</th>
                            <th>{ lang.t("ends-at") }</th>
                            <th>{ lang.t("handover-to") }</th>
                            <th>{ lang.t("col-state") }</th>
                        </tr></thead>
                        <tbody>
                        { for mine.items().iter().map(|l| html! {
                            <tr key={l.id.to_string()} data-testid="leave-row">
                                <td>{ lang.t(&format!("leave-{}", l.kind.as_str())) }</td>
                                <td>{ datetime(l.starts_at) }</td>
                                <td>{ datetime(l.ends_at) }</td>
                                <td>{ name_of(&l.handover_to) }</td>
                                <td>
                                    <a href={format!("/approvals/{}", l.approval_request_id)}>
                                        <span class={classes!("badge", state_key(l.status))} data-testid="leave-state">{ lang.t(&format!("state-{}", state_key(l.status))) }</span>
                                    </a>
                                    { chain_text(lang, chains.get(&l.approval_request_id)) }
                                </td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                    { mine.more(lang) }
            }
        </section>
        if manager {
            <section class="card wide" data-testid="away-this-week">
                <h3>{ lang.t("away-this-week") }</h3>
                if away.is_empty() {
                    <p class="empty">{ lang.t("nobody-away") }</p>
                } else {
                    <ul class="plain">
                        { for away.iter().map(|l| html! {
                            <li key={l.id.to_string()}>
                                <strong>{ name_of(&l.user_id) }</strong>{ " · " }
                                { lang.t(&format!("leave-{}", l.kind.as_str())) }{ " · " }
                                { format!("{} – {}", datetime(l.starts_at), datetime(l.ends_at)) }{ " · " }
                                { lang.t1("covered-by", "name", &name_of(&l.handover_to)) }
                            </li>
                        }) }
                    </ul>
                }
            </section>
        }
        </>
    }
}
