use crate::app::Route;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(NotFound)]
pub fn not_found() -> Html {
    html! {
        <div class="card">
            <h2>{ "Page not found · 页面不存在" }</h2>
            <Link<Route> to={Route::Home}>{ "Back to the dashboard" }</Link<Route>>
        </div>
    }
}
