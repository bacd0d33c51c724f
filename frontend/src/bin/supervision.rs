//! The supervision bundle: service quality (contacts, reviews, the sample, the figures) and the
//! monthly evaluation.

use ecops_dashboard::app::Route;
use ecops_dashboard::bundles::{Bundle, Elsewhere, Kind};
use ecops_dashboard::pages::{evaluations::Evaluations, not_found::NotFound, quality::Quality};
use yew::prelude::*;

fn render(route: Route) -> Html {
    match route {
        Route::Quality => html! { <Quality /> },
        Route::Evaluations => html! { <Evaluations /> },
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
