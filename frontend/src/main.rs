//! The ecops dashboard: a Yew single-page app served by the ecops server.

mod app;
mod checks;
mod components;
mod format;
mod i18n;
mod pages;
mod services;

fn main() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
