//! Customers (R-ORD-9): search, a customer's contact data, classification and orders, and the
//! bad-customer flag customer service proposes and the department manager confirms.

use super::orders::status_key;
use crate::app::{Route, Session};
use crate::components::paged::use_paged;
use crate::format::{datetime, money};
use crate::i18n::Lang;
use crate::services::customers;
use ecops_api_types::{CustomerView, JobRole, OrderView};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

#[function_component(Customers)]
pub fn customers_list() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let location = use_location();
    let navigator = use_navigator();
    let query: CustomerQuery = location
        .as_ref()
        .and_then(|l| l.query::<CustomerQuery>().ok())
        .unwrap_or_default();
    let search = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| format!("q={}", String::from(js_sys::encode_uri_component(q))))
        .unwrap_or_default();
    let rows = use_paged(search, |q| Box::pin(customers::search(q)));
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let on_search = {
        let navigator = navigator.clone();
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            if let Some(n) = &navigator {
                let _ = n.push_with_query(
                    &Route::Customers,
                    &CustomerQuery {
                        q: Some(v).filter(|v| !v.trim().is_empty()),
                    },
                );
            }
        })
    };
    html! {
        <section class="card wide" data-testid="customers">
            <h2>{ lang.t("customers-title") }</h2>
            <div class="filters">
                <label>{ lang.t("customer-search") }
                    <input type="search" data-testid="customer-search" value={query.q.clone().unwrap_or_default()} onchange={on_search} />
                </label>
            </div>
            if let Some(state) = rows.status(lang, "empty-customers", "customers-empty") {
                { state }
            } else {
                    <table class="queue">
                        <thead><tr>
                            <th>{ lang.t("customer-name") }</th>
                            <th>{ lang.t("customer-phone") }</th>
                            <th>{ lang.t("classification") }</th>
                            <th>{ lang.t("bad-customer") }</th>
                        </tr></thead>
                        <tbody>
                        { for rows.items().iter().map(|c| html! {
                            <tr key={c.id.to_string()} data-testid="customer-row">
                                <td><Link<Route> to={Route::Customer { id: c.id.to_string() }}>{ &c.name }</Link<Route>></td>
                                <td>{ &c.phone }</td>
                                <td>{ &c.classification }</td>
                                <td>if c.bad_customer { <span class="badge bad">{ lang.t("bad-customer") }</span> }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                    { rows.more(lang) }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CustomerProps {
    pub id: String,
}

#[function_component(CustomerPage)]
pub fn customer_page(props: &CustomerProps) -> Html {
    let navigator = use_navigator();
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let data = use_state(|| None::<Result<(CustomerView, Vec<OrderView>), String>>);
    let reason = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let notice = use_state(Option::<String>::default);
    let id = Uuid::parse_str(&props.id).ok();
    {
        let data = data.clone();
        use_effect_with(id, move |id| {
            let (data, id) = (data.clone(), *id);
            wasm_bindgen_futures::spawn_local(async move {
                let Some(id) = id else {
                    data.set(Some(Err("not a customer id".to_owned())));
                    return;
                };
                let loaded = match customers::get(id).await {
                    Ok(c) => {
                        let orders = customers::orders_of(id)
                            .await
                            .map(|p| p.items)
                            .unwrap_or_default();
                        Ok((c, orders))
                    }
                    Err(e) => Err(e.message()),
                };
                data.set(Some(loaded));
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    let Some(user) = session.user.clone() else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let (c, orders) = match &*data {
        None => {
            return html! { <section class="card"><p class="muted">{ lang.t("loading") }</p></section> }
        }
        Some(Err(m)) => {
            return html! { <section class="card"><div class="error" role="alert">{ m.clone() }</div></section> }
        }
        Some(Ok(d)) => d.clone(),
    };
    let may_flag = !c.bad_customer
        && user
            .roles
            .iter()
            .any(|r| matches!(r, JobRole::CustomerService | JobRole::CsSupervisor));
    let submit = {
        let (reason, errors, notice) = (reason.clone(), errors.clone(), notice.clone());
        let cid = c.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (r, errors, notice) = ((*reason).clone(), errors.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match customers::propose_bad(cid, &r).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        notice.set(Some(lang.t("bad-customer-filed")));
                    }
                    Err(f) => {
                        let errs = f.field_errors();
                        notice.set(errs.is_empty().then(|| f.message()));
                        errors.set(errs);
                    }
                }
            });
        })
    };
    html! {
        <section class="card wide" data-testid="customer">
            <nav class="crumbs"><Link<Route> to={Route::Customers}>{ lang.t("back-to-customers") }</Link<Route>></nav>
            <h2>{ &c.name }
                if c.bad_customer { <span class="badge bad">{ lang.t("bad-customer") }</span> }
            </h2>
            <dl class="facts">
                <dt>{ lang.t("customer-phone") }</dt><dd>{ &c.phone }</dd>
                <dt>{ lang.t("order-address") }</dt><dd>{ &c.address }</dd>
                <dt>{ lang.t("classification") }</dt><dd>{ &c.classification }</dd>
                if let Some(r) = &c.bad_customer_reason { <dt>{ lang.t("bad-customer") }</dt><dd>{ r }</dd> }
            </dl>
            <div class="actions">
                <button class="secondary" data-testid="new-order-for" onclick={{
                    let (navigator, id) = (navigator.clone(), c.id);
                    Callback::from(move |_| {
                        if let Some(n) = &navigator {
                            let _ = n.push_with_query(&Route::NewOrder, &[("customer", id.to_string())]);
                        }
                    })
                }}>{ lang.t("new-order-for") }</button>
            </div>
            <h3>{ lang.t("customer-orders") }</h3>
            <table class="queue" data-testid="customer-orders">
                <tbody>
                { for orders.iter().map(|o| html! {
                    <tr key={o.id.to_string()}>
                        <td><Link<Route> to={Route::Order { id: o.id.to_string() }}>{ &o.channel_order_no }</Link<Route>></td>
                        <td>{ datetime(o.created_at) }</td>
                        <td class="num">{ money(o.total_fen) }</td>
                        <td><span class={classes!("badge", status_key(o.status))}>{ lang.t(&format!("status-{}", status_key(o.status))) }</span></td>
                    </tr>
                }) }
                </tbody>
            </table>
            if let Some(m) = &*notice { <div class="notice" role="status" data-testid="customer-notice">{ m.clone() }</div> }
            if may_flag {
                <form class="action" data-testid="bad-customer-form" onsubmit={submit}>
                    <h3>{ lang.t("propose-bad-customer") }</h3>
                    <label for="bad-reason">{ lang.t("col-reason") }</label>
                    <input id="bad-reason" value={(*reason).clone()} oninput={crate::components::forms::typed(&reason)} />
                    { crate::components::field_error::field_error(&errors, "reason") }
                    <button type="submit" data-testid="submit-bad-customer">{ lang.t("submit-for-approval") }</button>
                </form>
            }
        </section>
    }
}
