//! Opening an after-sales case from an order (R-AFS-1): every kind, the goods it concerns with
//! their quantities, a refund for the kinds that give money back, a gift, and for a logistics
//! exception what went wrong. The cases already open on the order are listed above the form.

use crate::app::Route;
use crate::components::field_error::field_error;
use crate::components::toast::{use_toast, Tone};
use crate::format::{money, parse_yuan};
use crate::i18n::Lang;
use crate::services::{aftersales, requests::fresh_key};
use ecops_api_types::{CaseKind, CaseLineInput, CaseView, CreateCaseRequest, OrderView};
use yew::prelude::*;
use yew_router::prelude::*;

const ISSUES: [&str; 5] = [
    "lost",
    "damaged",
    "stuck",
    "shipping_reminder",
    "customer_carrier",
];

/// The kinds whose case can give money back (the server's rule; it refuses the others).
fn gives_money_back(kind: &str) -> bool {
    matches!(kind, "refund" | "return" | "complaint" | "dispute")
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub order: OrderView,
    pub lang: Lang,
    /// Whether this user may open cases (customer service).
    pub may_open: bool,
}

#[function_component(OrderCases)]
pub fn order_cases(props: &Props) -> Html {
    let lang = props.lang;
    let toast = use_toast();
    let cases = use_state(Vec::<CaseView>::new);
    let open = use_state(bool::default);
    let kind = use_state(|| "refund".to_owned());
    let issue = use_state(|| ISSUES[0].to_owned());
    let description = use_state(String::new);
    let refund = use_state(String::new);
    let gift_item = use_state(String::new);
    let gift = use_state(String::new);
    let quantities = use_state(|| vec![0i64; props.order.lines.len()]);
    let errors = use_state(Vec::<(String, String)>::new);
    let failure = use_state(Option::<String>::default);
    let busy = use_state(bool::default);
    let key = use_state(fresh_key);
    let order_id = props.order.id;
    {
        let cases = cases.clone();
        use_effect_with(order_id, move |id| {
            let (id, cases) = (*id, cases.clone());
            wasm_bindgen_futures::spawn_local(async move {
                cases.set(aftersales::of_order(id).await);
            });
        });
    }
    let text = crate::components::forms::typed;
    let on_submit = {
        let (kind, issue, description, refund, gift_item, gift, quantities) = (
            kind.clone(),
            issue.clone(),
            description.clone(),
            refund.clone(),
            gift_item.clone(),
            gift.clone(),
            quantities.clone(),
        );
        let (errors, failure, busy, key, cases, open, toast) = (
            errors.clone(),
            failure.clone(),
            busy.clone(),
            key.clone(),
            cases.clone(),
            open.clone(),
            toast.clone(),
        );
        let lines: Vec<i32> = props.order.lines.iter().map(|l| l.line_no).collect();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            // Amounts are read as typed; one that is not money is the form's error, not zero.
            let mut local = Vec::new();
            let mut amount = |field: &str, typed: &str| -> Option<i64> {
                if typed.trim().is_empty() {
                    return None;
                }
                let v = parse_yuan(typed);
                if v.is_none() {
                    local.push((field.to_owned(), lang.t("not-money")));
                }
                v
            };
            let refund_fen = gives_money_back(&kind)
                .then(|| amount("refund_fen", &refund))
                .flatten();
            let gift_fen = amount("gift_fen", &gift);
            if !local.is_empty() {
                errors.set(local);
                return;
            }
            let body = CreateCaseRequest {
                order_id,
                kind: (*kind).clone(),
                logistics_issue: (*kind == "logistics_exception").then(|| (*issue).clone()),
                gift_fen,
                gift_item: Some(gift_item.trim().to_owned()).filter(|g| !g.is_empty()),
                lines: lines
                    .iter()
                    .zip(quantities.iter())
                    .filter(|(_, q)| **q > 0)
                    .map(|(n, q)| CaseLineInput {
                        line_no: *n,
                        quantity: *q,
                    })
                    .collect(),
                description: description.trim().to_owned(),
                refund_fen,
                owner_id: None,
            };
            busy.set(true);
            let (errors, failure, busy, key, cases, open, toast) = (
                errors.clone(),
                failure.clone(),
                busy.clone(),
                key.clone(),
                cases.clone(),
                open.clone(),
                toast.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match aftersales::open(&body, &key).await {
                    Ok(c) => {
                        let mut all = (*cases).clone();
                        if !all.iter().any(|x| x.id == c.id) {
                            all.insert(0, c);
                        }
                        cases.set(all);
                        errors.set(Vec::new());
                        failure.set(None);
                        key.set(fresh_key());
                        open.set(false);
                        toast.emit((Tone::Ok, lang.t("case-opened")));
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
    html! {
        <div class="cases" data-testid="order-cases">
            <h3>{ lang.t("order-cases") }</h3>
            if cases.is_empty() {
                <p class="empty">{ lang.t("empty-order-cases") }</p>
            } else {
                <ul class="plain">
                    { for cases.iter().map(|c| html! {
                        <li data-testid="order-case">
                            <Link<Route> to={Route::Case { id: c.id.to_string() }}>{ lang.t(&format!("case-{}", c.kind.as_str())) }</Link<Route>>
                            { " · " }<span class={classes!("badge", c.status.as_str())}>{ lang.t(&format!("case-status-{}", c.status.as_str())) }</span>
                            if c.refund_fen > 0 { { format!(" · {}", money(c.refund_fen)) } }
                            <span class="muted">{ format!(" · {}", c.description) }</span>
                        </li>
                    }) }
                </ul>
            }
            if props.may_open && !*open {
                <button type="button" class="secondary" data-testid="open-case" onclick={{
                    let open = open.clone();
                    Callback::from(move |_| open.set(true))
                }}>{ lang.t("open-case") }</button>
            }
            if props.may_open && *open {
                <form class="action" data-testid="case-open-form" onsubmit={on_submit}>
                    <h3>{ lang.t("open-case") }</h3>
                    <div class="grid">
                        <div>
                            <label for="case-kind">{ lang.t("col-kind") }</label>
                            <select id="case-kind" onchange={crate::components::forms::chosen(&kind)}>
                                { for CaseKind::ALL.iter().map(|k| html! {
                                    <option value={k.as_str()} selected={*kind == k.as_str()}>{ lang.t(&format!("case-{}", k.as_str())) }</option>
                                }) }
                            </select>
                            { field_error(&errors, "kind") }
                        </div>
                        if *kind == "logistics_exception" {
                            <div>
                                <label for="case-issue">{ lang.t("logistics-issue") }</label>
                                <select id="case-issue" onchange={crate::components::forms::chosen(&issue)}>
                                    { for ISSUES.iter().map(|i| html! {
                                        <option value={*i} selected={*issue == *i}>{ lang.t(&format!("issue-{i}")) }</option>
                                    }) }
                                </select>
                                { field_error(&errors, "logistics_issue") }
                            </div>
                        }
                        if gives_money_back(&kind) {
                            <div>
                                <label for="case-refund">{ lang.t("refund") }</label>
                                <input id="case-refund" inputmode="decimal" placeholder="0.00" value={(*refund).clone()} oninput={text(&refund)} />
                                { field_error(&errors, "refund_fen") }
                            </div>
                        }
                        <div>
                            <label for="case-gift-item">{ lang.t("case-gift") }</label>
                            <input id="case-gift-item" value={(*gift_item).clone()} oninput={text(&gift_item)} />
                            { field_error(&errors, "gift_item") }
                        </div>
                        <div>
                            <label for="case-gift">{ lang.t("case-gift-value") }</label>
                            <input id="case-gift" inputmode="decimal" placeholder="0.00" value={(*gift).clone()} oninput={text(&gift)} />
                            { field_error(&errors, "gift_fen") }
                        </div>
                    </div>
                    <h4>{ lang.t("case-goods") }</h4>
                    <table class="lines"><tbody>
                        { for props.order.lines.iter().enumerate().map(|(i, l)| {
                            let quantities = quantities.clone();
                            let max = l.quantity;
                            html! {
                                <tr>
                                    <td>{ &l.sku }</td><td>{ &l.title }</td>
                                    <td class="num">
                                        <label class="sr-only" for={format!("case-qty-{i}")}>{ lang.t("quantity") }</label>
                                        <input class="qty" id={format!("case-qty-{i}")} type="number" min="0" max={max.to_string()}
                                            value={quantities.get(i).copied().unwrap_or(0).to_string()}
                                            oninput={Callback::from(move |e: InputEvent| {
                                                let v = crate::components::forms::changed(&e).parse::<i64>().unwrap_or(0);
                                                let mut q = (*quantities).clone();
                                                if let Some(slot) = q.get_mut(i) { *slot = v.clamp(0, max); }
                                                quantities.set(q);
                                            })} />
                                        { format!(" / {max}") }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody></table>
                    { field_error(&errors, "lines") }
                    <label for="case-description">{ lang.t("col-description") }</label>
                    <textarea id="case-description" value={(*description).clone()} oninput={crate::components::forms::typed(&description)} />
                    { field_error(&errors, "description") }
                    if let Some(m) = &*failure { <div class="error" role="alert">{ m.clone() }</div> }
                    <div class="actions">
                        <button type="submit" disabled={*busy}>{ lang.t("open-case") }</button>
                        <button type="button" class="secondary" onclick={{
                            let open = open.clone();
                            Callback::from(move |_| open.set(false))
                        }}>{ lang.t("cancel") }</button>
                    </div>
                </form>
            }
        </div>
    }
}
