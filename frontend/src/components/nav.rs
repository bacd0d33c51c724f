//! The side navigation: only what the user's roles can use.

use crate::app::{Route, Session};
use ecops_api_types::JobRole;
use yew::prelude::*;
use yew_router::prelude::*;

/// Who works the order desk.
const ORDER_DESK: &[JobRole] = &[
    JobRole::CustomerService,
    JobRole::CsSupervisor,
    JobRole::Warehouse,
    JobRole::DeptManager,
    JobRole::GeneralManager,
];

#[function_component(Nav)]
pub fn nav() -> Html {
    let route = use_route::<Route>();
    let Some(session) = use_context::<Session>() else {
        return html! {};
    };
    let Some(user) = &session.user else {
        return html! {};
    };
    let lang = session.lang;
    let here = |r: Route| route.as_ref() == Some(&r);
    // R-ACC-1: the roles lent to the user now open their screens too.
    let acting: Vec<JobRole> = user
        .roles
        .iter()
        .chain(user.acting_for.iter().flat_map(|a| a.roles.iter()))
        .copied()
        .collect();
    let orders = acting.iter().any(|r| ORDER_DESK.contains(r));
    let holds = |roles: &[JobRole]| acting.iter().any(|r| roles.contains(r));
    let makes_products = holds(&[JobRole::Planner, JobRole::StorefrontSpecialist]);
    let counts_stock = holds(&[JobRole::StorefrontSpecialist, JobRole::Warehouse]);
    let takes_orders = holds(&[JobRole::CustomerService, JobRole::CsSupervisor]);
    let products = true;
    let manages_people = holds(&crate::pages::attendance::MANAGERS);
    let administers = holds(&[JobRole::ItAdmin]);
    let reads_figures = holds(&[
        JobRole::DeptManager,
        JobRole::CsSupervisor,
        JobRole::GeneralManager,
        JobRole::MarketingDirector,
    ]);
    let keeps_vault = holds(&crate::pages::vault::KEEPERS);
    let serves = holds(&[
        JobRole::CustomerService,
        JobRole::CsSupervisor,
        JobRole::QaInspector,
        JobRole::DeptManager,
        JobRole::GeneralManager,
    ]);
    let items: [(bool, Route, &str); 29] = [
        (true, Route::MyDay, "my-day"),
        (true, Route::MyMonth, "my-month"),
        (true, Route::Leave, "leave"),
        (true, Route::Duty, "duty"),
        (true, Route::Departures, "departures"),
        (true, Route::Evaluations, "evaluations"),
        (true, Route::Reports, "reports"),
        (true, Route::Meetings, "meetings"),
        (serves, Route::Quality, "quality"),
        (serves, Route::Phrases, "phrases"),
        (true, Route::Content, "content"),
        (reads_figures, Route::Figures, "figures"),
        (manages_people, Route::DeptMonth, "dept-month"),
        (orders, Route::Orders, "orders"),
        (takes_orders, Route::NewOrder, "new-order"),
        (takes_orders, Route::ImportOrders, "import-orders"),
        (orders, Route::Aftersales, "aftersales"),
        (orders, Route::Customers, "customers"),
        (products, Route::Products, "products"),
        (makes_products, Route::NewProduct, "new-product"),
        (products, Route::Promotions, "promotions"),
        (counts_stock, Route::Stocktakes, "stocktakes"),
        (products, Route::PageRevisions, "page-revisions"),
        (true, Route::Approvals, "approvals"),
        (true, Route::Delegations, "delegations"),
        (administers, Route::AdminUsers, "admin"),
        (administers, Route::Webhooks, "webhooks"),
        (keeps_vault, Route::Vault, "vault"),
        (true, Route::Password, "password"),
    ];
    html! {
        <nav class="side" aria-label="main" data-testid="side-nav">
            <Link<Route> to={Route::Home} classes={classes!(here(Route::Home).then_some("here"))}>{ lang.t("nav-home") }</Link<Route>>
            { for items.into_iter().filter(|(show, _, _)| *show).map(|(_, route, key)| html! {
                <Link<Route> to={route.clone()} classes={classes!(here(route).then_some("here"))}>
                    <span data-testid={format!("nav-{key}")}>{ lang.t(&format!("nav-{key}")) }</span>
                </Link<Route>>
            }) }
        </nav>
    }
}
