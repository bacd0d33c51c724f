//! The work bundle: daily work reports and content publishing (and, with the figures, the
//! department's charts).

use ecops_dashboard::app::Route;
use ecops_dashboard::bundles::{Bundle, Elsewhere, Kind};
use ecops_dashboard::pages::content::{ContentItem, ContentList};
use ecops_dashboard::pages::{
    figures::Figures, meetings::Meetings, not_found::NotFound, reports::Reports,
};
use yew::prelude::*;

fn render(route: Route) -> Html {
    match route {
        Route::Reports => html! { <Reports /> },
        Route::Content => html! { <ContentList /> },
        Route::Figures => html! { <Figures /> },
        Route::Meetings => html! { <Meetings /> },
        Route::ContentItem { id } => html! { <ContentItem {id} /> },
        Route::NotFound => html! { <NotFound /> },
        _ => html! { <Elsewhere here={Kind::Work} /> },
    }
}

fn main() {
    ecops_dashboard::start(Bundle {
        kind: Kind::Work,
        render,
        texts: (
            include_str!("../../locales/work.zh.ftl"),
            include_str!("../../locales/work.en.ftl"),
        ),
    });
}
