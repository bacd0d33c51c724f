//! The library of approved service phrases (话术): customer service searches it by words and
//! situation; the supervisor proposes (the department manager approves in the approvals inbox)
//! and retires phrases; the pre-check of transcripts uses the approved greetings and closings.

use crate::app::{Route, Session};
use crate::components::confirm::CommentDialog;
use crate::components::field_error::field_error;
use crate::components::forms::{chosen, typed};
use crate::components::toast::{use_toast, Tone};
use crate::i18n::Lang;
use crate::services::delegations as api;
use ecops_api_types::{
    JobRole, PhraseLanguage, PhraseSituation, PhraseState, PhraseView, ProposePhraseRequest,
};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

const SITUATIONS: [(PhraseSituation, &str); 6] = [
    (PhraseSituation::Greeting, "greeting"),
    (PhraseSituation::Delay, "delay"),
    (PhraseSituation::Refund, "refund"),
    (PhraseSituation::Complaint, "complaint"),
    (PhraseSituation::Closing, "closing"),
    (PhraseSituation::Other, "other"),
];

fn situation_key(s: PhraseSituation) -> &'static str {
    SITUATIONS
        .iter()
        .find(|(x, _)| *x == s)
        .map_or("other", |(_, k)| k)
}

/// The query string of a search: words and situation, for one state.
fn query(words: &str, situation: &str, state: &str) -> String {
    let mut q = format!("state={state}");
    if !words.trim().is_empty() {
        q.push_str(&format!(
            "&q={}",
            String::from(js_sys::encode_uri_component(words.trim()))
        ));
    }
    if !situation.is_empty() {
        q.push_str(&format!("&situation={situation}"));
    }
    q
}

#[function_component(Phrases)]
pub fn phrases_page() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let words = use_state(String::new);
    let situation = use_state(String::new);
    let searched = use_state(|| (String::new(), String::new()));
    let reload = use_state(|| 0_u32);
    let found = use_state(|| None::<Result<Vec<PhraseView>, String>>);
    let pending = use_state(Vec::<PhraseView>::new);
    let new_situation = use_state(|| "greeting".to_owned());
    let new_language = use_state(|| "zh".to_owned());
    let new_text = use_state(String::new);
    let new_note = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let retiring = use_state(|| None::<Uuid>);
    let retire_error = use_state(|| None::<String>);
    let editor = session
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .is_some_and(|u| {
            u.roles
                .iter()
                .any(|r| matches!(r, JobRole::CsSupervisor | JobRole::DeptManager))
        });
    {
        let (found, pending, (w, s)) = (found.clone(), pending.clone(), (*searched).clone());
        use_effect_with(((*searched).clone(), *reload, editor), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                found.set(Some(
                    api::phrases(&query(&w, &s, "approved"))
                        .await
                        .map_err(|e| e.message()),
                ));
                if editor {
                    if let Ok(p) = api::phrases("state=pending").await {
                        pending.set(p);
                    }
                }
            });
        });
    }
    if session.as_ref().and_then(|s| s.user.as_ref()).is_none() {
        return html! { <Redirect<Route> to={Route::Login} /> };
    }
    let onsearch = {
        let (words, situation, searched) = (words.clone(), situation.clone(), searched.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            searched.set(((*words).clone(), (*situation).clone()));
        })
    };
    let onpropose = {
        let (s, l, t, n) = (
            new_situation.clone(),
            new_language.clone(),
            new_text.clone(),
            new_note.clone(),
        );
        let (errors, toast, reload) = (errors.clone(), toast.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = ProposePhraseRequest {
                situation: SITUATIONS
                    .iter()
                    .find(|(_, k)| *k == s.as_str())
                    .map_or(PhraseSituation::Other, |(x, _)| *x),
                language: if l.as_str() == "en" {
                    PhraseLanguage::En
                } else {
                    PhraseLanguage::Zh
                },
                text: t.trim().to_owned(),
                note: n.trim().to_owned(),
            };
            let (errors, toast, reload, t, n) = (
                errors.clone(),
                toast.clone(),
                reload.clone(),
                t.clone(),
                n.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::propose_phrase(&body).await {
                    Ok(_) => {
                        errors.set(Vec::new());
                        t.set(String::new());
                        n.set(String::new());
                        toast.emit((Tone::Ok, lang.t("phr-proposed")));
                        reload.set(*reload + 1);
                    }
                    Err(e) => {
                        let fields = e.field_errors();
                        if fields.is_empty() {
                            toast.emit((Tone::Bad, e.message()));
                        }
                        errors.set(fields);
                    }
                }
            });
        })
    };
    let on_retire = {
        let (retiring, retire_error, reload) =
            (retiring.clone(), retire_error.clone(), reload.clone());
        Callback::from(move |reason: String| {
            let Some(id) = *retiring else { return };
            let (retiring, retire_error, reload) =
                (retiring.clone(), retire_error.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::retire_phrase(id, &reason).await {
                    Ok(_) => {
                        retiring.set(None);
                        retire_error.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(e) => retire_error.set(Some(e.message())),
                }
            });
        })
    };
    let row = |p: &PhraseView, retire: bool| {
        let id = p.id;
        let open = {
            let retiring = retiring.clone();
            Callback::from(move |_| retiring.set(Some(id)))
        };
        html! {
            <tr data-testid="phr-row">
                <td><span class="badge">{ lang.t(&format!("phr-situation-{}", situation_key(p.situation))) }</span></td>
                <td lang={if p.language == PhraseLanguage::En { "en" } else { "zh" }} data-testid="phr-text">{ &p.text }</td>
                <td class="muted">{ &p.note }</td>
                <td>{ &p.proposed_by_name }</td>
                <td>
                    if retire && p.state == PhraseState::Approved {
                        <button type="button" class="secondary" data-testid="phr-retire" onclick={open}>{ lang.t("phr-retire") }</button>
                    }
                </td>
            </tr>
        }
    };
    let head = html! {
        <thead><tr>
            <th>{ lang.t("phr-situation") }</th>
            <th>{ lang.t("phr-text") }</th>
            <th>{ lang.t("phr-note") }</th>
            <th>{ lang.t("phr-by") }</th>
            <th></th>
        </tr></thead>
    };
    html! {
        <section class="card wide" data-testid="phrases">
            <h2>{ lang.t("phr-title") }</h2>
            <p class="muted">{ lang.t("phr-explain") }</p>
            <form class="filters" role="search" onsubmit={onsearch}>
                <label for="phr-q">{ lang.t("phr-search") }</label>
                <input id="phr-q" type="search" data-testid="phr-q" value={(*words).clone()} oninput={typed(&words)} />
                <label for="phr-filter">{ lang.t("phr-situation") }</label>
                <select id="phr-filter" data-testid="phr-filter" onchange={chosen(&situation)}>
                    <option value="" selected={situation.is_empty()}>{ lang.t("phr-any") }</option>
                    { for SITUATIONS.iter().map(|(_, k)| html! {
                        <option value={*k} selected={*situation == *k}>{ lang.t(&format!("phr-situation-{k}")) }</option>
                    }) }
                </select>
                <button type="submit" data-testid="phr-search">{ lang.t("phr-search") }</button>
            </form>
            if let Some(Err(e)) = &*found { <p class="error" role="alert">{ e.clone() }</p> }
            if matches!(&*found, Some(Ok(l)) if l.is_empty()) {
                <p class="muted" data-testid="phr-empty">{ lang.t("phr-none") }</p>
            }
            if let Some(Ok(list)) = &*found {
                if !list.is_empty() {
                    <table class="queue" data-testid="phr-list">
                        { head.clone() }
                        <tbody>{ for list.iter().map(|p| row(p, editor)) }</tbody>
                    </table>
                }
            }
            if editor {
                <form class="panel" data-testid="phr-form" onsubmit={onpropose}>
                    <h3>{ lang.t("phr-propose") }</h3>
                    <label for="phr-new-situation">{ lang.t("phr-situation") }</label>
                    <select id="phr-new-situation" data-testid="phr-new-situation" onchange={chosen(&new_situation)}>
                        { for SITUATIONS.iter().map(|(_, k)| html! {
                            <option value={*k} selected={*new_situation == *k}>{ lang.t(&format!("phr-situation-{k}")) }</option>
                        }) }
                    </select>
                    <label for="phr-new-language">{ lang.t("phr-language") }</label>
                    <select id="phr-new-language" data-testid="phr-new-language" onchange={chosen(&new_language)}>
                        <option value="zh" selected={*new_language == "zh"}>{ "中文" }</option>
                        <option value="en" selected={*new_language == "en"}>{ "English" }</option>
                    </select>
                    <label for="phr-new-text">{ lang.t("phr-text") }</label>
                    <textarea id="phr-new-text" data-testid="phr-new-text" value={(*new_text).clone()} oninput={typed(&new_text)} />
                    { field_error(&errors, "text") }
                    <label for="phr-new-note">{ lang.t("phr-note") }</label>
                    <input id="phr-new-note" data-testid="phr-new-note" value={(*new_note).clone()} oninput={typed(&new_note)} />
                    <button type="submit" data-testid="phr-submit">{ lang.t("phr-submit") }</button>
                </form>
                <h3>{ lang.t("phr-waiting") }</h3>
                if pending.is_empty() {
                    <p class="muted">{ lang.t("phr-none-waiting") }</p>
                } else {
                    <table class="queue" data-testid="phr-pending">
                        { head }
                        <tbody>{ for pending.iter().map(|p| row(p, false)) }</tbody>
                    </table>
                }
            }
            if retiring.is_some() {
                <CommentDialog {lang} title={lang.t("phr-retire-title")} label={lang.t("phr-retire-reason")}
                    confirm={lang.t("phr-retire")} busy={false} error={(*retire_error).clone()}
                    on_confirm={on_retire}
                    on_cancel={{ let (retiring, retire_error) = (retiring.clone(), retire_error.clone()); Callback::from(move |_| { retiring.set(None); retire_error.set(None); }) }} />
            }
        </section>
    }
}
