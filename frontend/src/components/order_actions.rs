//! What a role may record on an order (R-ORD-4..6, R-ORD-10): payment checks, remarks, the
//! warehouse's pick check and shipment, delivery, cancellation, releasing a price hold. Each is
//! an event appended to the order; what the rules refuse comes back from the server and is shown.

use crate::i18n::Lang;
use crate::services::orders;
use ecops_api_types::{CheckedLine, JobRole, OrderEventInput, OrderView};
use yew::prelude::*;

/// The actions and who may take them (the server's `EventKind::roles`).
const ACTIONS: &[(&str, &[JobRole])] = &[
    (
        "payment_verified",
        &[JobRole::CustomerService, JobRole::CsSupervisor],
    ),
    (
        "payment_abnormal",
        &[JobRole::CustomerService, JobRole::CsSupervisor],
    ),
    (
        "remark_added",
        &[
            JobRole::CustomerService,
            JobRole::CsSupervisor,
            JobRole::Warehouse,
        ],
    ),
    ("picked_checked", &[JobRole::Warehouse]),
    ("shipped", &[JobRole::Warehouse]),
    ("delivered", &[JobRole::Warehouse, JobRole::CustomerService]),
    (
        "cancelled",
        &[JobRole::CustomerService, JobRole::CsSupervisor],
    ),
    (
        "price_released",
        &[JobRole::CsSupervisor, JobRole::DeptManager],
    ),
];

#[derive(Properties, PartialEq)]
pub struct Props {
    pub order: OrderView,
    pub roles: Vec<JobRole>,
    pub lang: Lang,
    pub on_recorded: Callback<OrderView>,
}

#[function_component(OrderActions)]
pub fn order_actions(props: &Props) -> Html {
    let allowed: Vec<&str> = ACTIONS
        .iter()
        .filter(|(_, roles)| roles.iter().any(|r| props.roles.contains(r)))
        .map(|(k, _)| *k)
        .collect();
    let kind = use_state(|| allowed.first().map(|k| (*k).to_owned()).unwrap_or_default());
    let text = use_state(String::new);
    let tracking = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let failure = use_state(Option::<String>::default);
    let busy = use_state(bool::default);
    if allowed.is_empty() {
        return html! {};
    }
    let lang = props.lang;
    let field = match kind.as_str() {
        "payment_abnormal" | "cancelled" => Some(("reason", "action-reason")),
        "remark_added" => Some(("text", "action-text")),
        "shipped" => Some(("carrier", "action-carrier")),
        "payment_verified" | "delivered" | "price_released" => Some(("note", "action-note")),
        _ => None,
    };
    let submit = {
        let (kind, text, tracking, errors, failure, busy) = (
            kind.clone(),
            text.clone(),
            tracking.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
        );
        let order = props.order.clone();
        let on_recorded = props.on_recorded.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let t = (*text).clone();
            let opt = || Some(t.clone()).filter(|s| !s.trim().is_empty());
            let event = match kind.as_str() {
                "payment_verified" => OrderEventInput::PaymentVerified { note: opt() },
                "payment_abnormal" => OrderEventInput::PaymentAbnormal { reason: t.clone() },
                "remark_added" => OrderEventInput::RemarkAdded { text: t.clone() },
                "picked_checked" => OrderEventInput::PickedChecked {
                    lines: order
                        .lines
                        .iter()
                        .map(|l| CheckedLine {
                            line_no: i64::from(l.line_no),
                            quantity: l.quantity,
                        })
                        .collect(),
                },
                "shipped" => OrderEventInput::Shipped {
                    carrier: t.clone(),
                    tracking_no: (*tracking).clone(),
                },
                "delivered" => OrderEventInput::Delivered { note: opt() },
                "cancelled" => OrderEventInput::Cancelled { reason: t.clone() },
                _ => OrderEventInput::PriceReleased { note: t.clone() },
            };
            busy.set(true);
            let (errors, failure, busy, text, tracking, on_recorded) = (
                errors.clone(),
                failure.clone(),
                busy.clone(),
                text.clone(),
                tracking.clone(),
                on_recorded.clone(),
            );
            let id = order.id;
            wasm_bindgen_futures::spawn_local(async move {
                match orders::record(id, &event).await {
                    Ok(v) => {
                        errors.set(Vec::new());
                        failure.set(None);
                        text.set(String::new());
                        tracking.set(String::new());
                        on_recorded.emit(v);
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
    let show = |name: &str| crate::components::field_error::field_error(&errors, name);
    html! {
        <form class="action" data-testid="order-actions" onsubmit={submit}>
            <h3>{ lang.t("record-event") }</h3>
            <label for="action-kind">{ lang.t("action") }</label>
            <select id="action-kind" onchange={{
                let (kind, errors, failure) = (kind.clone(), errors.clone(), failure.clone());
                Callback::from(move |e: Event| {
                    errors.set(Vec::new());
                    failure.set(None);
                    kind.set(crate::components::forms::changed(&e));
                })
            }}>
                { for allowed.iter().map(|k| html! {
                    <option value={*k} selected={kind.as_str() == *k}>{ lang.t(&format!("event-{k}")) }</option>
                }) }
            </select>
            if let Some((name, label)) = field {
                <label for="action-text">{ lang.t(label) }</label>
                <input id="action-text" value={(*text).clone()} oninput={crate::components::forms::typed(&text)} />
                { show(name) }
            }
            if kind.as_str() == "shipped" {
                <label for="action-tracking">{ lang.t("action-tracking") }</label>
                <input id="action-tracking" value={(*tracking).clone()} oninput={crate::components::forms::typed(&tracking)} />
                { show("tracking_no") }
            }
            if let Some(m) = &*failure { <div class="error" role="alert" data-testid="action-error">{ m.clone() }</div> }
            <button type="submit" data-testid="record-event" disabled={*busy}>{ lang.t("save") }</button>
        </form>
    }
}
