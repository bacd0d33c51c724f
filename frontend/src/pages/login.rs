//! The login form.

use crate::app::{Route, Session};
use crate::services::auth;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(Login)]
pub fn login() -> Html {
    let session = use_context::<Session>();
    let navigator = use_navigator();
    let username = use_node_ref();
    let password = use_node_ref();
    let error = use_state(Option::<String>::default);
    let busy = use_state(bool::default);

    if session.as_ref().is_some_and(|s| s.user.is_some()) {
        return html! { <Redirect<Route> to={Route::Home} /> };
    }

    let onsubmit = {
        let (username, password, error, busy) = (
            username.clone(),
            password.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let user = username
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let pass = password
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let (error, busy, session, navigator) = (
                error.clone(),
                busy.clone(),
                session.clone(),
                navigator.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match auth::login(&user, &pass).await {
                    Ok((me, expired)) => {
                        error.set(None);
                        if let Some(s) = session {
                            s.set.emit(Some((me, expired)));
                        }
                        if let Some(n) = navigator {
                            n.push(&Route::Home);
                        }
                    }
                    Err(e) => error.set(Some(e.message())),
                }
                busy.set(false);
            });
        })
    };

    html! {
        <form class="card login" {onsubmit} data-testid="login-form">
            <h1>{ "Sign in · 登录" }</h1>
            <p class="sub">{ "ecops, the e-commerce department's operations system" }</p>
            <label for="username">{ "Username · 用户名" }</label>
            <input id="username" name="username" ref={username} autocomplete="username" required=true />
            <label for="password">{ "Password · 密码" }</label>
            <input id="password" name="password" type="password" ref={password} autocomplete="current-password" required=true />
            <button type="submit" disabled={*busy}>{ if *busy { "Signing in…" } else { "Sign in" } }</button>
            if let Some(msg) = &*error {
                <div class="error" role="alert" data-testid="login-error">{ msg }</div>
            }
        </form>
    }
}
