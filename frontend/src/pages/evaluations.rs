//! The monthly evaluation (R-EVAL-1, 月度日常工作考评表): my evaluation with acknowledge or
//! dispute; for managers, the month's drafts of their direct reports prefilled with the figures,
//! scored and submitted; the disputes that came up to me.

use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::forms::typed;
use crate::components::toast::{use_toast, Tone};
use crate::i18n::Lang;
use crate::services::evaluations as api;
use chrono::{Datelike, Utc};
use ecops_api_types::{
    EvaluationResolution, EvaluationSource, EvaluationView, ItemScore, JobRole,
    ScoreEvaluationRequest,
};
use std::collections::HashMap;
use yew::prelude::*;
use yew_router::prelude::*;

fn this_month() -> String {
    let d = Utc::now()
        .with_timezone(&crate::format::company_tz())
        .date_naive();
    format!("{}-{:02}", d.year(), d.month())
}

fn item_label(lang: Lang, zh: &str, en: &str) -> String {
    if lang.code() == "zh" {
        zh.to_owned()
    } else {
        en.to_owned()
    }
}

fn total_text(e: &EvaluationView) -> String {
    e.total
        .map(|t| format!("{t:.1}"))
        .unwrap_or_else(|| "—".into())
}

#[function_component(Evaluations)]
pub fn evaluations_page() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let month = use_state(this_month);
    let list = use_state(|| None::<Result<Vec<EvaluationView>, String>>);
    let reload = use_state(|| 0_u32);
    {
        let (list, m) = (list.clone(), (*month).clone());
        use_effect_with((m.clone(), *reload), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                list.set(Some(api::month(&m).await.map_err(|e| e.message())));
            });
        });
    }
    let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let refresh = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };
    let prepare = {
        let (month, toast, refresh) = (month.clone(), toast.clone(), refresh.clone());
        Callback::from(move |_| {
            let (m, toast, refresh) = ((*month).clone(), toast.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::draft(&m).await {
                    Ok(_) => refresh.emit(()),
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    let all = match &*list {
        Some(Ok(l)) => l.clone(),
        _ => Vec::new(),
    };
    let mine: Vec<EvaluationView> = all
        .iter()
        .filter(|e| e.person_id == user.id)
        .cloned()
        .collect();
    let reports: Vec<EvaluationView> = all
        .iter()
        .filter(|e| e.manager_id == user.id)
        .cloned()
        .collect();
    // Disputes that came up to me: the ones addressed to me, and, for the department's managers,
    // those from the top of the chart (addressed to nobody).
    let sees_all = user
        .roles
        .iter()
        .any(|r| matches!(r, JobRole::DeptManager | JobRole::GeneralManager));
    let escalated: Vec<EvaluationView> = all
        .iter()
        .filter(|e| {
            e.state == "disputed"
                && e.manager_id != user.id
                && e.person_id != user.id
                && (e.escalated_to == Some(user.id) || (e.escalated_to.is_none() && sees_all))
        })
        .cloned()
        .collect();
    html! {
        <section class="card wide" data-testid="evaluations">
            <h2>{ lang.t("eval-title") }</h2>
            <p class="muted">{ lang.t("eval-explain") }</p>
            <label>{ lang.t("eval-month") }
                <input type="month" data-testid="eval-month" value={(*month).clone()} oninput={typed(&month)} />
            </label>
            if let Some(Err(e)) = &*list { <p class="error" role="alert">{ e.clone() }</p> }
            <h3>{ lang.t("eval-mine") }</h3>
            if mine.is_empty() {
                <p class="muted" data-testid="eval-mine-empty">{ lang.t("eval-none") }</p>
            }
            { for mine.into_iter().map(|e| { let key = e.id.to_string(); html! { <Mine {key} evaluation={e} on_change={refresh.clone()} /> } }) }
            <h3>{ lang.t("eval-reports") }</h3>
            <button type="button" class="secondary" data-testid="eval-prepare" onclick={prepare}>{ lang.t("eval-prepare") }</button>
            { for reports.into_iter().map(|e| { let key = format!("{}-{}", e.id, e.version); html! { <Scoring {key} evaluation={e} on_change={refresh.clone()} /> } }) }
            if !escalated.is_empty() {
                <h3>{ lang.t("eval-escalated") }</h3>
                { for escalated.into_iter().map(|e| { let key = format!("{}-{}", e.id, e.version); html! { <Escalated {key} evaluation={e} on_change={refresh.clone()} /> } }) }
            }
        </section>
    }
}

fn items_table(
    lang: Lang,
    e: &EvaluationView,
    editable: Option<&UseStateHandle<HashMap<String, String>>>,
) -> Html {
    html! {
        <table class="queue" data-testid="eval-items">
            <thead><tr>
                <th>{ lang.t("eval-item") }</th>
                <th class="num">{ lang.t("eval-weight") }</th>
                <th class="num">{ lang.t("eval-figure") }</th>
                <th class="num">{ lang.t("eval-score") }</th>
            </tr></thead>
            <tbody>
            { for e.items.iter().map(|i| {
                let open = i.source == EvaluationSource::Manager || i.figure.is_none();
                html! {
                    <tr data-testid={format!("eval-item-{}", i.key)}>
                        <td>{ item_label(lang, &i.label_zh, &i.label_en) }</td>
                        <td class="num">{ format!("{} %", i.weight) }</td>
                        <td class="num">{ i.figure.map(|f| f.to_string()).unwrap_or_else(|| "—".into()) }</td>
                        <td class="num">
                            { match editable {
                                Some(scores) if open => {
                                    let key = i.key.clone();
                                    let value = scores.get(&key).cloned().unwrap_or_default();
                                    let scores = scores.clone();
                                    let oninput = Callback::from(move |ev: InputEvent| {
                                        let mut m = (*scores).clone();
                                        m.insert(key.clone(), crate::components::forms::value_of_input(&ev));
                                        scores.set(m);
                                    });
                                    html! { <input type="number" min="0" max="100" aria-label={item_label(lang, &i.label_zh, &i.label_en)} data-testid={format!("eval-score-{}", i.key)} {value} {oninput} /> }
                                }
                                _ => html! { { i.score.map(|s| s.to_string()).unwrap_or_else(|| "—".into()) } },
                            } }
                        </td>
                    </tr>
                }
            }) }
            </tbody>
        </table>
    }
}

fn figures_line(lang: Lang, e: &EvaluationView) -> Html {
    let f = &e.figures;
    html! {
        <p class="muted" data-testid="eval-figures">
            { lang.t1("eval-attendance", "detail", &format!("{} / {} / {} / {}", f.days_judged, f.late, f.early, f.absent)) }
            if f.full_attendance { { " " }<span class="badge ok">{ lang.t("eval-full-attendance") }</span> }
            { " · " }{ lang.t1("eval-contacts", "detail", &format!("{} / {}", f.contact_met, f.contact_met + f.contact_missed)) }
            { " · " }{ lang.t1("eval-reviews", "detail", &format!("{} ({})", f.reviews, f.review_average.map(|a| format!("{a:.1}")).unwrap_or_else(|| "—".into()))) }
            { " · " }{ lang.t1("eval-reports-filed", "detail", &f.daily_reports_filed.to_string()) }
        </p>
    }
}

#[derive(Properties, PartialEq)]
struct Props {
    evaluation: EvaluationView,
    on_change: Callback<()>,
}

/// My evaluation: acknowledge or dispute once it is submitted.
#[function_component(Mine)]
fn mine(p: &Props) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let comment = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let e = &p.evaluation;
    let act = |dispute: bool| {
        let (comment, errors, toast, on_change, id) = (
            comment.clone(),
            errors.clone(),
            toast.clone(),
            p.on_change.clone(),
            e.id,
        );
        Callback::from(move |_| {
            let (text, errors, toast, on_change) = (
                (*comment).clone(),
                errors.clone(),
                toast.clone(),
                on_change.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let r = if dispute {
                    api::dispute(id, text.trim()).await
                } else {
                    api::acknowledge(id).await
                };
                match r {
                    Ok(_) => on_change.emit(()),
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
    html! {
        <div class="panel" data-testid="eval-mine">
            <p><strong>{ e.month.clone() }</strong>{ " · " }{ lang.t1("eval-by", "name", &e.manager_name) }{ " · " }
                <span data-testid="eval-total">{ total_text(e) }</span>{ " · " }
                <span class="badge" data-testid="eval-state">{ lang.t(&format!("eval-state-{}", e.state)) }</span></p>
            { figures_line(lang, e) }
            { items_table(lang, e, None) }
            if !e.comment.is_empty() { <p>{ &e.comment }</p> }
            if let Some(d) = &e.dispute_comment { <p class="notice" data-testid="eval-dispute-text">{ d.clone() }</p> }
            { resolution_line(lang, e) }
            if e.state == "submitted" && !e.closed {
                <div class="action">
                    <button type="button" data-testid="eval-acknowledge" onclick={act(false)}>{ lang.t("eval-acknowledge") }</button>
                    <label for={format!("dispute-{}", e.id)}>{ lang.t("eval-dispute-why") }</label>
                    <input id={format!("dispute-{}", e.id)} data-testid="eval-dispute-comment" value={(*comment).clone()} oninput={typed(&comment)} />
                    { field_error(&errors, "comment") }
                    <button type="button" class="secondary" data-testid="eval-dispute" onclick={act(true)}>{ lang.t("eval-dispute") }</button>
                </div>
            }
        </div>
    }
}

/// A direct report's evaluation as the manager scores and submits it.
#[function_component(Scoring)]
fn scoring(p: &Props) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let e = &p.evaluation;
    let scores = use_state(|| {
        e.items
            .iter()
            .filter(|i| i.source == EvaluationSource::Manager || i.figure.is_none())
            .map(|i| {
                (
                    i.key.clone(),
                    i.score.map(|s| s.to_string()).unwrap_or_default(),
                )
            })
            .collect::<HashMap<_, _>>()
    });
    let comment = use_state(|| e.comment.clone());
    let errors = use_state(Vec::<(String, String)>::new);
    let save = |then_submit: bool| {
        let (scores, comment, errors, toast, on_change, id, version) = (
            scores.clone(),
            comment.clone(),
            errors.clone(),
            toast.clone(),
            p.on_change.clone(),
            e.id,
            e.version,
        );
        Callback::from(move |_| {
            let body = ScoreEvaluationRequest {
                scores: scores
                    .iter()
                    .filter_map(|(k, v)| {
                        v.trim().parse::<i32>().ok().map(|s| ItemScore {
                            key: k.clone(),
                            score: s,
                        })
                    })
                    .collect(),
                comment: Some(comment.trim().to_owned()),
            };
            let (errors, toast, on_change) = (errors.clone(), toast.clone(), on_change.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut r = api::score(id, version, &body).await;
                if then_submit && r.is_ok() {
                    r = api::submit(id).await;
                }
                match r {
                    Ok(_) => {
                        toast.emit((
                            Tone::Ok,
                            lang.t(if then_submit {
                                "eval-submitted"
                            } else {
                                "eval-saved"
                            }),
                        ));
                        on_change.emit(());
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
    let draft = e.state == "draft" && !e.closed;
    html! {
        <div class="panel" data-testid="eval-report">
            <p><strong data-testid="eval-person">{ &e.person_name }</strong>{ " · " }
                <span data-testid="eval-total">{ total_text(e) }</span>{ " · " }
                <span class="badge" data-testid="eval-state">{ lang.t(&format!("eval-state-{}", e.state)) }</span></p>
            { figures_line(lang, e) }
            { items_table(lang, e, draft.then_some(&scores)) }
            { for errors.iter().map(|(f, m)| html! { <p class="error" role="alert">{ format!("{f}: {m}") }</p> }) }
            if draft {
                <label for={format!("eval-comment-{}", e.id)}>{ lang.t("eval-comment") }</label>
                <input id={format!("eval-comment-{}", e.id)} data-testid="eval-comment" value={(*comment).clone()} oninput={typed(&comment)} />
                <div class="action">
                    <button type="button" class="secondary" data-testid="eval-save" onclick={save(false)}>{ lang.t("eval-save") }</button>
                    <button type="button" data-testid="eval-submit" onclick={save(true)}>{ lang.t("eval-submit") }</button>
                </div>
            } else if let Some(d) = &e.dispute_comment {
                <p class="notice" data-testid="eval-dispute-text">{ d.clone() }</p>
            }
            { resolution_line(lang, e) }
        </div>
    }
}

/// How the dispute was settled, when it was.
fn resolution_line(lang: Lang, e: &EvaluationView) -> Html {
    let Some(r) = e.resolution else {
        return html! {};
    };
    let key = match r {
        EvaluationResolution::Upheld => "eval-upheld",
        EvaluationResolution::Returned => "eval-returned",
    };
    html! {
        <p class="muted" data-testid="eval-resolution">
            <span class="badge">{ lang.t(key) }</span>{ " " }{ e.resolution_comment.clone().unwrap_or_default() }
        </p>
    }
}

/// A dispute that came up to me: the evaluation, the person's objection, and my settlement.
#[function_component(Escalated)]
fn escalated(p: &Props) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let comment = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let e = &p.evaluation;
    let settle = |resolution: EvaluationResolution| {
        let (comment, errors, toast, on_change, id) = (
            comment.clone(),
            errors.clone(),
            toast.clone(),
            p.on_change.clone(),
            e.id,
        );
        Callback::from(move |_| {
            let (text, errors, toast, on_change) = (
                (*comment).clone(),
                errors.clone(),
                toast.clone(),
                on_change.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::resolve(id, resolution, text.trim()).await {
                    Ok(_) => on_change.emit(()),
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
    html! {
        <div class="panel" data-testid="eval-escalated">
            <p><strong>{ &e.person_name }</strong>{ " · " }{ lang.t1("eval-by", "name", &e.manager_name) }{ " · " }{ total_text(e) }</p>
            { figures_line(lang, e) }
            { items_table(lang, e, None) }
            if !e.comment.is_empty() { <p>{ &e.comment }</p> }
            <p class="notice" data-testid="eval-dispute-text">{ e.dispute_comment.clone().unwrap_or_default() }</p>
            { resolution_line(lang, e) }
            if e.resolution.is_none() && !e.closed {
                <div class="action">
                    <label for={format!("settle-{}", e.id)}>{ lang.t("eval-settle-why") }</label>
                    <input id={format!("settle-{}", e.id)} data-testid="eval-settle-comment" value={(*comment).clone()} oninput={typed(&comment)} />
                    { field_error(&errors, "comment") }
                    <button type="button" data-testid="eval-uphold" onclick={settle(EvaluationResolution::Upheld)}>{ lang.t("eval-uphold") }</button>
                    <button type="button" class="secondary" data-testid="eval-return" onclick={settle(EvaluationResolution::Returned)}>{ lang.t("eval-return") }</button>
                </div>
            }
        </div>
    }
}
