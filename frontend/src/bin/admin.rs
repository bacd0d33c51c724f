//! The administration bundle: accounts, API tokens, the audit log with its chain check, the daily
//! order exports, backups, the official-account vault, and
//! the attendance policy with its working-day calendar.

use ecops_dashboard::app::Route;
use ecops_dashboard::bundles::{Bundle, Elsewhere, Kind};
use ecops_dashboard::pages::{
    admin::{AdminAudit, AdminBackups, AdminExports, AdminTokens, AdminUsers},
    not_found::NotFound,
    policies::Policies,
    vault::Vault,
};
use yew::prelude::*;

fn render(route: Route) -> Html {
    match route {
        Route::AdminUsers => html! { <AdminUsers /> },
        Route::AdminTokens => html! { <AdminTokens /> },
        Route::AdminAudit => html! { <AdminAudit /> },
        Route::AdminExports => html! { <AdminExports /> },
        Route::AdminBackups => html! { <AdminBackups /> },
        Route::Vault => html! { <Vault /> },
        Route::Policies => html! { <Policies /> },
        Route::NotFound => html! { <NotFound /> },
        _ => html! { <Elsewhere here={Kind::Admin} /> },
    }
}

fn main() {
    ecops_dashboard::start(Bundle {
        kind: Kind::Admin,
        render,
        texts: (
            include_str!("../../locales/admin.zh.ftl"),
            include_str!("../../locales/admin.en.ftl"),
        ),
    });
}
