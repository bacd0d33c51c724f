//! Routes and the session: who is logged in, shared with every page.

use crate::components::header::Header;
use crate::i18n::Lang;
use crate::pages::password::ChangePassword;
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
    #[at("/orders")]
    Orders,
    #[at("/orders/new")]
    NewOrder,
    #[at("/orders/import")]
    ImportOrders,
    #[at("/orders/:id")]
    Order { id: String },
    #[at("/approvals")]
    Approvals,
    #[at("/approvals/:id")]
    Approval { id: String },
    #[at("/password")]
    Password,
    #[at("/aftersales")]
    Aftersales,
    #[at("/aftersales/reports")]
    AftersalesReports,
    #[at("/aftersales/:id")]
    Case { id: String },
    #[at("/customers")]
    Customers,
    #[at("/customers/:id")]
    Customer { id: String },
    #[at("/products")]
    Products,
    #[at("/products/new")]
    NewProduct,
    #[at("/products/:id")]
    Product { id: String },
    #[at("/promotions")]
    Promotions,
    #[at("/stocktakes")]
    Stocktakes,
    #[at("/stocktakes/:id")]
    Stocktake { id: String },
    #[at("/page-revisions")]
    PageRevisions,
    #[at("/my-day")]
    MyDay,
    #[at("/my-month")]
    MyMonth,
    #[at("/attendance")]
    DeptMonth,
    #[at("/attendance/:id")]
    PersonMonth { id: String },
    #[at("/leave")]
    Leave,
    #[at("/duty")]
    Duty,
    #[at("/departures")]
    Departures,
    #[at("/evaluations")]
    Evaluations,
    #[at("/reports")]
    Reports,
    #[at("/content")]
    Content,
    #[at("/figures")]
    Figures,
    #[at("/meetings")]
    Meetings,
    #[at("/quality")]
    Quality,
    #[at("/quality/phrases")]
    Phrases,
    #[at("/delegations")]
    Delegations,
    #[at("/integrations/webhooks")]
    Webhooks,
    #[at("/content/:id")]
    ContentItem { id: String },
    #[at("/policies")]
    Policies,
    #[at("/admin/users")]
    AdminUsers,
    #[at("/admin/tokens")]
    AdminTokens,
    #[at("/admin/audit")]
    AdminAudit,
    #[at("/admin/exports")]
    AdminExports,
    #[at("/admin/backups")]
    AdminBackups,
    #[at("/vault")]
    Vault,
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
    /// The language texts are shown in (Chinese unless chosen otherwise).
    pub lang: Lang,
    pub set_lang: Callback<Lang>,
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The bundle this app was built as: which screens it holds.
    pub bundle: crate::bundles::Bundle,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let user = use_state(|| None::<UserView>);
    let expired = use_state(bool::default);
    let checked = use_state(bool::default);
    let lang = use_state(Lang::saved);
    {
        let (user, expired, checked) = (user.clone(), expired.clone(), checked.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(me) = auth::resume().await {
                    user.set(Some(me));
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
    let set_lang = {
        let lang = lang.clone();
        Callback::from(move |l: Lang| {
            l.save();
            lang.set(l);
        })
    };
    {
        let code = lang.code();
        use_effect_with(code, move |code| {
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("lang", if *code == "zh" { "zh-CN" } else { "en" });
            }
        });
    }
    let ctx = Session {
        user: (*user).clone(),
        password_expired: *expired,
        set,
        lang: *lang,
        set_lang,
    };
    let ctx_expired = ctx.user.is_some() && ctx.password_expired;
    if !*checked {
        return html! { <p class="loading">{ lang.t("loading") }</p> };
    }
    html! {
        <ContextProvider<Session> context={ctx}>
            <crate::components::toast::ToastHost>
            <BrowserRouter>
                <Header />
                <div class="shell">
                    <crate::components::nav::Nav />
                    <main>
                        if ctx_expired {
                            <ChangePassword />
                        } else {
                            <Switch<Route> render={props.bundle.render} />
                        }
                    </main>
                </div>
            </BrowserRouter>
            </crate::components::toast::ToastHost>
        </ContextProvider<Session>>
    }
}
