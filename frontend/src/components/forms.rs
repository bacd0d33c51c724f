//! Binding a form control to its state: one handler for every text input, text area and select
//! (each is read through its `value`), so pages do not each carry their own closures.

use yew::prelude::*;

fn value_of(target: Option<web_sys::EventTarget>) -> String {
    // `value` is read the same way on inputs, text areas and selects.
    target
        .map(|t| wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlInputElement>(t).value())
        .unwrap_or_default()
}

/// `oninput` of a text input or text area: the state follows what is typed.
pub fn typed(h: &UseStateHandle<String>) -> Callback<InputEvent> {
    let h = h.clone();
    Callback::from(move |e: InputEvent| h.set(value_of(e.target())))
}

/// `onchange` of a select (or an input read when it is left): the state takes the new value.
pub fn chosen(h: &UseStateHandle<String>) -> Callback<Event> {
    let h = h.clone();
    Callback::from(move |e: Event| h.set(value_of(e.target())))
}

/// The value an `onchange` event carries, for handlers that do more than store it.
pub fn changed(e: &Event) -> String {
    value_of(e.target())
}

/// The value an `oninput` event carries, for handlers that do more than store it.
pub fn value_of_input(e: &InputEvent) -> String {
    value_of(e.target())
}
