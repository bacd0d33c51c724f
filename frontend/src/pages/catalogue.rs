//! The catalogue's work beside the product page: drafting a product, promotions, stocktakes
//! (the count sheet, its differences, posting) and the page-revision plans with their schedule.
//! Each form validates what it can as it is filled and shows the server's field errors where
//! they belong; each list pages through the API's cursor.

use crate::app::{Route, Session};
use crate::components::confirm::CommentDialog;
use crate::components::field_error::field_error;
use crate::components::forms::{chosen, typed};
use crate::components::paged::use_paged;
use crate::components::toast::{use_toast, Tone};
use crate::format::{datetime, local_input, money, parse_local, parse_yuan, today};
use crate::i18n::Lang;
use crate::pages::approvals::state_key;
use crate::services::products;
use crate::services::requests::{fresh_key, ApiFailure};
use chrono::{Duration, Utc};
use ecops_api_types::{
    ApprovalState, CreatePageRevisionRequest, CreateProductRequest, CreatePromotionRequest,
    JobRole, PageScheduleView, RevisionArea, RevisionCadence, RevisionStatusView, StocktakeState,
    StocktakeView,
};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

type Errors = UseStateHandle<Vec<(String, String)>>;

/// The page's frame: the session checked, the user's roles handed to the body.
fn holds(session: &Session, roles: &[JobRole]) -> bool {
    session
        .user
        .as_ref()
        .is_some_and(|u| u.roles.iter().any(|r| roles.contains(r)))
}

/// Shows a failure: field errors next to their inputs, anything else in the form's alert.
fn show_failure(f: ApiFailure, errors: &Errors, failure: &UseStateHandle<Option<String>>) {
    let errs = f.field_errors();
    failure.set(errs.is_empty().then(|| f.message()));
    errors.set(errs);
}

/// A labelled text input bound to its state, with its field's error under it.
fn text_field(
    id: &str,
    label: String,
    state: &UseStateHandle<String>,
    errors: &[(String, String)],
    field: &str,
) -> Html {
    html! {
        <div>
            <label for={id.to_owned()}>{ label }</label>
            <input id={id.to_owned()} value={(**state).clone()} oninput={typed(state)} />
            { field_error(errors, field) }
        </div>
    }
}

fn table_head(lang: Lang, keys: &[&str]) -> Html {
    html! {
        <thead><tr>{ for keys.iter().map(|k| html! { <th>{ lang.t(k) }</th> }) }</tr></thead>
    }
}

// ---------------------------------------------------------------------------------------------
// A new product (R-PRD-1): drafted by a planner or the storefront specialist, listed later
// through the approval.

#[function_component(NewProduct)]
pub fn new_product() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let navigator = use_navigator();
    let key = use_state(fresh_key);
    let sku = use_state(String::new);
    let title = use_state(String::new);
    let category = use_state(String::new);
    let description = use_state(String::new);
    let list_price = use_state(String::new);
    let price = use_state(String::new);
    let confidential = use_state(bool::default);
    let errors = use_state(Vec::<(String, String)>::new);
    let failure = use_state(Option::<String>::default);
    let busy = use_state(bool::default);
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    // Checked as typed: the prices must read as money, the selling price within the list price.
    let mut local = Vec::new();
    let yuan = |typed: &str, field: &str, local: &mut Vec<(String, String)>| {
        let v = parse_yuan(typed);
        if v.is_none() && !typed.trim().is_empty() {
            local.push((field.to_owned(), lang.t("not-money")));
        }
        v
    };
    let list_fen = yuan(&list_price, "list_price_fen", &mut local);
    let price_fen = yuan(&price, "price_fen", &mut local);
    if let (Some(l), Some(p)) = (list_fen, price_fen) {
        if p > l {
            local.push(("price_fen".to_owned(), lang.t("price-above-list")));
        }
    }
    let shown: Vec<(String, String)> = local.iter().chain(errors.iter()).cloned().collect();
    let onsubmit = {
        let (sku, title, category, description, confidential) = (
            sku.clone(),
            title.clone(),
            category.clone(),
            description.clone(),
            confidential.clone(),
        );
        let (key, errors, failure, busy, navigator, toast) = (
            key.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            navigator.clone(),
            toast.clone(),
        );
        let ready = local.is_empty();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy || !ready {
                return;
            }
            let body = CreateProductRequest {
                sku: sku.trim().to_owned(),
                title: title.trim().to_owned(),
                description: description.trim().to_owned(),
                category: category.trim().to_owned(),
                list_price_fen: list_fen.unwrap_or(-1),
                price_fen: price_fen.unwrap_or(-1),
                confidential: *confidential,
            };
            busy.set(true);
            let (key, errors, failure, busy, navigator, toast) = (
                (*key).clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                navigator.clone(),
                toast.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match products::create(&body, &key).await {
                    Ok(p) => {
                        toast.emit((Tone::Ok, lang.t("product-drafted")));
                        if let Some(n) = &navigator {
                            n.push(&Route::Product {
                                id: p.id.to_string(),
                            });
                        }
                    }
                    Err(f) => show_failure(f, &errors, &failure),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card wide" data-testid="new-product">
            <nav class="crumbs"><Link<Route> to={Route::Products}>{ lang.t("back-to-products") }</Link<Route>></nav>
            <h2>{ lang.t("nav-new-product") }</h2>
            <form class="action" {onsubmit}>
                <div class="grid">
                    { text_field("sku", "SKU".to_owned(), &sku, &shown, "sku") }
                    { text_field("title", lang.t("product-title"), &title, &shown, "title") }
                    { text_field("category", lang.t("category"), &category, &shown, "category") }
                    { text_field("list-price", lang.t("list-price"), &list_price, &shown, "list_price_fen") }
                    { text_field("price", lang.t("selling-price"), &price, &shown, "price_fen") }
                </div>
                <label for="description">{ lang.t("description") }</label>
                <textarea id="description" value={(*description).clone()} oninput={typed(&description)} />
                { field_error(&shown, "description") }
                <label class="check">
                    <input type="checkbox" checked={*confidential} onchange={{
                        let c = confidential.clone();
                        Callback::from(move |_| c.set(!*c))
                    }} />
                    { " " }{ lang.t("confidential") }
                </label>
                if let Some(m) = &*failure { <div class="error" role="alert">{ m.clone() }</div> }
                <button type="submit" disabled={*busy}>{ lang.t("draft-product") }</button>
            </form>
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Promotions (R-PRD-6): proposed by a planner, in force once the marketing director approves.

#[function_component(Promotions)]
pub fn promotions() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let list = use_paged(String::new(), |q| Box::pin(products::promotions(q)));
    let key = use_state(fresh_key);
    let name = use_state(String::new);
    let skus = use_state(String::new);
    let rule = use_state(|| "percent".to_owned());
    let value = use_state(String::new);
    let start = use_state(|| local_input(Utc::now() + Duration::hours(1)));
    let end = use_state(|| local_input(Utc::now() + Duration::days(7)));
    let reason = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let failure = use_state(Option::<String>::default);
    let busy = use_state(bool::default);
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let planner = holds(&session, &[JobRole::Planner]);
    let onsubmit = {
        let (name, skus, rule, value, start, end, reason) = (
            name.clone(),
            skus.clone(),
            rule.clone(),
            value.clone(),
            start.clone(),
            end.clone(),
            reason.clone(),
        );
        let (key, errors, failure, busy, toast, reload) = (
            key.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            toast.clone(),
            list.reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let mut local = Vec::new();
            let (promo_price_fen, percent_off) = if *rule == "price" {
                let v = parse_yuan(&value);
                if v.is_none() {
                    local.push(("promo_price_fen".to_owned(), lang.t("not-money")));
                }
                (v, None)
            } else {
                let v = value
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|p| (1..=99).contains(p));
                if v.is_none() {
                    local.push(("percent_off".to_owned(), lang.t("percent-range")));
                }
                (None, v)
            };
            let (from, until) = (parse_local(&start), parse_local(&end));
            if from.is_none() {
                local.push(("start_at".to_owned(), lang.t("not-a-time")));
            }
            if until.is_none() {
                local.push(("end_at".to_owned(), lang.t("not-a-time")));
            }
            let (Some(from), Some(until)) = (from, until) else {
                errors.set(local);
                return;
            };
            if !local.is_empty() {
                errors.set(local);
                return;
            }
            let body = CreatePromotionRequest {
                name: name.trim().to_owned(),
                skus: skus
                    .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                promo_price_fen,
                percent_off,
                start_at: from,
                end_at: until,
                reason: reason.trim().to_owned(),
            };
            busy.set(true);
            let (k, errors, failure, busy, toast, reload, key) = (
                (*key).clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                toast.clone(),
                reload.clone(),
                key.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match products::propose_promotion(&body, &k).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        failure.set(None);
                        key.set(fresh_key());
                        toast.emit((Tone::Ok, lang.t("promotion-filed")));
                        reload.emit(());
                    }
                    Err(f) => show_failure(f, &errors, &failure),
                }
                busy.set(false);
            });
        })
    };
    let now = Utc::now();
    html! {
        <section class="card wide" data-testid="promotions">
            <h2>{ lang.t("nav-promotions") }</h2>
            if let Some(state) = list.status(lang, "empty-promotions", "promotions-empty") {
                { state }
            } else {
                <table class="queue">
                    { table_head(lang, &["promotion-name", "promotion-rule", "period-from", "period-to", "col-state"]) }
                    <tbody>
                    { for list.items().iter().map(|p| html! {
                        <tr key={p.id.to_string()} data-testid="promotion-row">
                            <td>{ &p.name }</td>
                            <td class="num">{ p.promo_price_fen.map(money).or(p.percent_off.map(|o| format!("-{o}%"))).unwrap_or_default() }</td>
                            <td>{ datetime(p.start_at) }</td>
                            <td>{ datetime(p.end_at) }</td>
                            <td><span class={classes!("badge", state_key(p.state))}>{ lang.t(&format!("state-{}", state_key(p.state))) }</span>
                                if p.active || (p.state == ApprovalState::Approved && p.start_at <= now && now < p.end_at) {
                                    { " " }<span class="badge ok">{ lang.t("in-force") }</span>
                                }
                            </td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                { list.more(lang) }
            }
            if planner {
                <form class="action" data-testid="promotion-form" {onsubmit}>
                    <h3>{ lang.t("propose-promotion") }</h3>
                    <div class="grid">
                        { text_field("promo-name", lang.t("promotion-name"), &name, &errors, "name") }
                        { text_field("promo-skus", lang.t("promotion-skus"), &skus, &errors, "skus") }
                        <div>
                            <label for="promo-rule">{ lang.t("promotion-rule") }</label>
                            <select id="promo-rule" onchange={chosen(&rule)}>
                                <option value="percent" selected={*rule == "percent"}>{ lang.t("rule-percent") }</option>
                                <option value="price" selected={*rule == "price"}>{ lang.t("rule-price") }</option>
                            </select>
                        </div>
                        { text_field("promo-value", lang.t(if *rule == "price" { "rule-price" } else { "rule-percent" }), &value, &errors,
                            if *rule == "price" { "promo_price_fen" } else { "percent_off" }) }
                        <div>
                            <label for="promo-start">{ lang.t("period-from") }</label>
                            <input id="promo-start" type="datetime-local" value={(*start).clone()} oninput={typed(&start)} />
                            { field_error(&errors, "start_at") }
                        </div>
                        <div>
                            <label for="promo-end">{ lang.t("period-to") }</label>
                            <input id="promo-end" type="datetime-local" value={(*end).clone()} oninput={typed(&end)} />
                            { field_error(&errors, "end_at") }
                        </div>
                    </div>
                    { text_field("promo-reason", lang.t("col-reason"), &reason, &errors, "reason") }
                    if let Some(m) = &*failure { <div class="error" role="alert">{ m.clone() }</div> }
                    <button type="submit" disabled={*busy}>{ lang.t("submit-for-approval") }</button>
                </form>
            }
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Stocktakes (R-PRD-9): started, counted SKU by SKU against the system quantity, posted.

#[function_component(Stocktakes)]
pub fn stocktakes() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let navigator = use_navigator();
    let list = use_paged(String::new(), |q| Box::pin(products::stocktakes(q)));
    let note = use_state(String::new);
    let failure = use_state(Option::<String>::default);
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let counter = holds(
        &session,
        &[JobRole::StorefrontSpecialist, JobRole::Warehouse],
    );
    let onsubmit = {
        let (note, failure, navigator) = (note.clone(), failure.clone(), navigator.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (note, failure, navigator) = ((*note).clone(), failure.clone(), navigator.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match products::start_stocktake(note.trim()).await {
                    Ok(s) => {
                        if let Some(n) = &navigator {
                            n.push(&Route::Stocktake {
                                id: s.id.to_string(),
                            });
                        }
                    }
                    Err(f) => failure.set(Some(f.message())),
                }
            });
        })
    };
    html! {
        <section class="card wide" data-testid="stocktakes">
            <h2>{ lang.t("nav-stocktakes") }</h2>
            if counter {
                <form class="filters" {onsubmit}>
                    <label>{ lang.t("stocktake-note") }<input id="stocktake-note" value={(*note).clone()} oninput={typed(&note)} /></label>
                    <button type="submit" data-testid="start-stocktake">{ lang.t("start-stocktake") }</button>
                </form>
                if let Some(m) = &*failure { <div class="error" role="alert">{ m.clone() }</div> }
            }
            if let Some(state) = list.status(lang, "empty-stocktakes", "stocktakes-empty") {
                { state }
            } else {
                <table class="queue">
                    { table_head(lang, &["started-at", "stocktake-note", "counted-skus", "col-state"]) }
                    <tbody>
                    { for list.items().iter().map(|s| html! {
                        <tr key={s.id.to_string()} data-testid="stocktake-row">
                            <td><Link<Route> to={Route::Stocktake { id: s.id.to_string() }}>{ datetime(s.started_at) }</Link<Route>></td>
                            <td>{ &s.note }</td>
                            <td class="num">{ s.lines.len() }</td>
                            <td><span class={classes!("badge", s.state.as_str())}>{ lang.t(&format!("stocktake-{}", s.state.as_str())) }</span></td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                { list.more(lang) }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct IdProps {
    pub id: String,
}

#[function_component(StocktakePage)]
pub fn stocktake_page(props: &IdProps) -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let take = use_state(|| None::<Result<StocktakeView, String>>);
    let sku = use_state(String::new);
    let qty = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let failure = use_state(Option::<String>::default);
    let confirming = use_state(bool::default);
    let busy = use_state(bool::default);
    let id = Uuid::parse_str(&props.id).ok();
    {
        let take = take.clone();
        use_effect_with(id, move |id| {
            let (id, take) = (*id, take.clone());
            wasm_bindgen_futures::spawn_local(async move {
                take.set(Some(match id {
                    Some(id) => products::stocktake(id).await.map_err(|e| e.message()),
                    None => Err("not a stocktake id".to_owned()),
                }));
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let s = match &*take {
        None => {
            return html! { <section class="card"><p class="muted">{ lang.t("loading") }</p></section> }
        }
        Some(Err(m)) => {
            return html! { <section class="card"><div class="error" role="alert">{ m.clone() }</div></section> }
        }
        Some(Ok(s)) => s.clone(),
    };
    let open = s.state == StocktakeState::Open;
    let counter = holds(
        &session,
        &[JobRole::StorefrontSpecialist, JobRole::Warehouse],
    );
    let on_count = {
        let (take, sku, qty, errors, failure) = (
            take.clone(),
            sku.clone(),
            qty.clone(),
            errors.clone(),
            failure.clone(),
        );
        let sid = s.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(n) = qty.trim().parse::<i64>().ok().filter(|n| *n >= 0) else {
                errors.set(vec![("counted_qty".to_owned(), lang.t("count-whole"))]);
                return;
            };
            let (take, s, errors, failure, sku, qty) = (
                take.clone(),
                sku.trim().to_owned(),
                errors.clone(),
                failure.clone(),
                sku.clone(),
                qty.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match products::count(sid, &s, n).await {
                    Ok(v) => {
                        errors.set(Vec::new());
                        failure.set(None);
                        sku.set(String::new());
                        qty.set(String::new());
                        take.set(Some(Ok(v)));
                    }
                    Err(f) => show_failure(f, &errors, &failure),
                }
            });
        })
    };
    let on_post = {
        let (take, failure, busy, confirming, toast) = (
            take.clone(),
            failure.clone(),
            busy.clone(),
            confirming.clone(),
            toast.clone(),
        );
        let sid = s.id;
        Callback::from(move |_: MouseEvent| {
            if !*confirming {
                confirming.set(true);
                return;
            }
            busy.set(true);
            let (take, failure, busy, confirming, toast) = (
                take.clone(),
                failure.clone(),
                busy.clone(),
                confirming.clone(),
                toast.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match products::post_stocktake(sid).await {
                    Ok(v) => {
                        toast.emit((Tone::Ok, lang.t("stocktake-posted-ok")));
                        take.set(Some(Ok(v)));
                    }
                    Err(f) => failure.set(Some(f.message())),
                }
                confirming.set(false);
                busy.set(false);
            });
        })
    };
    let differences = s.lines.iter().filter(|l| l.difference != 0).count();
    html! {
        <section class="card wide" data-testid="stocktake">
            <nav class="crumbs"><Link<Route> to={Route::Stocktakes}>{ lang.t("nav-stocktakes") }</Link<Route>></nav>
            <h2>{ format!("{} · {}", lang.t("nav-stocktakes"), datetime(s.started_at)) }{ " " }
                <span class={classes!("badge", s.state.as_str())} data-testid="stocktake-state">{ lang.t(&format!("stocktake-{}", s.state.as_str())) }</span>
            </h2>
            if !s.note.is_empty() { <p class="muted">{ &s.note }</p> }
            if s.lines.is_empty() {
                <p class="empty">{ lang.t("empty-count-sheet") }</p>
            } else {
                <table class="queue" data-testid="count-sheet">
                    { table_head(lang, &["col-sku", "system-qty", "counted-qty", "difference"]) }
                    <tbody>
                    { for s.lines.iter().map(|l| html! {
                        <tr data-testid="count-line" data-sku={l.sku.clone()}>
                            <td>{ &l.sku }</td>
                            <td class="num">{ l.system_qty }</td>
                            <td class="num">{ l.counted_qty }</td>
                            <td class={classes!("num", (l.difference != 0).then_some("bad"))} data-testid="difference">{ format!("{:+}", l.difference) }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            if open && counter {
                <form class="filters" data-testid="count-form" onsubmit={on_count}>
                    <label>{ "SKU" }<input id="count-sku" value={(*sku).clone()} oninput={typed(&sku)} />{ field_error(&errors, "sku") }</label>
                    <label>{ lang.t("counted-qty") }<input id="count-qty" class="qty" inputmode="numeric" value={(*qty).clone()} oninput={typed(&qty)} />{ field_error(&errors, "counted_qty") }</label>
                    <button type="submit" data-testid="record-count">{ lang.t("record-count") }</button>
                </form>
            }
            if let Some(m) = &*failure { <div class="error" role="alert">{ m.clone() }</div> }
            if open && counter && !s.lines.is_empty() {
                <div class="actions">
                    <button data-testid="post-stocktake" disabled={*busy} onclick={on_post}>
                        { if *confirming { lang.t1("confirm-post", "count", &differences.to_string()) } else { lang.t("post-stocktake") } }
                    </button>
                    if *confirming {
                        <button class="secondary" onclick={{ let c = confirming.clone(); Callback::from(move |_| c.set(false)) }}>{ lang.t("cancel") }</button>
                    }
                </div>
            }
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Page revisions (R-APR-6): each page's rhythm, the plans, proposing one (designer) and
// recording that an approved plan was carried out.

const AREAS: [(RevisionArea, &str); 6] = [
    (RevisionArea::Animation, "animation"),
    (RevisionArea::Colors, "colors"),
    (RevisionArea::Sections, "sections"),
    (RevisionArea::Banners, "banners"),
    (RevisionArea::Layout, "layout"),
    (RevisionArea::Copy, "copy"),
];

fn revision_status(s: RevisionStatusView) -> &'static str {
    match s {
        RevisionStatusView::Pending => "pending",
        RevisionStatusView::Approved => "approved",
        RevisionStatusView::Rejected => "rejected",
        RevisionStatusView::Withdrawn => "withdrawn",
        RevisionStatusView::Executed => "executed",
    }
}

#[function_component(PageRevisions)]
pub fn page_revisions() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let list = use_paged(String::new(), |q| Box::pin(products::revisions(q)));
    let schedule = use_state(Vec::<PageScheduleView>::new);
    let key = use_state(fresh_key);
    let page = use_state(|| "home".to_owned());
    let title = use_state(String::new);
    let cadence = use_state(|| "biweekly".to_owned());
    let areas = use_state(Vec::<RevisionArea>::new);
    let plan = use_state(String::new);
    let planned = use_state(|| (today(Utc::now()) + Duration::days(7)).to_string());
    let reason = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let failure = use_state(Option::<String>::default);
    let executing = use_state(|| None::<Uuid>);
    let busy = use_state(bool::default);
    let reloads = use_state(u32::default);
    {
        let schedule = schedule.clone();
        use_effect_with(*reloads, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                schedule.set(products::revision_schedule().await.unwrap_or_default());
            });
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    if session.user.is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let designer = holds(&session, &[JobRole::Designer]);
    let executor = holds(
        &session,
        &[JobRole::Designer, JobRole::StorefrontSpecialist],
    );
    let refresh = {
        let (reload, reloads) = (list.reload.clone(), reloads.clone());
        Callback::from(move |()| {
            reload.emit(());
            reloads.set(*reloads + 1);
        })
    };
    let onsubmit = {
        let (page, title, cadence, areas, plan, planned, reason) = (
            page.clone(),
            title.clone(),
            cadence.clone(),
            areas.clone(),
            plan.clone(),
            planned.clone(),
            reason.clone(),
        );
        let (key, errors, failure, busy, toast, refresh) = (
            key.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            toast.clone(),
            refresh.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(day) = chrono::NaiveDate::parse_from_str(&planned, "%Y-%m-%d") else {
                errors.set(vec![("planned_for".to_owned(), lang.t("not-a-time"))]);
                return;
            };
            let body = CreatePageRevisionRequest {
                page: Some(page.trim().to_owned()).filter(|p| !p.is_empty()),
                title: title.trim().to_owned(),
                cadence: if *cadence == "monthly" {
                    RevisionCadence::Monthly
                } else {
                    RevisionCadence::Biweekly
                },
                areas: (*areas).clone(),
                plan: plan.trim().to_owned(),
                planned_for: day,
                reason: reason.trim().to_owned(),
            };
            busy.set(true);
            let (k, key, errors, failure, busy, toast, refresh) = (
                (*key).clone(),
                key.clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                toast.clone(),
                refresh.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match products::propose_revision(&body, &k).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        failure.set(None);
                        key.set(fresh_key());
                        toast.emit((Tone::Ok, lang.t("revision-filed")));
                        refresh.emit(());
                    }
                    Err(f) => show_failure(f, &errors, &failure),
                }
                busy.set(false);
            });
        })
    };
    let on_execute = {
        let (executing, failure, busy, toast, refresh) = (
            executing.clone(),
            failure.clone(),
            busy.clone(),
            toast.clone(),
            refresh.clone(),
        );
        Callback::from(move |note: String| {
            let Some(id) = *executing else { return };
            busy.set(true);
            let (executing, failure, busy, toast, refresh) = (
                executing.clone(),
                failure.clone(),
                busy.clone(),
                toast.clone(),
                refresh.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match products::execute_revision(id, &note).await {
                    Ok(_) => {
                        executing.set(None);
                        toast.emit((Tone::Ok, lang.t("revision-executed")));
                        refresh.emit(());
                    }
                    Err(f) => failure.set(Some(f.message())),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card wide" data-testid="page-revisions">
            <h2>{ lang.t("nav-page-revisions") }</h2>
            if !schedule.is_empty() {
                <table class="queue" data-testid="revision-schedule">
                    { table_head(lang, &["page", "last-revised", "next-due", "col-state"]) }
                    <tbody>
                    { for schedule.iter().map(|s| html! {
                        <tr>
                            <td>{ &s.page }</td>
                            <td>{ s.last_executed_at.map(datetime).unwrap_or_else(|| lang.t("never")) }</td>
                            <td>{ s.next_due.to_string() }</td>
                            <td>if s.days_overdue > 0 {
                                <span class="badge bad">{ lang.t1("days-overdue", "days", &s.days_overdue.to_string()) }</span>
                            }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            if let Some(state) = list.status(lang, "empty-revisions", "revisions-empty") {
                { state }
            } else {
                <table class="queue">
                    { table_head(lang, &["page", "revision-title", "planned-for", "col-state", "col-actions"]) }
                    <tbody>
                    { for list.items().iter().map(|r| {
                        let status = revision_status(r.status);
                        let id = r.id;
                        html! {
                            <tr key={r.id.to_string()} data-testid="revision-row">
                                <td>{ &r.page }</td>
                                <td>{ &r.title }</td>
                                <td>{ r.planned_for.to_string() }</td>
                                <td><span class={classes!("badge", status)}>{ lang.t(&format!("state-{status}")) }</span>
                                    if r.overdue { { " " }<span class="badge bad">{ lang.t("overdue") }</span> }
                                </td>
                                <td>if executor && r.status == RevisionStatusView::Approved {
                                    <button class="secondary" data-testid="execute-revision" onclick={{
                                        let executing = executing.clone();
                                        Callback::from(move |_| executing.set(Some(id)))
                                    }}>{ lang.t("mark-executed") }</button>
                                }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                { list.more(lang) }
            }
            if executing.is_some() {
                <CommentDialog {lang} title={lang.t("mark-executed")} label={lang.t("execution-note")}
                    confirm={lang.t("save")} busy={*busy} error={(*failure).clone()}
                    on_confirm={on_execute} on_cancel={{ let e = executing.clone(); Callback::from(move |()| e.set(None)) }} />
            }
            if designer {
                <form class="action" data-testid="revision-form" {onsubmit}>
                    <h3>{ lang.t("propose-revision") }</h3>
                    <div class="grid">
                        { text_field("rev-page", lang.t("page"), &page, &errors, "page") }
                        { text_field("rev-title", lang.t("revision-title"), &title, &errors, "title") }
                        <div>
                            <label for="rev-cadence">{ lang.t("cadence") }</label>
                            <select id="rev-cadence" onchange={chosen(&cadence)}>
                                <option value="biweekly" selected={*cadence == "biweekly"}>{ lang.t("cadence-biweekly") }</option>
                                <option value="monthly" selected={*cadence == "monthly"}>{ lang.t("cadence-monthly") }</option>
                            </select>
                        </div>
                        <div>
                            <label for="rev-planned">{ lang.t("planned-for") }</label>
                            <input id="rev-planned" type="date" value={(*planned).clone()} oninput={typed(&planned)} />
                            { field_error(&errors, "planned_for") }
                        </div>
                    </div>
                    <fieldset class="areas">
                        <legend>{ lang.t("revision-areas") }</legend>
                        { for AREAS.iter().map(|(a, k)| {
                            let (areas, a) = (areas.clone(), *a);
                            let on = areas.contains(&a);
                            html! {
                                <label class="check">
                                    <input type="checkbox" checked={on} onchange={Callback::from(move |_| {
                                        let mut v = (*areas).clone();
                                        if on { v.retain(|x| *x != a) } else { v.push(a) }
                                        areas.set(v);
                                    })} />
                                    { lang.t(&format!("area-{k}")) }
                                </label>
                            }
                        }) }
                    </fieldset>
                    { field_error(&errors, "areas") }
                    <label for="rev-plan">{ lang.t("revision-plan") }</label>
                    <textarea id="rev-plan" value={(*plan).clone()} oninput={typed(&plan)} />
                    { field_error(&errors, "plan") }
                    { text_field("rev-reason", lang.t("col-reason"), &reason, &errors, "reason") }
                    if executing.is_none() {
                        if let Some(m) = &*failure { <div class="error" role="alert">{ m.clone() }</div> }
                    }
                    <button type="submit" disabled={*busy}>{ lang.t("submit-for-approval") }</button>
                </form>
            }
        </section>
    }
}
