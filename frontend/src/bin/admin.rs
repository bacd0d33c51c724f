//! The administration bundle: accounts, API tokens, the audit log and the daily order exports.

use ecops_dashboard::app::Route;
use ecops_dashboard::bundles::{Bundle, Elsewhere, Kind};
use ecops_dashboard::pages::{
    admin::{AdminAudit, AdminExports, AdminTokens, AdminUsers},
    not_found::NotFound,
};
use yew::prelude::*;

fn render(route: Route) -> Html {
    match route {
        Route::AdminUsers => html! { <AdminUsers /> },
        Route::AdminTokens => html! { <AdminTokens /> },
        Route::AdminAudit => html! { <AdminAudit /> },
        Route::AdminExports => html! { <AdminExports /> },
        Route::NotFound => html! { <NotFound /> },
        _ => html! { <Elsewhere here={Kind::Admin} /> },
    }
}

fn main() {
    ecops_dashboard::start(Bundle {
        kind: Kind::Admin,
        render,
    });
}
