//! The ecops dashboard: a Yew single-page app served by the ecops server, built as two bundles
//! that share this library (see [`bundles`]): the order desk and the catalogue. Each holds the
//! screens of its own routes; a link to the other's loads it.

pub mod app;
pub mod bundles;
pub mod checks;
pub mod components;
pub mod format;
pub mod i18n;
pub mod pages;
pub mod services;

/// Starts the dashboard in the page's `#app` element with this bundle's screens.
pub fn start(bundle: bundles::Bundle) {
    i18n::extend(bundle.texts);
    let props = app::AppProps { bundle };
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<app::App>::with_root_and_props(root, props).render();
        }
        None => {
            yew::Renderer::<app::App>::with_props(props).render();
        }
    }
}
