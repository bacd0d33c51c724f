//! Bulk order import (R-ORD-1): a CSV file from a shop platform or a spreadsheet, checked first
//! (a dry run that writes nothing and shows every row's outcome), then imported in one go —
//! all orders or none — once no row is refused.

use crate::app::{Route, Session};
use crate::components::forms::typed;
use crate::components::toast::{use_toast, Tone};
use crate::i18n::Lang;
use crate::services::orders;
use crate::services::requests::fresh_key;
use ecops_api_types::{ImportOutcome, ImportReport};
use yew::prelude::*;
use yew_router::prelude::*;

/// The columns the import reads, in the order of the template.
const COLUMNS: &str = "channel,channel_order_no,customer_name,customer_phone,customer_address,shipping_address,payment_method,payment_status,sku,quantity,unit_price_fen";

#[function_component(OrderImport)]
pub fn order_import() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let csv = use_state(String::new);
    let report = use_state(Option::<ImportReport>::default);
    let checked = use_state(String::new);
    let failure = use_state(Option::<String>::default);
    let busy = use_state(bool::default);
    let key = use_state(fresh_key);
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let on_file = {
        let (csv, report) = (csv.clone(), report.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let (csv, report) = (csv.clone(), report.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    csv.set(text.as_string().unwrap_or_default());
                    report.set(None);
                }
            });
        })
    };
    let run = |dry_run: bool| {
        let (csv, report, checked, failure, busy, key, toast) = (
            csv.clone(),
            report.clone(),
            checked.clone(),
            failure.clone(),
            busy.clone(),
            key.clone(),
            toast.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if *busy || csv.trim().is_empty() {
                return;
            }
            busy.set(true);
            let (text, report, checked, failure, busy, key, toast) = (
                (*csv).clone(),
                report.clone(),
                checked.clone(),
                failure.clone(),
                busy.clone(),
                key.clone(),
                toast.clone(),
            );
            // A dry run gets a key of its own: only the real run must not repeat.
            let k = if dry_run { fresh_key() } else { (*key).clone() };
            wasm_bindgen_futures::spawn_local(async move {
                match orders::import(&text, dry_run, &k).await {
                    Ok(r) => {
                        failure.set(None);
                        if dry_run {
                            checked.set(text);
                        } else if r.failed == 0 {
                            key.set(fresh_key());
                            checked.set(String::new());
                            toast.emit((
                                Tone::Ok,
                                lang.t1("imported", "count", &r.created.to_string()),
                            ));
                        }
                        report.set(Some(r));
                    }
                    Err(f) => failure.set(Some(f.message())),
                }
                busy.set(false);
            });
        })
    };
    // The import is offered for exactly the text that passed its dry run.
    let ready = report
        .as_ref()
        .is_some_and(|r| r.dry_run && r.failed == 0 && r.total > 0)
        && *checked == *csv;
    html! {
        <section class="card wide" data-testid="order-import">
            <nav class="crumbs"><Link<Route> to={Route::Orders}>{ lang.t("back-to-queue") }</Link<Route>></nav>
            <h2>{ lang.t("nav-import-orders") }</h2>
            <p class="muted">{ lang.t("import-help") }<br /><code>{ COLUMNS }</code></p>
            <label for="import-file">{ lang.t("import-file") }</label>
            <input id="import-file" type="file" accept=".csv,text/csv" onchange={on_file} />
            <label for="import-text">{ lang.t("import-text") }</label>
            <textarea id="import-text" class="mono" rows="8" value={(*csv).clone()} oninput={typed(&csv)} />
            <div class="actions">
                <button type="button" data-testid="dry-run" disabled={*busy || csv.trim().is_empty()} onclick={run(true)}>{ lang.t("import-check") }</button>
                <button type="button" data-testid="import" disabled={*busy || !ready} onclick={run(false)}>{ lang.t("import-run") }</button>
            </div>
            if let Some(m) = &*failure { <div class="error" role="alert">{ m.clone() }</div> }
            if let Some(r) = &*report {
                <p data-testid="import-summary" class={classes!(if r.failed > 0 { "error" } else { "notice" })}>
                    { lang.t1(if r.dry_run { "import-checked" } else { "import-done" }, "total", &r.total.to_string()) }
                    { " · " }{ lang.t1("import-failed", "count", &r.failed.to_string()) }
                </p>
                <table class="queue" data-testid="import-rows">
                    <thead><tr>
                        <th class="num">{ lang.t("import-row") }</th>
                        <th>{ lang.t("col-order-no") }</th>
                        <th>{ lang.t("col-state") }</th>
                        <th>{ lang.t("import-errors") }</th>
                    </tr></thead>
                    <tbody>
                    { for r.rows.iter().map(|row| {
                        let state = match row.outcome {
                            ImportOutcome::Created => ("ok", "import-created"),
                            ImportOutcome::Valid => ("ok", "import-valid"),
                            ImportOutcome::Error => ("bad", "import-error"),
                        };
                        html! {
                            <tr data-testid="import-row" data-outcome={row.outcome.as_str()}>
                                <td class="num">{ row.row }</td>
                                <td>{ row.key.clone().unwrap_or_default() }</td>
                                <td><span class={classes!("badge", state.0)}>{ lang.t(state.1) }</span></td>
                                <td>{ for row.errors.iter().map(|e| html! { <div>{ format!("{}: {}", e.field, e.message) }</div> }) }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}
