//! After-sales cases (R-AFS-1..2): every kind, who owns each, the complaint deadline and what
//! has been escalated to the supervisor, filtered in the URL.

use crate::app::{Route, Session};
use crate::format::{countdown, datetime, money};
use crate::i18n::Lang;
use crate::services::aftersales;
use chrono::Utc;
use ecops_api_types::{CaseKind, CaseStatus, CaseView};
use serde::{Deserialize, Serialize};
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
    let rows = use_state(|| None::<Result<Vec<CaseView>, String>>);
    {
        let rows = rows.clone();
        use_effect_with(query.api(), move |q| {
            let (rows, q) = (rows.clone(), q.clone());
            wasm_bindgen_futures::spawn_local(async move {
                rows.set(Some(
                    aftersales::list(&q)
                        .await
                        .map(|p| p.items)
                        .map_err(|e| e.message()),
                ));
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
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
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            push(CaseQuery {
                kind: Some(v).filter(|v| !v.is_empty()),
                ..q.clone()
            });
        })
    };
    let on_status = {
        let (q, push) = (query.clone(), push.clone());
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
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
            { match &*rows {
                None => html! { <p class="muted">{ lang.t("loading") }</p> },
                Some(Err(m)) => html! { <div class="error" role="alert">{ m.clone() }</div> },
                Some(Ok(list)) if list.is_empty() => html! { <p class="empty" data-testid="cases-empty">{ lang.t("empty-cases") }</p> },
                Some(Ok(list)) => html! {
                    <table class="queue">
                        <thead><tr>
                            <th>{ lang.t("col-kind") }</th>
                            <th>{ lang.t("col-description") }</th>
                            <th class="num">{ lang.t("refund") }</th>
                            <th>{ lang.t("col-state") }</th>
                            <th>{ lang.t("deadline") }</th>
                            <th>{ lang.t("col-created") }</th>
                        </tr></thead>
                        <tbody>
                        { for list.iter().map(|c| html! {
                            <tr key={c.id.to_string()} data-testid="case-row">
                                <td><Link<Route> to={Route::Order { id: c.order_id.to_string() }}>{ lang.t(&format!("case-{}", c.kind.as_str())) }</Link<Route>></td>
                                <td>{ &c.description }</td>
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
                },
            } }
        </section>
    }
}
