//! The order-desk bundle: orders, order entry, after-sales, customers, approvals, the home page
//! and the session's screens.

use ecops_dashboard::app::Route;
use ecops_dashboard::bundles::{Bundle, Elsewhere, Kind};
use ecops_dashboard::pages::{
    aftersales::{Aftersales, AftersalesReports, CasePage},
    approvals::{ApprovalPage, Approvals},
    customers::{CustomerPage, Customers},
    home::Home,
    login::Login,
    not_found::NotFound,
    order::OrderPage,
    order_import::OrderImport,
    order_new::NewOrder,
    orders::Orders,
    password::ChangePassword,
};
use yew::prelude::*;

fn render(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Login => html! { <Login /> },
        Route::Orders => html! { <Orders /> },
        Route::NewOrder => html! { <NewOrder /> },
        Route::ImportOrders => html! { <OrderImport /> },
        Route::Order { id } => html! { <OrderPage {id} /> },
        Route::Approvals => html! { <Approvals /> },
        Route::Approval { id } => html! { <ApprovalPage {id} /> },
        Route::Password => html! { <ChangePassword /> },
        Route::Aftersales => html! { <Aftersales /> },
        Route::AftersalesReports => html! { <AftersalesReports /> },
        Route::Case { id } => html! { <CasePage {id} /> },
        Route::Customers => html! { <Customers /> },
        Route::Customer { id } => html! { <CustomerPage {id} /> },
        Route::NotFound => html! { <NotFound /> },
        _ => html! { <Elsewhere here={Kind::Desk} /> },
    }
}

fn main() {
    ecops_dashboard::start(Bundle {
        kind: Kind::Desk,
        render,
        texts: ("", ""),
    });
}
