//! The confirm dialog that asks for a comment or reason (a decision, a delisting, a posting):
//! nothing happens until the person writes why and confirms; the server's objection to the text
//! shows under it.

use crate::components::forms::typed;
use crate::i18n::Lang;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub title: String,
    /// The text box's label (e.g. "Comment", "Reason").
    pub label: String,
    pub confirm: String,
    pub busy: bool,
    /// The server's message about the text, shown under it.
    #[prop_or_default]
    pub error: Option<String>,
    pub on_confirm: Callback<String>,
    pub on_cancel: Callback<()>,
}

#[function_component(CommentDialog)]
pub fn comment_dialog(p: &Props) -> Html {
    let text = use_state(String::new);
    let empty = use_state(bool::default);
    let onsubmit = {
        let (text, empty, go) = (text.clone(), empty.clone(), p.on_confirm.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let t = text.trim().to_owned();
            empty.set(t.is_empty());
            if !t.is_empty() {
                go.emit(t);
            }
        })
    };
    let message = if *empty {
        Some(p.lang.t("comment-required"))
    } else {
        p.error.clone()
    };
    html! {
        <div class="dialog-backdrop">
            <form class="dialog card" role="dialog" aria-modal="true" aria-labelledby="dialog-title" {onsubmit}>
                <h3 id="dialog-title">{ &p.title }</h3>
                <label for="dialog-text">{ &p.label }</label>
                <textarea id="dialog-text" value={(*text).clone()} oninput={typed(&text)} />
                if let Some(m) = message { <span class="field-error" data-testid="error-comment">{ m }</span> }
                <div class="actions">
                    <button type="submit" data-testid="confirm" disabled={p.busy}>{ &p.confirm }</button>
                    <button type="button" class="secondary" onclick={p.on_cancel.reform(|_| ())}>{ p.lang.t("cancel") }</button>
                </div>
            </form>
        </div>
    }
}
