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
    let orders = user.roles.iter().any(|r| ORDER_DESK.contains(r));
    let takes_orders = user
        .roles
        .iter()
        .any(|r| matches!(r, JobRole::CustomerService | JobRole::CsSupervisor));
    html! {
        <nav class="side" aria-label="main" data-testid="side-nav">
            <Link<Route> to={Route::Home} classes={classes!(here(Route::Home).then_some("here"))}>{ lang.t("nav-home") }</Link<Route>>
            if orders {
                <Link<Route> to={Route::Orders} classes={classes!(here(Route::Orders).then_some("here"))}>
                    <span data-testid="nav-orders">{ lang.t("nav-orders") }</span>
                </Link<Route>>
            }
            if takes_orders {
                <Link<Route> to={Route::NewOrder} classes={classes!(here(Route::NewOrder).then_some("here"))}>
                    <span data-testid="nav-new-order">{ lang.t("nav-new-order") }</span>
                </Link<Route>>
            }
            if orders {
                <Link<Route> to={Route::Aftersales} classes={classes!(here(Route::Aftersales).then_some("here"))}>
                    <span data-testid="nav-aftersales">{ lang.t("nav-aftersales") }</span>
                </Link<Route>>
            }
            if orders {
                <Link<Route> to={Route::Customers} classes={classes!(here(Route::Customers).then_some("here"))}>
                    <span data-testid="nav-customers">{ lang.t("nav-customers") }</span>
                </Link<Route>>
            }
            <Link<Route> to={Route::Products} classes={classes!(here(Route::Products).then_some("here"))}>
                <span data-testid="nav-products">{ lang.t("nav-products") }</span>
            </Link<Route>>
            <Link<Route> to={Route::Approvals} classes={classes!(here(Route::Approvals).then_some("here"))}>
                <span data-testid="nav-approvals">{ lang.t("nav-approvals") }</span>
            </Link<Route>>
            <Link<Route> to={Route::Password} classes={classes!(here(Route::Password).then_some("here"))}>
                { lang.t("nav-password") }
            </Link<Route>>
        </nav>
    }
}
