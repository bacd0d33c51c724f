//! The top bar: product name, what waits for this user (approvals for my roles, orders past
//! their contact deadline), the language switch, and the user with a logout button.

use crate::app::{Route, Session};
use crate::i18n::Lang;
use crate::services::{auth, orders};
use gloo_timers::callback::Interval;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(Header)]
pub fn header() -> Html {
    let session = use_context::<Session>();
    let navigator = use_navigator();
    let counts = use_state(|| None::<(usize, usize)>);
    let logged_in = session.as_ref().is_some_and(|s| s.user.is_some());
    {
        let counts = counts.clone();
        use_effect_with(logged_in, move |logged_in| {
            let refresh = {
                let counts = counts.clone();
                move || {
                    let counts = counts.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let waiting = orders::approvals_waiting().await.unwrap_or(0);
                        let overdue = orders::overdue().await.unwrap_or(0);
                        counts.set(Some((waiting, overdue)));
                    });
                }
            };
            let interval = if *logged_in {
                refresh();
                Some(Interval::new(15_000, refresh))
            } else {
                None
            };
            move || drop(interval)
        });
    }
    let Some(session) = session else {
        return html! {};
    };
    let lang = session.lang;
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
    let switch = {
        let set_lang = session.set_lang.clone();
        Callback::from(move |e: Event| {
            let v = crate::components::forms::changed(&e);
            set_lang.emit(if v == "en" { Lang::En } else { Lang::Zh });
        })
    };
    html! {
        <header class="top">
            <span class="brand">{ "ecops" }<small>{ lang.t("app-title") }</small></span>
            <span class="user">
                if let (Some(_), Some((waiting, overdue))) = (&session.user, *counts) {
                    <span class="pill" data-testid="approvals-count" title={lang.t("pending-approvals")}>
                        { format!("{} {}", lang.t("pending-approvals"), waiting) }
                    </span>
                    <span class={classes!("pill", (overdue > 0).then_some("bad"))} data-testid="overdue-count">
                        { format!("{} {}", lang.t("overdue-orders"), overdue) }
                    </span>
                }
                <label class="lang">
                    <span class="sr-only">{ lang.t("language") }</span>
                    <select data-testid="language" aria-label={lang.t("language")} onchange={switch}>
                        <option value="zh" selected={lang == Lang::Zh}>{ "中文" }</option>
                        <option value="en" selected={lang == Lang::En}>{ "English" }</option>
                    </select>
                </label>
                if let Some(user) = &session.user {
                    <span data-testid="header-user">{ &user.display_name }</span>
                    <button class="secondary" data-testid="logout" onclick={logout}>{ "Log out · 退出" }</button>
                }
            </span>
        </header>
    }
}
