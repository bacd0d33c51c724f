//! The top bar: product name, and the logged-in user with a logout button.

use crate::app::{Route, Session};
use crate::services::auth;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(Header)]
pub fn header() -> Html {
    let session = use_context::<Session>();
    let navigator = use_navigator();
    let Some(session) = session else {
        return html! {};
    };
    let logout = {
        let set = session.set.clone();
        Callback::from(move |_| {
            let set = set.clone();
            let navigator = navigator.clone();
            wasm_bindgen_futures::spawn_local(async move {
                auth::logout().await;
                set.emit(None);
                if let Some(n) = navigator {
                    n.push(&Route::Login);
                }
            });
        })
    };
    html! {
        <header class="top">
            <span class="brand">{ "ecops" }<small>{ "电商部运营系统" }</small></span>
            if let Some(user) = &session.user {
                <span class="user">
                    <span data-testid="header-user">{ &user.display_name }</span>
                    <button class="secondary" data-testid="logout" onclick={logout}>{ "Log out · 退出" }</button>
                </span>
            }
        </header>
    }
}
