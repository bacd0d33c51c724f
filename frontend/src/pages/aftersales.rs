//! After-sales (R-AFS-1..3): the cases with their owners, the complaint deadline and what has
//! been escalated, filtered in the URL and paged through the API's cursor; one case moved on by
//! its owner; the daily figures and the factory table, downloadable as CSV.

use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::paged::use_paged;
use crate::components::toast::{use_toast, Tone};
use crate::format::{countdown, datetime, money, today};
use crate::i18n::Lang;
use crate::services::{aftersales, users};
use chrono::{Duration, Utc};
use ecops_api_types::{
    CaseKind, CaseStatus, CaseView, DailyAftersales, FactoryRow, UpdateCaseRequest, UserView,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated: Option<bool>,
}

impl CaseQuery {
    fn api(&self) -> String {
        let mut p = Vec::new();
        if let Some(k) = &self.kind {
            p.push(format!("kind={k}"));
        }
        if let Some(s) = &self.status {
            p.push(format!("status={s}"));
        }
        if self.escalated == Some(true) {
            p.push("escalated=true".to_owned());
        }
        p.join("&")
    }
}

/// The people who can own a case, by id, for naming owners.
#[hook]
fn use_case_staff() -> UseStateHandle<Vec<UserView>> {
    let staff = use_state(Vec::<UserView>::new);
    {
        let staff = staff.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let mut all = users::active(Some("customer_service"))
                    .await
                    .unwrap_or_default();
                for u in users::active(Some("cs_supervisor"))
                    .await
                    .unwrap_or_default()
                {
                    if !all.iter().any(|a| a.id == u.id) {
                        all.push(u);
                    }
                }
                staff.set(all);
            });
        });
    }
    staff
}

fn name_of(staff: &HashMap<Uuid, String>, id: Uuid) -> String {
    staff
        .get(&id)
        .cloned()
        .unwrap_or_else(|| id.to_string()[..8].to_owned())
}

#[function_component(Aftersales)]
pub fn aftersales_list() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let location = use_location();
    let navigator = use_navigator();
    let query: CaseQuery = location
        .as_ref()
        .and_then(|l| l.query::<CaseQuery>().ok())
        .unwrap_or_default();
    let cases = use_paged(query.api(), |q| Box::pin(aftersales::list(q)));
    let staff = use_case_staff();
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let names: HashMap<Uuid, String> = staff
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let push = {
        let navigator = navigator.clone();
        move |q: CaseQuery| {
            if let Some(n) = &navigator {
                let _ = n.push_with_query(&Route::Aftersales, &q);
            }
        }
    };
    let on_kind = {
        let (q, push) = (query.clone(), push.clone());
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            push(CaseQuery {
                kind: Some(v).filter(|v| !v.is_empty()),
                ..q.clone()
            });
        })
    };
    let on_status = {
        let (q, push) = (query.clone(), push.clone());
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            push(CaseQuery {
                status: Some(v).filter(|v| !v.is_empty()),
                ..q.clone()
            });
        })
    };
    let on_escalated = {
        let (q, push) = (query.clone(), push.clone());
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            push(CaseQuery {
                escalated: on.then_some(true),
                ..q.clone()
            });
        })
    };
    let kind = query.kind.clone().unwrap_or_default();
    let status = query.status.clone().unwrap_or_default();
    let now = Utc::now();
    html! {
        <section class="card wide" data-testid="aftersales">
            <nav class="crumbs"><Link<Route> to={Route::AftersalesReports}>{ lang.t("aftersales-reports") }</Link<Route>></nav>
            <h2>{ lang.t("aftersales-title") }</h2>
            <div class="filters">
                <label>{ lang.t("col-kind") }
                    <select data-testid="case-kind-filter" onchange={on_kind}>
                        <option value="" selected={kind.is_empty()}>{ lang.t("filter-all") }</option>
                        { for CaseKind::ALL.iter().map(|k| html! {
                            <option value={k.as_str()} selected={kind == k.as_str()}>{ lang.t(&format!("case-{}", k.as_str())) }</option>
                        }) }
                    </select>
                </label>
                <label>{ lang.t("filter-status") }
                    <select data-testid="case-status-filter" onchange={on_status}>
                        <option value="" selected={status.is_empty()}>{ lang.t("filter-all") }</option>
                        { for CaseStatus::ALL.iter().map(|s| html! {
                            <option value={s.as_str()} selected={status == s.as_str()}>{ lang.t(&format!("case-status-{}", s.as_str())) }</option>
                        }) }
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="escalated-filter" checked={query.escalated == Some(true)} onchange={on_escalated} />
                    { lang.t("escalated-only") }
                </label>
            </div>
            if let Some(state) = cases.status(lang, "empty-cases", "cases-empty") {
                { state }
            } else {
                <table class="queue">
                    <thead><tr>
                        <th>{ lang.t("col-kind") }</th>
                        <th>{ lang.t("col-description") }</th>
                        <th>{ lang.t("case-owner") }</th>
                        <th class="num">{ lang.t("refund") }</th>
                        <th>{ lang.t("col-state") }</th>
                        <th>{ lang.t("deadline") }</th>
                        <th>{ lang.t("col-created") }</th>
                    </tr></thead>
                    <tbody>
                    { for cases.items().iter().map(|c| html! {
                        <tr key={c.id.to_string()} data-testid="case-row">
                            <td><Link<Route> to={Route::Case { id: c.id.to_string() }}>{ lang.t(&format!("case-{}", c.kind.as_str())) }</Link<Route>></td>
                            <td>{ &c.description }</td>
                            <td>{ name_of(&names, c.owner_id) }</td>
                            <td class="num">{ money(c.refund_fen) }</td>
                            <td><span class={classes!("badge", c.status.as_str())}>{ lang.t(&format!("case-status-{}", c.status.as_str())) }</span>
                                if c.escalated { { " " }<span class="badge bad" data-testid="escalated">{ lang.t("escalated") }</span> }
                            </td>
                            <td>{ c.deadline_at.filter(|_| c.closed_at.is_none()).map(|d| countdown(d, now).text).unwrap_or_default() }</td>
                            <td>{ datetime(c.created_at) }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                { cases.more(lang) }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CaseProps {
    pub id: String,
}

/// One case: what it is about, its lines, and the owner moving it on (status, owner, the result
/// given to the customer). A change made meanwhile by someone else is refused, not overwritten.
#[function_component(CasePage)]
pub fn case_page(props: &CaseProps) -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let case = use_state(|| None::<Result<CaseView, String>>);
    let staff = use_case_staff();
    let status = use_state(String::new);
    let owner = use_state(String::new);
    let result = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let failure = use_state(Option::<String>::default);
    let busy = use_state(bool::default);
    let id = Uuid::parse_str(&props.id).ok();
    {
        let (case, status, owner, result) =
            (case.clone(), status.clone(), owner.clone(), result.clone());
        use_effect_with(id, move |id| {
            let id = *id;
            wasm_bindgen_futures::spawn_local(async move {
                let Some(id) = id else {
                    case.set(Some(Err("not a case id".to_owned())));
                    return;
                };
                let got = aftersales::get(id).await.map_err(|e| e.message());
                if let Ok(c) = &got {
                    status.set(c.status.as_str().to_owned());
                    owner.set(c.owner_id.to_string());
                    result.set(c.customer_result.clone().unwrap_or_default());
                }
                case.set(Some(got));
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let c = match &*case {
        None => {
            return html! { <section class="card"><p class="muted">{ lang.t("loading") }</p></section> }
        }
        Some(Err(m)) => {
            return html! { <section class="card"><div class="error" role="alert">{ m.clone() }</div></section> }
        }
        Some(Ok(c)) => c.clone(),
    };
    let names: HashMap<Uuid, String> = staff
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let may_change = c.status != CaseStatus::Closed
        && session.user.as_ref().is_some_and(|u| {
            u.roles.iter().any(|r| {
                matches!(
                    r,
                    ecops_api_types::JobRole::CustomerService
                        | ecops_api_types::JobRole::CsSupervisor
                )
            })
        });
    let on_submit = {
        let (case, status, owner, result, errors, failure, busy, toast) = (
            case.clone(),
            status.clone(),
            owner.clone(),
            result.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            toast.clone(),
        );
        let c = c.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let body = UpdateCaseRequest {
                status: Some((*status).clone()).filter(|s| s != c.status.as_str()),
                owner_id: Uuid::parse_str(&owner).ok().filter(|o| *o != c.owner_id),
                customer_result: Some(result.trim().to_owned())
                    .filter(|r| !r.is_empty() && Some(r) != c.customer_result.as_ref()),
            };
            busy.set(true);
            let (case, errors, failure, busy, toast, c) = (
                case.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                toast.clone(),
                c.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match aftersales::update(c.id, c.version, &body).await {
                    Ok(v) => {
                        errors.set(Vec::new());
                        failure.set(None);
                        toast.emit((Tone::Ok, lang.t("case-saved")));
                        case.set(Some(Ok(v)));
                    }
                    Err(f) => {
                        let errs = f.field_errors();
                        failure.set(errs.is_empty().then(|| f.message()));
                        errors.set(errs);
                    }
                }
                busy.set(false);
            });
        })
    };
    let select = crate::components::forms::chosen;
    html! {
        <section class="card wide" data-testid="case">
            <nav class="crumbs">
                <Link<Route> to={Route::Aftersales}>{ lang.t("aftersales-title") }</Link<Route>>
                { " › " }
                <Link<Route> to={Route::Order { id: c.order_id.to_string() }}>{ lang.t("case-order") }</Link<Route>>
            </nav>
            <h2>{ lang.t(&format!("case-{}", c.kind.as_str())) }{ " " }
                <span class={classes!("badge", c.status.as_str())} data-testid="case-status">{ lang.t(&format!("case-status-{}", c.status.as_str())) }</span>
                if c.escalated { { " " }<span class="badge bad">{ lang.t("escalated") }</span> }
            </h2>
            <dl class="facts">
                <dt>{ lang.t("col-description") }</dt><dd>{ &c.description }</dd>
                <dt>{ lang.t("case-owner") }</dt><dd data-testid="case-owner">{ name_of(&names, c.owner_id) }</dd>
                <dt>{ lang.t("refund") }</dt><dd>{ money(c.refund_fen) }</dd>
                if c.gift_fen > 0 || c.gift_item.is_some() {
                    <dt>{ lang.t("case-gift") }</dt>
                    <dd>{ format!("{} {}", c.gift_item.clone().unwrap_or_default(), money(c.gift_fen)) }</dd>
                }
                if let Some(i) = &c.logistics_issue {
                    <dt>{ lang.t("logistics-issue") }</dt><dd>{ lang.t(&format!("issue-{i}")) }</dd>
                }
                if let Some(d) = c.deadline_at {
                    <dt>{ lang.t("deadline") }</dt><dd>{ datetime(d) }</dd>
                }
                <dt>{ lang.t("col-created") }</dt><dd>{ datetime(c.created_at) }</dd>
                if let Some(r) = &c.customer_result {
                    <dt>{ lang.t("customer-result") }</dt><dd data-testid="customer-result">{ r.clone() }</dd>
                }
            </dl>
            if !c.lines.is_empty() {
                <h3>{ lang.t("order-lines") }</h3>
                <table class="lines"><tbody>
                    { for c.lines.iter().map(|l| html! {
                        <tr><td>{ format!("#{}", l.line_no) }</td><td>{ &l.sku }</td><td class="num">{ l.quantity }</td></tr>
                    }) }
                </tbody></table>
            }
            if may_change {
                <form class="action" data-testid="case-form" onsubmit={on_submit}>
                    <h3>{ lang.t("case-move-on") }</h3>
                    <div class="grid">
                        <div>
                            <label for="case-status">{ lang.t("col-state") }</label>
                            <select id="case-status" onchange={select(&status)}>
                                { for CaseStatus::ALL.iter().map(|s| html! {
                                    <option value={s.as_str()} selected={*status == s.as_str()}>{ lang.t(&format!("case-status-{}", s.as_str())) }</option>
                                }) }
                            </select>
                            { field_error(&errors, "status") }
                        </div>
                        <div>
                            <label for="case-owner">{ lang.t("case-owner") }</label>
                            <select id="case-owner" onchange={select(&owner)}>
                                if !staff.iter().any(|u| u.id == c.owner_id) {
                                    <option value={c.owner_id.to_string()} selected=true>{ name_of(&names, c.owner_id) }</option>
                                }
                                { for staff.iter().map(|u| html! {
                                    <option value={u.id.to_string()} selected={*owner == u.id.to_string()}>{ &u.display_name }</option>
                                }) }
                            </select>
                            { field_error(&errors, "owner_id") }
                        </div>
                    </div>
                    <label for="customer-result">{ lang.t("customer-result") }</label>
                    <textarea id="customer-result" value={(*result).clone()} oninput={crate::components::forms::typed(&result)} />
                    { field_error(&errors, "customer_result") }
                    if let Some(m) = &*failure { <div class="error" role="alert">{ m.clone() }</div> }
                    <button type="submit" disabled={*busy}>{ lang.t("save") }</button>
                </form>
            }
        </section>
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The daily after-sales figures and the factory table (R-AFS-3) for a period, with CSV.
#[function_component(AftersalesReports)]
pub fn aftersales_reports() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let location = use_location();
    let navigator = use_navigator();
    let q: ReportQuery = location
        .as_ref()
        .and_then(|l| l.query::<ReportQuery>().ok())
        .unwrap_or_default();
    let end = today(Utc::now());
    let to = q.to.clone().unwrap_or_else(|| end.to_string());
    let from = q
        .from
        .clone()
        .unwrap_or_else(|| (end - Duration::days(6)).to_string());
    let data = use_state(|| None::<Result<(Vec<DailyAftersales>, Vec<FactoryRow>), String>>);
    {
        let data = data.clone();
        use_effect_with((from.clone(), to.clone()), move |(from, to)| {
            let (from, to, data) = (from.clone(), to.clone(), data.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let got = match aftersales::daily(&from, &to).await {
                    Ok(d) => aftersales::factory(&from, &to).await.map(|f| (d, f)),
                    Err(e) => Err(e),
                };
                data.set(Some(got.map_err(|e| e.message())));
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let set_date = |which: &'static str| {
        let (navigator, q) = (navigator.clone(), q.clone());
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            let mut next = q.clone();
            if which == "from" {
                next.from = Some(v);
            } else {
                next.to = Some(v);
            }
            if let Some(n) = &navigator {
                let _ = n.push_with_query(&Route::AftersalesReports, &next);
            }
        })
    };
    let csv = |report: &'static str| {
        let (from, to, toast) = (from.clone(), to.clone(), toast.clone());
        Callback::from(move |_: MouseEvent| {
            let (from, to, toast) = (from.clone(), to.clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = aftersales::save_csv(report, &from, &to).await {
                    toast.emit((Tone::Bad, e.message()));
                }
            });
        })
    };
    html! {
        <section class="card wide" data-testid="aftersales-reports">
            <nav class="crumbs"><Link<Route> to={Route::Aftersales}>{ lang.t("aftersales-title") }</Link<Route>></nav>
            <h2>{ lang.t("aftersales-reports") }</h2>
            <div class="filters">
                <label>{ lang.t("period-from") }<input type="date" data-testid="report-from" value={from.clone()} onchange={set_date("from")} /></label>
                <label>{ lang.t("period-to") }<input type="date" data-testid="report-to" value={to.clone()} onchange={set_date("to")} /></label>
            </div>
            { match &*data {
                None => html! { <p class="muted">{ lang.t("loading") }</p> },
                Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                Some(Ok((daily, factory))) => html! {
                    <>
                    <h3>{ lang.t("report-daily") }
                        <button type="button" class="secondary inline" data-testid="daily-csv" onclick={csv("daily")}>{ lang.t("download-csv") }</button>
                    </h3>
                    <table class="queue" data-testid="daily-table">
                        <thead><tr>
                            <th>{ lang.t("col-date") }</th>
                            <th class="num">{ lang.t("report-cases") }</th>
                            { for CaseKind::ALL.iter().map(|k| html! { <th class="num">{ lang.t(&format!("case-{}", k.as_str())) }</th> }) }
                            <th class="num">{ lang.t("report-refunded") }</th>
                            <th class="num">{ lang.t("report-closed") }</th>
                        </tr></thead>
                        <tbody>
                        { for daily.iter().map(|d| html! {
                            <tr data-testid="daily-row">
                                <td>{ d.date.to_string() }</td>
                                <td class="num">{ d.cases }</td>
                                { for CaseKind::ALL.iter().map(|k| html! { <td class="num">{ d.by_kind.get(k.as_str()).copied().unwrap_or(0) }</td> }) }
                                <td class="num">{ money(d.refunded_fen) }</td>
                                <td class="num">{ d.closed }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                    <h3>{ lang.t("report-factory") }
                        <button type="button" class="secondary inline" data-testid="factory-csv" onclick={csv("factory")}>{ lang.t("download-csv") }</button>
                    </h3>
                    if factory.is_empty() {
                        <p class="empty">{ lang.t("empty-factory") }</p>
                    } else {
                        <table class="queue" data-testid="factory-table">
                            <thead><tr>
                                <th>{ lang.t("col-date") }</th><th>{ lang.t("col-kind") }</th><th>{ lang.t("col-order-no") }</th>
                                <th>{ "SKU" }</th><th class="num">{ lang.t("quantity") }</th><th class="num">{ lang.t("refund") }</th>
                                <th>{ lang.t("col-description") }</th>
                            </tr></thead>
                            <tbody>
                            { for factory.iter().map(|r| html! {
                                <tr data-testid="factory-row">
                                    <td>{ r.date.to_string() }</td>
                                    <td>{ lang.t(&format!("case-{}", r.kind.as_str())) }</td>
                                    <td><Link<Route> to={Route::Order { id: r.order_id.to_string() }}>{ &r.channel_order_no }</Link<Route>></td>
                                    <td>{ &r.sku }</td><td class="num">{ r.quantity }</td><td class="num">{ money(r.refund_fen) }</td>
                                    <td>{ &r.description }</td>
                                </tr>
                            }) }
                            </tbody>
                        </table>
                    }
                    </>
                },
            } }
        </section>
    }
}
