//! Changing one's password (R-ACL-5). An expired password leads here straight from the login
//! and nowhere else until it is changed; the change ends every session, so the dashboard signs
//! in again with the new password and carries on.

use crate::app::{Route, Session};
use crate::i18n::Lang;
use crate::services::auth;
use yew::prelude::*;
use yew_router::prelude::*;

#[function_component(ChangePassword)]
pub fn change_password() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let navigator = use_navigator();
    let current = use_state(String::new);
    let fresh = use_state(String::new);
    let repeat = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let failure = use_state(Option::<String>::default);
    let busy = use_state(bool::default);
    let Some(session) = session else {
        return html! {};
    };
    let Some(user) = session.user.clone() else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let input = crate::components::forms::typed;
    let onsubmit = {
        let (current, fresh, repeat, errors, failure, busy, navigator) = (
            current.clone(),
            fresh.clone(),
            repeat.clone(),
            errors.clone(),
            failure.clone(),
            busy.clone(),
            navigator.clone(),
        );
        let set = session.set.clone();
        let username = user.username.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *fresh != *repeat {
                errors.set(vec![("repeat".to_owned(), lang.t("password-mismatch"))]);
                return;
            }
            busy.set(true);
            let (current, fresh, errors, failure, busy, navigator, set, username) = (
                (*current).clone(),
                (*fresh).clone(),
                errors.clone(),
                failure.clone(),
                busy.clone(),
                navigator.clone(),
                set.clone(),
                username.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match auth::change_password(&current, &fresh).await {
                    Ok(()) => match auth::login(&username, &fresh).await {
                        Ok((me, expired)) => {
                            set.emit(Some((me, expired)));
                            if let Some(n) = &navigator {
                                n.push(&Route::Home);
                            }
                        }
                        Err(f) => failure.set(Some(f.message())),
                    },
                    Err(f) => {
                        let errs = f.field_errors();
                        failure.set(errs.is_empty().then(|| f.message()));
                        errors.set(errs);
                    }
                }
                busy.set(false);
            });
        })
    };
    let error_for = |field: &str| crate::components::field_error::field_error(&errors, field);
    html! {
        <form class="card login" data-testid="change-password" {onsubmit}>
            <h1>{ lang.t("password-title") }</h1>
            if session.password_expired {
                <div class="notice" role="status" data-testid="password-expired">{ lang.t("password-expired") }</div>
            }
            <label for="current">{ lang.t("password-current") }</label>
            <input id="current" type="password" autocomplete="current-password" value={(*current).clone()} oninput={input(&current)} />
            { error_for("current_password") }
            <label for="new">{ lang.t("password-new") }</label>
            <input id="new" type="password" autocomplete="new-password" value={(*fresh).clone()} oninput={input(&fresh)} />
            { error_for("new_password") }
            <label for="repeat">{ lang.t("password-repeat") }</label>
            <input id="repeat" type="password" autocomplete="new-password" value={(*repeat).clone()} oninput={input(&repeat)} />
            { error_for("repeat") }
            if let Some(m) = &*failure { <div class="error" role="alert">{ m.clone() }</div> }
            <button type="submit" disabled={*busy}>{ lang.t("password-change") }</button>
        </form>
    }
}
