//! Order entry for phone orders (R-ORD-1): the customer, lines found by SKU with their live
//! stock and effective price, the payment. The form checks the same limits as the server while
//! the user types, and one `Idempotency-Key` per form makes a double click one order.

use crate::app::{Route, Session};
use crate::format::money;
use crate::i18n::Lang;
use crate::services::{customers, orders};
use ecops_api_types::{
    CreateOrderRequest, CustomerInput, CustomerView, OrderLineInput, ProductView,
};
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Clone, PartialEq)]
struct Line {
    sku: String,
    title: String,
    price_fen: i64,
    stock: i64,
    quantity: i64,
}

/// `?customer=ID`: the order is for this known customer.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
struct ForCustomer {
    customer: Option<uuid::Uuid>,
}

fn input_value(e: &InputEvent) -> String {
    crate::components::forms::changed(e)
}

#[function_component(NewOrder)]
pub fn new_order() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let navigator = use_navigator();
    let location = use_location();
    // One key for this form: a second submit of the same order is answered with the first.
    let key = use_state(crate::services::requests::fresh_key);
    let number = use_state(|| format!("PH-{}", js_sys::Date::now() as u64));
    let name = use_state(String::new);
    let phone = use_state(String::new);
    let address = use_state(String::new);
    let payment = use_state(|| "cod".to_owned());
    let search = use_state(String::new);
    // An existing customer, found by name or phone (or named in the URL, `?customer=ID`, as the
    // customer page links here); otherwise the fields describe a new one.
    let who = use_state(String::new);
    let known = use_state(Vec::<CustomerView>::new);
    let customer = use_state(Option::<CustomerView>::default);
    let found = use_state(Vec::<ProductView>::new);
    let lines = use_state(Vec::<Line>::new);
    let touched = use_state(bool::default);
    let server_errors = use_state(Vec::<(String, String)>::new);
    let failure = use_state(Option::<String>::default);
    let busy = use_state(bool::default);
    {
        let found = found.clone();
        use_effect_with((*search).clone(), move |q| {
            let (found, q) = (found.clone(), q.trim().to_owned());
            if q.len() >= 2 {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(page) = orders::find_products(&q).await {
                        found.set(page.items);
                    }
                });
            } else {
                found.set(Vec::new());
            }
        });
    }
    {
        let known = known.clone();
        use_effect_with((*who).clone(), move |q| {
            let (known, q) = (known.clone(), q.trim().to_owned());
            if q.len() >= 2 {
                wasm_bindgen_futures::spawn_local(async move {
                    let query = format!("q={}", String::from(js_sys::encode_uri_component(&q)));
                    if let Ok(page) = customers::search(query).await {
                        known.set(page.items);
                    }
                });
            } else {
                known.set(Vec::new());
            }
        });
    }
    {
        let (customer, address) = (customer.clone(), address.clone());
        let wanted = location
            .as_ref()
            .and_then(|l| l.query::<ForCustomer>().ok())
            .and_then(|q| q.customer);
        use_effect_with(wanted, move |id| {
            if let Some(id) = *id {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(c) = customers::get(id).await {
                        address.set(c.address.clone());
                        customer.set(Some(c));
                    }
                });
            }
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let body = CreateOrderRequest {
        channel: "phone".to_owned(),
        channel_order_no: (*number).clone(),
        customer_id: customer.as_ref().map(|c| c.id),
        customer: customer.is_none().then(|| CustomerInput {
            name: (*name).clone(),
            phone: (*phone).clone(),
            email: None,
            address: (*address).clone(),
            classification: None,
        }),
        shipping_address: (*address).clone(),
        payment_method: if *payment == "paid" {
            "alipay".to_owned()
        } else {
            "cod".to_owned()
        },
        payment_status: (*payment).clone(),
        lines: lines
            .iter()
            .map(|l| OrderLineInput {
                sku: l.sku.clone(),
                quantity: l.quantity,
                unit_price_fen: None,
            })
            .collect(),
    };
    let mut errors = crate::checks::order(&body);
    errors.extend(server_errors.iter().cloned());
    let show = |field: &str| -> Html {
        if !*touched && server_errors.is_empty() {
            return html! {};
        }
        crate::components::field_error::field_error(&errors, field)
    };
    let total: i64 = lines
        .iter()
        .map(|l| l.price_fen.saturating_mul(l.quantity))
        .sum();
    let submit = {
        let (key, touched, server_errors, failure, busy, navigator) = (
            key.clone(),
            touched.clone(),
            server_errors.clone(),
            failure.clone(),
            busy.clone(),
            navigator.clone(),
        );
        let body = body.clone();
        let valid = crate::checks::order(&body).is_empty();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            touched.set(true);
            if !valid {
                return;
            }
            busy.set(true);
            let (key, server_errors, failure, busy, navigator, body) = (
                (*key).clone(),
                server_errors.clone(),
                failure.clone(),
                busy.clone(),
                navigator.clone(),
                body.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match orders::create(&body, &key).await {
                    Ok(o) => {
                        if let Some(n) = &navigator {
                            n.push(&Route::Order {
                                id: o.id.to_string(),
                            });
                        }
                    }
                    Err(f) => {
                        let errs = f.field_errors();
                        failure.set(Some(f.message()));
                        server_errors.set(errs);
                    }
                }
                busy.set(false);
            });
        })
    };
    let on = |state: &UseStateHandle<String>| {
        let (state, server_errors) = (state.clone(), server_errors.clone());
        Callback::from(move |e: InputEvent| {
            server_errors.set(Vec::new());
            state.set(input_value(&e));
        })
    };
    html! {
        <section class="card wide" data-testid="new-order">
            <h2>{ lang.t("new-order-title") }</h2>
            <form onsubmit={submit} novalidate=true>
                <div class="grid">
                    <div>
                        <label for="no">{ lang.t("col-order-no") }</label>
                        <input id="no" value={(*number).clone()} oninput={on(&number)} />
                        { show("channel_order_no") }
                    </div>
                    if let Some(c) = &*customer {
                        <div data-testid="chosen-customer">
                            <label>{ lang.t("order-customer") }</label>
                            <p class="chosen">
                                { format!("{} · {}", c.name, c.phone) }
                                if c.bad_customer { { " " }<span class="badge bad">{ lang.t("bad-customer") }</span> }
                                { " " }
                                <button type="button" class="link" onclick={{
                                    let customer = customer.clone();
                                    Callback::from(move |_| customer.set(None))
                                }}>{ lang.t("change") }</button>
                            </p>
                            { show("customer_id") }
                        </div>
                    } else {
                        <div>
                            <label for="who">{ lang.t("existing-customer") }</label>
                            <input id="who" type="search" value={(*who).clone()} oninput={on(&who)} autocomplete="off" />
                            <ul class="suggestions" data-testid="customer-suggestions">
                                { for known.iter().map(|c| {
                                    let pick = {
                                        let (customer, address, who, c) = (customer.clone(), address.clone(), who.clone(), c.clone());
                                        Callback::from(move |_| {
                                            address.set(c.address.clone());
                                            customer.set(Some(c.clone()));
                                            who.set(String::new());
                                        })
                                    };
                                    html! {
                                        <li><button type="button" class="secondary" data-testid="pick-customer" onclick={pick}>
                                            { format!("{} · {}", c.name, c.phone) }
                                        </button></li>
                                    }
                                }) }
                            </ul>
                        </div>
                        <div>
                            <label for="name">{ lang.t("customer-name") }</label>
                            <input id="name" value={(*name).clone()} oninput={on(&name)} />
                            { show("customer.name") }
                        </div>
                        <div>
                            <label for="phone">{ lang.t("customer-phone") }</label>
                            <input id="phone" value={(*phone).clone()} oninput={on(&phone)} />
                            { show("customer.phone") }
                        </div>
                    }
                    <div>
                        <label for="address">{ lang.t("order-address") }</label>
                        <input id="address" value={(*address).clone()} oninput={on(&address)} />
                        { show("shipping_address") }
                    </div>
                    <div>
                        <label for="payment">{ lang.t("order-payment") }</label>
                        <select id="payment" onchange={crate::components::forms::chosen(&payment)}>
                            <option value="cod" selected={*payment == "cod"}>{ lang.t("pay-cod") }</option>
                            <option value="paid" selected={*payment == "paid"}>{ lang.t("pay-paid") }</option>
                            <option value="unpaid" selected={*payment == "unpaid"}>{ lang.t("pay-unpaid") }</option>
                        </select>
                    </div>
                </div>
                <h3>{ lang.t("order-lines") }</h3>
                <label for="sku-search">{ lang.t("sku-search") }</label>
                <input id="sku-search" value={(*search).clone()} oninput={on(&search)} autocomplete="off" />
                <ul class="suggestions" data-testid="suggestions">
                    { for found.iter().filter(|p| p.stock > 0).map(|p| {
                        let add = {
                            let (lines, p, search) = (lines.clone(), p.clone(), search.clone());
                            Callback::from(move |_| {
                                let mut next = (*lines).clone();
                                match next.iter_mut().find(|l| l.sku == p.sku) {
                                    Some(l) => l.quantity += 1,
                                    None => next.push(Line { sku: p.sku.clone(), title: p.title.clone(), price_fen: p.effective_price_fen, stock: p.stock, quantity: 1 }),
                                }
                                lines.set(next);
                                search.set(String::new());
                            })
                        };
                        html! {
                            <li><button type="button" class="secondary" data-testid="add-line" onclick={add}>
                                { format!("{} · {} · {} · {} {}", p.sku, p.title, money(p.effective_price_fen), lang.t("in-stock"), p.stock) }
                            </button></li>
                        }
                    }) }
                </ul>
                <table class="lines">
                    <tbody>
                    { for lines.iter().enumerate().map(|(i, l)| {
                        let set_qty = {
                            let lines = lines.clone();
                            Callback::from(move |e: InputEvent| {
                                let mut next = (*lines).clone();
                                if let Some(line) = next.get_mut(i) {
                                    line.quantity = input_value(&e).trim().parse().unwrap_or(0);
                                }
                                lines.set(next);
                            })
                        };
                        html! {
                            <tr data-testid="entry-line">
                                <td>{ &l.sku }</td>
                                <td>{ &l.title }</td>
                                <td class="num">
                                    <input class="qty" type="number" min="1" max={l.stock.to_string()} aria-label={lang.t("quantity")}
                                        value={l.quantity.to_string()} oninput={set_qty} />
                                    { show(&format!("lines.{i}.quantity")) }
                                </td>
                                <td class="num">{ money(l.price_fen.saturating_mul(l.quantity)) }</td>
                            </tr>
                        }
                    }) }
                    <tr class="total"><td colspan="3">{ lang.t("order-total") }</td><td class="num" data-testid="entry-total">{ money(total) }</td></tr>
                    </tbody>
                </table>
                { show("lines") }
                if let Some(m) = &*failure { <div class="error" role="alert">{ m.clone() }</div> }
                <button type="submit" data-testid="submit-order" disabled={*busy}>{ lang.t("submit-order") }</button>
            </form>
        </section>
    }
}
