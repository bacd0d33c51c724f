//! A field's error next to its input: the first message for the field or anything under it
//! (`competitors` covers `competitors.0.price_fen`), tagged `error-<field>` for tests.

use yew::prelude::*;

pub fn field_error(errors: &[(String, String)], field: &str) -> Html {
    let nested = format!("{field}.");
    errors
        .iter()
        .find(|(f, _)| f == field || f.starts_with(&nested))
        .map(|(_, m)| {
            html! { <span class="field-error" data-testid={format!("error-{field}")}>{ m.clone() }</span> }
        })
        .unwrap_or_default()
}
