//! The supervision bundle: service quality (contacts, reviews, the sample, the figures, the phrase
//! library), the monthly evaluation and delegated access.

use ecops_dashboard::app::Route;
use ecops_dashboard::bundles::{Bundle, Elsewhere, Kind};
use ecops_dashboard::pages::{
    delegations::Delegations, evaluations::Evaluations, not_found::NotFound, phrases::Phrases,
    quality::Quality, webhooks::Webhooks,
};
use yew::prelude::*;

fn render(route: Route) -> Html {
    match route {
        Route::Quality => html! { <Quality /> },
        Route::Evaluations => html! { <Evaluations /> },
        Route::Phrases => html! { <Phrases /> },
        Route::Delegations => html! { <Delegations /> },
        Route::Webhooks => html! { <Webhooks /> },
        Route::NotFound => html! { <NotFound /> },
        _ => html! { <Elsewhere here={Kind::Supervision} /> },
    }
}

fn main() {
    ecops_dashboard::start(Bundle {
        kind: Kind::Supervision,
        render,
        texts: (
            include_str!("../../locales/supervision.zh.ftl"),
            include_str!("../../locales/supervision.en.ftl"),
        ),
    });
}
