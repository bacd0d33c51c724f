//! The people bundle: my day and my month, the department month, leave, the duty roster, and
//! resignations and transfers.

use ecops_dashboard::app::Route;
use ecops_dashboard::bundles::{Bundle, Elsewhere, Kind};
use ecops_dashboard::pages::{
    attendance::{DeptMonth, MonthPage, MyDay},
    departures::Departures,
    duty::DutyPage,
    leave::LeavePage,
    not_found::NotFound,
};
use yew::prelude::*;

fn render(route: Route) -> Html {
    match route {
        Route::MyDay => html! { <MyDay /> },
        Route::MyMonth => html! { <MonthPage /> },
        Route::DeptMonth => html! { <DeptMonth /> },
        Route::PersonMonth { id } => html! { <MonthPage user={Some(id)} /> },
        Route::Leave => html! { <LeavePage /> },
        Route::Duty => html! { <DutyPage /> },
        Route::Departures => html! { <Departures /> },
        Route::NotFound => html! { <NotFound /> },
        _ => html! { <Elsewhere here={Kind::People} /> },
    }
}

fn main() {
    ecops_dashboard::start(Bundle {
        kind: Kind::People,
        render,
        texts: (
            include_str!("../../locales/people.zh.ftl"),
            include_str!("../../locales/people.en.ftl"),
        ),
    });
}
