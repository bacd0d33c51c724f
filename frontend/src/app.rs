//! Routes and the session: who is logged in, shared with every page.

use crate::components::header::Header;
use crate::pages::{home::Home, login::Login, not_found::NotFound};
use crate::services::{auth, session};
use ecops_api_types::UserView;
use yew::prelude::*;
use yew_router::prelude::*;

/// Every screen of the dashboard.
#[derive(Clone, Routable, PartialEq)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/login")]
    Login,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// The logged-in user, or none.
#[derive(Clone, PartialEq)]
pub struct Session {
    pub user: Option<UserView>,
    pub password_expired: bool,
    pub set: Callback<Option<(UserView, bool)>>,
}

#[function_component(App)]
pub fn app() -> Html {
    let user = use_state(|| None::<UserView>);
    let expired = use_state(|| false);
    let checked = use_state(|| false);
    {
        let (user, expired, checked) = (user.clone(), expired.clone(), checked.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if session::load().is_some() {
                    match auth::me().await {
                        Ok(me) => user.set(Some(me)),
                        Err(_) => session::clear(),
                    }
                }
                expired.set(session::password_expired());
                checked.set(true);
            });
        });
    }
    let set = {
        let (user, expired) = (user.clone(), expired.clone());
        Callback::from(move |v: Option<(UserView, bool)>| match v {
            Some((u, e)) => {
                user.set(Some(u));
                expired.set(e);
            }
            None => {
                user.set(None);
                expired.set(false);
            }
        })
    };
    let ctx = Session {
        user: (*user).clone(),
        password_expired: *expired,
        set,
    };
    if !*checked {
        return html! { <p class="loading">{ "Loading ecops…" }</p> };
    }
    html! {
        <ContextProvider<Session> context={ctx}>
            <BrowserRouter>
                <Header />
                <main>
                    <Switch<Route> render={switch} />
                </main>
            </BrowserRouter>
        </ContextProvider<Session>>
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Login => html! { <Login /> },
        Route::NotFound => html! { <NotFound /> },
    }
}
