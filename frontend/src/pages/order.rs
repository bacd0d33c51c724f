//! One order (R-ORD-2..6): its lines and totals, customer and payment, the contact deadline and
//! the timeline of what happened, with the contact recorded from here. Nothing on this page
//! edits the order itself: every action appends an event.

use super::orders::{contact_cell, status_key};
use crate::app::{Route, Session};
use crate::format::{datetime, money};
use crate::i18n::Lang;
use crate::services::orders;
use chrono::Utc;
use ecops_api_types::{OrderEventInput, OrderEventKind, OrderView};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: String,
}

fn event_key(k: OrderEventKind) -> String {
    format!("event-{}", k.as_str())
}

#[function_component(OrderPage)]
pub fn order_page(props: &Props) -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let order = use_state(|| None::<Result<OrderView, String>>);
    let outcome = use_state(|| "confirmed".to_owned());
    let note = use_state(String::new);
    let field_errors = use_state(Vec::<(String, String)>::new);
    let form_error = use_state(Option::<String>::default);
    let busy = use_state(bool::default);
    let id = Uuid::parse_str(&props.id).ok();
    let names = use_state(std::collections::HashMap::<Uuid, String>::new);
    let chain = use_state(Option::<ecops_api_types::OrderVerification>::default);
    {
        let names = names.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let staff = crate::services::users::active(None)
                    .await
                    .unwrap_or_default();
                names.set(staff.into_iter().map(|u| (u.id, u.display_name)).collect());
            });
        });
    }
    {
        // Checked again whenever an event is added.
        let chain = chain.clone();
        let events = order
            .as_ref()
            .and_then(|o| o.as_ref().ok())
            .map(|o| o.events.len());
        use_effect_with((id, events), move |(id, events)| {
            if let (Some(id), Some(_)) = (*id, *events) {
                wasm_bindgen_futures::spawn_local(async move {
                    chain.set(orders::verify(id).await.ok());
                });
            }
        });
    }
    {
        let order = order.clone();
        use_effect_with(id, move |id| {
            let (order, id) = (order.clone(), *id);
            wasm_bindgen_futures::spawn_local(async move {
                match id {
                    Some(id) => order.set(Some(orders::get(id).await.map_err(|e| e.message()))),
                    None => order.set(Some(Err("not an order id".to_owned()))),
                }
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let o = match &*order {
        None => {
            return html! { <section class="card"><p class="muted">{ lang.t("loading") }</p></section> }
        }
        Some(Err(msg)) => {
            return html! {
                <section class="card"><div class="error" role="alert">{ msg.clone() }</div></section>
            }
        }
        Some(Ok(o)) => o.clone(),
    };

    let on_submit = {
        let (order, outcome, note, field_errors, form_error, busy) = (
            order.clone(),
            outcome.clone(),
            note.clone(),
            field_errors.clone(),
            form_error.clone(),
            busy.clone(),
        );
        let oid = o.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let event = OrderEventInput::CustomerContacted {
                outcome: (*outcome).clone(),
                note: (*note).clone(),
            };
            let (order, field_errors, form_error, busy) = (
                order.clone(),
                field_errors.clone(),
                form_error.clone(),
                busy.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match orders::record(oid, &event).await {
                    Ok(v) => {
                        field_errors.set(Vec::new());
                        form_error.set(None);
                        order.set(Some(Ok(v)));
                    }
                    Err(f) => {
                        let errs = f.field_errors();
                        form_error.set(errs.is_empty().then(|| f.message()));
                        field_errors.set(errs);
                    }
                }
                busy.set(false);
            });
        })
    };
    let error_for = |field: &str| crate::components::field_error::field_error(&field_errors, field);
    let contacted = o
        .events
        .iter()
        .any(|e| e.kind == OrderEventKind::CustomerContacted);
    let may_contact = session.user.as_ref().is_some_and(|u| {
        u.roles.iter().any(|r| {
            matches!(
                r,
                ecops_api_types::JobRole::CustomerService | ecops_api_types::JobRole::CsSupervisor
            )
        })
    });

    html! {
        <section class="card wide" data-testid="order">
            <nav class="crumbs"><Link<Route> to={Route::Orders}>{ lang.t("back-to-queue") }</Link<Route>></nav>
            <h2>{ lang.t1("order-title", "no", &o.channel_order_no) }
                <span class={classes!("badge", status_key(o.status))} data-testid="order-status">
                    { lang.t(&format!("status-{}", status_key(o.status))) }
                </span>
            </h2>
            <dl class="facts">
                <dt>{ lang.t("order-customer") }</dt>
                <dd>{ format!("{} · {}", o.customer_name, o.customer_phone) }</dd>
                <dt>{ lang.t("order-address") }</dt>
                <dd>{ &o.shipping_address }</dd>
                <dt>{ lang.t("order-payment") }</dt>
                <dd>{ format!("{} · {}", o.payment_method, o.payment_status.as_str()) }</dd>
                <dt>{ lang.t("order-deadline") }</dt>
                <dd data-testid="contact-state">{ datetime(o.contact_due_at) }{ " " }{ contact_cell(lang, &o, Utc::now()) }</dd>
            </dl>
            <h3>{ lang.t("order-lines") }</h3>
            <table class="lines">
                <tbody>
                    { for o.lines.iter().map(|l| html! {
                        <tr>
                            <td>{ &l.sku }</td>
                            <td>{ &l.title }</td>
                            <td class="num">{ format!("{} × {}", l.quantity, money(l.unit_price_fen)) }</td>
                            <td class="num">{ money(l.line_total_fen) }</td>
                        </tr>
                    }) }
                    <tr class="total">
                        <td colspan="3">{ lang.t("order-total") }</td>
                        <td class="num" data-testid="order-total">{ money(o.total_fen) }</td>
                    </tr>
                    <tr>
                        <td colspan="3">{ lang.t("order-paid") }</td>
                        <td class="num">{ money(o.paid_fen) }</td>
                    </tr>
                </tbody>
            </table>
            <h3>{ lang.t("order-timeline") }</h3>
            if let Some(v) = &*chain {
                <p class={classes!("chain", if v.valid { "ok" } else { "bad" })} data-testid="chain-check">
                    { if v.valid { lang.t1("chain-intact", "count", &v.events_checked.to_string()) } else { lang.t("chain-broken") } }
                    { for v.problems.iter().map(|p| html! { <span class="muted">{ format!(" · {p}") }</span> }) }
                </p>
            }
            <ol class="timeline" data-testid="timeline">
                { for o.events.iter().map(|e| html! {
                    <li data-kind={e.kind.as_str()}>
                        <time>{ datetime(e.at) }</time>
                        <strong>{ lang.t(&event_key(e.kind)) }</strong>
                        if let Some(who) = e.actor_id.and_then(|a| names.get(&a).cloned()) {
                            <span class="muted">{ format!(" · {who}") }</span>
                        }
                        if let Some(outcome) = e.data.get("outcome").and_then(|v| v.as_str()) {
                            <span class="muted">{ format!(" · {outcome}") }</span>
                        }
                    </li>
                }) }
            </ol>
            if let Some(user) = &session.user {
                <crate::components::order_actions::OrderActions
                    key={format!("{}-{}", o.id, o.events.len())}
                    order={o.clone()}
                    roles={user.roles.clone()}
                    {lang}
                    on_recorded={{
                        let order = order.clone();
                        Callback::from(move |v: OrderView| order.set(Some(Ok(v))))
                    }} />
            }
            <crate::components::case_form::OrderCases order={o.clone()} {lang} may_open={may_contact} />
            if may_contact && !contacted {
                <form class="action" data-testid="contact-form" onsubmit={on_submit}>
                    <h3>{ lang.t("record-contact") }</h3>
                    <label for="outcome">{ lang.t("contact-outcome") }</label>
                    <select id="outcome" onchange={crate::components::forms::chosen(&outcome)}>
                        <option value="confirmed" selected={*outcome == "confirmed"}>{ "confirmed" }</option>
                        <option value="no_answer" selected={*outcome == "no_answer"}>{ "no_answer" }</option>
                        <option value="invalid" selected={*outcome == "invalid"}>{ "invalid" }</option>
                    </select>
                    { error_for("outcome") }
                    <label for="note">{ lang.t("contact-note") }</label>
                    <textarea id="note" value={(*note).clone()} oninput={crate::components::forms::typed(&note)} />
                    { error_for("note") }
                    if let Some(msg) = &*form_error {
                        <div class="error" role="alert">{ msg.clone() }</div>
                    }
                    <button type="submit" disabled={*busy}>{ lang.t("save") }</button>
                </form>
            }
        </section>
    }
}
