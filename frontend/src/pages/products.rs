//! Products (R-PRD-1..9): the list with status, effective price and stock; a product's page with
//! its price history as a chart (promotions shaded) and stock movements, and the requests that
//! change it: listing, a price change with competitors' prices, applying an approved price.

use crate::app::{Route, Session};
use crate::components::confirm::CommentDialog;
use crate::components::paged::use_paged;
use crate::components::toast::{use_toast, Tone};
use crate::format::{datetime, money};
use crate::i18n::Lang;
use crate::services::products;
use chrono::{DateTime, Utc};
use ecops_api_types::{
    CompetitorPriceInput, JobRole, PriceHistoryEntry, PriceSource, ProductStatus, ProductView,
    StockMovementView,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

pub fn status_key(s: ProductStatus) -> &'static str {
    s.as_str()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

#[function_component(Products)]
pub fn products_list() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let location = use_location();
    let navigator = use_navigator();
    let query: ProductQuery = location
        .as_ref()
        .and_then(|l| l.query::<ProductQuery>().ok())
        .unwrap_or_default();
    let api_query = {
        let mut parts = Vec::new();
        if let Some(s) = &query.status {
            parts.push(format!("status={s}"));
        }
        if let Some(q) = query.q.as_ref().filter(|q| !q.trim().is_empty()) {
            parts.push(format!(
                "q={}",
                String::from(js_sys::encode_uri_component(q.trim()))
            ));
        }
        parts.join("&")
    };
    let rows = use_paged(api_query, |q| Box::pin(products::list(q)));
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let on_status = {
        let (q, navigator) = (query.clone(), navigator.clone());
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            if let Some(n) = &navigator {
                let _ = n.push_with_query(
                    &Route::Products,
                    &ProductQuery {
                        status: Some(v).filter(|v| !v.is_empty()),
                        ..q.clone()
                    },
                );
            }
        })
    };
    let on_search = {
        let (q, navigator) = (query.clone(), navigator.clone());
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            if let Some(n) = &navigator {
                let _ = n.push_with_query(
                    &Route::Products,
                    &ProductQuery {
                        q: Some(v).filter(|v| !v.trim().is_empty()),
                        ..q.clone()
                    },
                );
            }
        })
    };
    let status = query.status.clone().unwrap_or_default();
    html! {
        <section class="card wide" data-testid="products">
            <h2>{ lang.t("products-title") }</h2>
            <div class="filters">
                <label>{ lang.t("filter-status") }
                    <select data-testid="product-status-filter" onchange={on_status}>
                        <option value="" selected={status.is_empty()}>{ lang.t("filter-all") }</option>
                        { for ProductStatus::ALL.iter().map(|s| html! {
                            <option value={s.as_str()} selected={status == s.as_str()}>{ lang.t(&format!("product-{}", s.as_str())) }</option>
                        }) }
                    </select>
                </label>
                <label>{ lang.t("product-search") }
                    <input type="search" value={query.q.clone().unwrap_or_default()} onchange={on_search} />
                </label>
            </div>
            if let Some(state) = rows.status(lang, "empty-products", "products-empty") {
                { state }
            } else {
                    <table class="queue">
                        <thead><tr>
                            <th>{ "SKU" }</th>
                            <th>{ lang.t("product-title") }</th>
                            <th>{ lang.t("col-status") }</th>
                            <th class="num">{ lang.t("effective-price") }</th>
                            <th class="num">{ lang.t("stock") }</th>
                        </tr></thead>
                        <tbody>
                        { for rows.items().iter().map(|p| html! {
                            <tr key={p.id.to_string()} data-testid="product-row" data-sku={p.sku.clone()}>
                                <td><Link<Route> to={Route::Product { id: p.id.to_string() }}>{ &p.sku }</Link<Route>></td>
                                <td>{ &p.title }</td>
                                <td><span class={classes!("badge", status_key(p.status))}>{ lang.t(&format!("product-{}", p.status.as_str())) }</span></td>
                                <td class="num">{ money(p.effective_price_fen) }</td>
                                <td class="num">{ p.stock }{ if p.stocktake_overdue { " ⚠" } else { "" } }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                    { rows.more(lang) }
            }
        </section>
    }
}

/// The price over time as an SVG step line; promotion windows shaded.
fn price_chart(lang: Lang, history: &[PriceHistoryEntry], now: DateTime<Utc>) -> Html {
    let prices: Vec<&PriceHistoryEntry> = history
        .iter()
        .filter(|e| {
            e.source != PriceSource::Promotion
                && e.price_fen.is_some()
                && e.from.is_some_and(|f| f <= now)
        })
        .collect();
    if prices.is_empty() {
        return html! {};
    }
    let start = prices.iter().filter_map(|e| e.from).min().unwrap_or(now);
    let span = ((now - start).num_milliseconds().max(1)) as f64;
    let fens: Vec<f64> = prices
        .iter()
        .filter_map(|e| e.price_fen)
        .map(|f| f as f64)
        .collect();
    let high = fens.iter().copied().fold(1.0_f64, f64::max);
    let low = fens.iter().copied().fold(high, f64::min);
    // The band between the lowest and highest price, with a margin, fills the height.
    let margin = (high - low).max(high * 0.1) * 0.5;
    let (bottom, top) = ((low - margin).max(0.0), high + margin);
    let (w, h) = (640.0, 160.0);
    let x = |t: DateTime<Utc>| ((t - start).num_milliseconds().max(0) as f64 / span * w).min(w);
    let y = |fen: i64| h - ((fen as f64 - bottom) / (top - bottom).max(1.0) * h);
    let mut points = Vec::new();
    for e in &prices {
        let (from, until) = (e.from.unwrap_or(start), e.until.unwrap_or(now));
        let fen = e.price_fen.unwrap_or_default();
        points.push(format!("{:.1},{:.1}", x(from), y(fen)));
        points.push(format!("{:.1},{:.1}", x(until), y(fen)));
    }
    let promos: Vec<Html> = history
        .iter()
        .filter(|e| e.source == PriceSource::Promotion)
        .filter_map(|e| {
            let from = e.from?;
            let until = e.until.unwrap_or(now);
            Some(html! {
                <rect class="promo" x={format!("{:.1}", x(from))} y="0"
                      width={format!("{:.1}", (x(until) - x(from)).max(2.0))} height={h.to_string()} />
            })
        })
        .collect();
    let last = prices.last().and_then(|e| e.price_fen).unwrap_or_default();
    html! {
        <figure class="chart" data-testid="price-chart">
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={lang.t("price-history")}>
                { for promos }
                <polyline points={points.join(" ")} />
            </svg>
            <figcaption>{ format!("{} {} · {}", datetime(start), money(last), lang.t("promotions-shaded")) }</figcaption>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProductProps {
    pub id: String,
}

#[derive(Clone, PartialEq)]
struct Loaded {
    product: ProductView,
    history: Vec<PriceHistoryEntry>,
    movements: Vec<StockMovementView>,
}

async fn load(id: Uuid) -> Result<Loaded, String> {
    let product = products::get(id).await.map_err(|e| e.message())?;
    let history = products::price_history(id).await.unwrap_or_default();
    let movements = products::movements(id).await;
    Ok(Loaded {
        product,
        history,
        movements,
    })
}

#[function_component(ProductPage)]
pub fn product_page(props: &ProductProps) -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let data = use_state(|| None::<Result<Loaded, String>>);
    let reload = use_state(u32::default);
    let new_price = use_state(String::new);
    let competitor = use_state(String::new);
    let competitor_price = use_state(String::new);
    let reason = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let notice = use_state(Option::<String>::default);
    let delisting = use_state(bool::default);
    let toast = use_toast();
    let id = Uuid::parse_str(&props.id).ok();
    {
        let data = data.clone();
        use_effect_with((id, *reload), move |(id, _)| {
            let (data, id) = (data.clone(), *id);
            wasm_bindgen_futures::spawn_local(async move {
                match id {
                    Some(id) => data.set(Some(load(id).await)),
                    None => data.set(Some(Err("not a product id".to_owned()))),
                }
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    let Some(user) = session.user.clone() else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let d = match &*data {
        None => {
            return html! { <section class="card"><p class="muted">{ lang.t("loading") }</p></section> }
        }
        Some(Err(m)) => {
            return html! { <section class="card"><div class="error" role="alert">{ m.clone() }</div></section> }
        }
        Some(Ok(d)) => d.clone(),
    };
    let p = d.product.clone();
    let holds = |r: JobRole| user.roles.contains(&r);
    let input = crate::components::forms::typed;
    let show = |field: &str| crate::components::field_error::field_error(&errors, field);
    let failed = {
        let (errors, notice) = (errors.clone(), notice.clone());
        move |f: crate::services::requests::ApiFailure| {
            let errs = f.field_errors();
            notice.set(errs.is_empty().then(|| f.message()));
            errors.set(errs);
        }
    };
    let propose_price = {
        let (new_price, competitor, competitor_price, reason, notice, errors, failed) = (
            new_price.clone(),
            competitor.clone(),
            competitor_price.clone(),
            reason.clone(),
            notice.clone(),
            errors.clone(),
            failed.clone(),
        );
        let pid = p.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let yuan = |s: &str| -> i64 {
                (s.trim().parse::<f64>().unwrap_or(0.0) * 100.0).round() as i64
            };
            let (fen, comp) = (
                yuan(&new_price),
                CompetitorPriceInput {
                    name: competitor.trim().to_owned(),
                    price_fen: yuan(&competitor_price),
                },
            );
            let (reason, notice, errors, failed) = (
                (*reason).clone(),
                notice.clone(),
                errors.clone(),
                failed.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match products::request_price(pid, fen, vec![comp], &reason).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        notice.set(Some(lang.t("price-filed")));
                    }
                    Err(f) => failed(f),
                }
            });
        })
    };
    let delist = {
        let (notice, delisting, failed, toast) = (
            notice.clone(),
            delisting.clone(),
            failed.clone(),
            toast.clone(),
        );
        let pid = p.id;
        Callback::from(move |reason: String| {
            let (notice, delisting, failed, toast) = (
                notice.clone(),
                delisting.clone(),
                failed.clone(),
                toast.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match products::request_delisting(pid, &reason).await {
                    Ok(_) => {
                        delisting.set(false);
                        notice.set(None);
                        toast.emit((Tone::Ok, lang.t("delisting-filed")));
                    }
                    Err(f) => failed(f),
                }
            });
        })
    };
    let list_it = {
        let (notice, reload, failed) = (notice.clone(), reload.clone(), failed.clone());
        let pid = p.id;
        Callback::from(move |_| {
            let (notice, reload, failed) = (notice.clone(), reload.clone(), failed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match products::request_listing(pid, "listing").await {
                    Ok(_) => {
                        notice.set(Some(lang.t("listing-filed")));
                        reload.set(*reload + 1);
                    }
                    Err(f) => failed(f),
                }
            });
        })
    };
    let apply = p
        .pending_price
        .as_ref()
        .filter(|pp| pp.effective_at.is_none())
        .map(|pp| {
            let (reload, failed) = (reload.clone(), failed.clone());
            let (pid, price) = (p.id, pp.price_id);
            Callback::from(move |_| {
                let (reload, failed) = (reload.clone(), failed.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match products::apply_price(pid, price).await {
                        Ok(_) => reload.set(*reload + 1),
                        Err(f) => failed(f),
                    }
                });
            })
        });
    html! {
        <section class="card wide" data-testid="product">
            <nav class="crumbs"><Link<Route> to={Route::Products}>{ lang.t("back-to-products") }</Link<Route>></nav>
            <h2>{ format!("{} · {}", p.sku, p.title) }
                <span class={classes!("badge", status_key(p.status))} data-testid="product-status">{ lang.t(&format!("product-{}", p.status.as_str())) }</span>
            </h2>
            <dl class="facts">
                <dt>{ lang.t("effective-price") }</dt><dd data-testid="effective-price">{ money(p.effective_price_fen) }</dd>
                <dt>{ lang.t("base-price") }</dt><dd>{ money(p.price_fen) }</dd>
                <dt>{ lang.t("list-price") }</dt><dd>{ money(p.list_price_fen) }</dd>
                <dt>{ lang.t("stock") }</dt><dd data-testid="stock">{ p.stock }</dd>
                if let Some(pp) = &p.pending_price {
                    <dt>{ lang.t("pending-price") }</dt>
                    <dd data-testid="pending-price">{ money(pp.price_fen) }
                        if let Some(apply) = apply.clone() {
                            if holds(JobRole::StorefrontSpecialist) {
                                { " " }<button class="secondary" data-testid="apply-price" onclick={apply}>{ lang.t("apply-price") }</button>
                            }
                        }
                    </dd>
                }
            </dl>
            if let Some(m) = &*notice { <div class="notice" role="status" data-testid="product-notice">{ m.clone() }</div> }
            <h3>{ lang.t("price-history") }</h3>
            { price_chart(lang, &d.history, Utc::now()) }
            <table class="lines" data-testid="price-history">
                <tbody>
                { for d.history.iter().map(|e| html! {
                    <tr>
                        <td>{ lang.t(&format!("source-{}", e.source.as_str())) }</td>
                        <td class="num">{ e.price_fen.map(money).unwrap_or_else(|| e.percent_off.map(|p| format!("-{p}%")).unwrap_or_default()) }</td>
                        <td>{ e.from.map(datetime).unwrap_or_default() }</td>
                        <td>{ e.until.map(datetime).unwrap_or_default() }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            if !d.movements.is_empty() {
                <h3>{ lang.t("stock-movements") }</h3>
                <table class="lines">
                    <tbody>
                    { for d.movements.iter().map(|m| html! {
                        <tr><td>{ datetime(m.at) }</td><td>{ &m.reason }</td><td class="num">{ format!("{:+}", m.delta) }</td><td class="num">{ m.stock_after }</td></tr>
                    }) }
                    </tbody>
                </table>
            }
            if p.status == ProductStatus::Draft && (holds(JobRole::Planner) || holds(JobRole::StorefrontSpecialist)) {
                <div class="actions"><button data-testid="request-listing" onclick={list_it}>{ lang.t("request-listing") }</button></div>
            }
            if p.status == ProductStatus::Listed && (holds(JobRole::Planner) || holds(JobRole::StorefrontSpecialist) || holds(JobRole::Designer)) {
                <div class="actions"><button class="secondary" data-testid="request-delisting" onclick={{
                    let d = delisting.clone();
                    Callback::from(move |_| d.set(true))
                }}>{ lang.t("request-delisting") }</button></div>
            }
            if *delisting {
                <CommentDialog {lang} title={lang.t("request-delisting")} label={lang.t("col-reason")}
                    confirm={lang.t("submit-for-approval")} busy=false error={(*notice).clone().filter(|_| *delisting)}
                    on_confirm={delist} on_cancel={{ let d = delisting.clone(); Callback::from(move |()| d.set(false)) }} />
            }
            if holds(JobRole::Planner) && p.status == ProductStatus::Listed {
                <form class="action" data-testid="price-form" onsubmit={propose_price}>
                    <h3>{ lang.t("propose-price") }</h3>
                    <div class="grid">
                        <div>
                            <label for="new-price">{ lang.t("new-price") }</label>
                            <input id="new-price" inputmode="decimal" value={(*new_price).clone()} oninput={input(&new_price)} />
                            { show("new_price_fen") }
                        </div>
                        <div>
                            <label for="competitor">{ lang.t("competitor") }</label>
                            <input id="competitor" value={(*competitor).clone()} oninput={input(&competitor)} />
                            { show("competitors") }
                        </div>
                        <div>
                            <label for="competitor-price">{ lang.t("competitor-price") }</label>
                            <input id="competitor-price" inputmode="decimal" value={(*competitor_price).clone()} oninput={input(&competitor_price)} />
                        </div>
                    </div>
                    <label for="price-reason">{ lang.t("col-reason") }</label>
                    <input id="price-reason" value={(*reason).clone()} oninput={input(&reason)} />
                    { show("reason") }
                    <button type="submit" data-testid="submit-price">{ lang.t("submit-for-approval") }</button>
                </form>
            }
        </section>
    }
}
