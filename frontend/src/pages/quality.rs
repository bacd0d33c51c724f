//! Service quality (R-QA-1..3): my reviews with my responses; for the supervisor and the
//! quality inspector, the week's sample and the review form (the contact's transcript beside the
//! checklist); for supervisors and managers, the items ranked by failure rate and each person's
//! figures.

use crate::app::{Route, Session};
use crate::components::field_error::field_error;
use crate::components::forms::typed;
use crate::components::toast::{use_toast, Tone};
use crate::format::datetime;
use crate::i18n::Lang;
use crate::services::quality;
use chrono::{Datelike, Duration, Utc};
use ecops_api_types::{
    ChecklistView, ContactChannel, ContactView, CreateReviewRequest, ItemMarkValue, ItemMarkView,
    JobRole, QualityFigures, ReviewView, SampleGroup, SampleRequest,
};
use std::collections::HashMap;
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

const REVIEWERS: [JobRole; 2] = [JobRole::CsSupervisor, JobRole::QaInspector];
const OVERSEERS: [JobRole; 4] = [
    JobRole::CsSupervisor,
    JobRole::QaInspector,
    JobRole::DeptManager,
    JobRole::GeneralManager,
];

fn period_query(days: i64) -> String {
    let today = Utc::now()
        .with_timezone(&crate::format::company_tz())
        .date_naive();
    format!("from={}&to={today}", today - Duration::days(days - 1))
}

fn label(lang: Lang, list: &Option<ChecklistView>, key: &str) -> String {
    list.as_ref()
        .and_then(|l| l.items.iter().find(|i| i.key == key))
        .map(|i| {
            if lang.code() == "zh" {
                i.label_zh.clone()
            } else {
                i.label_en.clone()
            }
        })
        .unwrap_or_else(|| key.to_owned())
}

fn channel_text(lang: Lang, c: ContactChannel) -> String {
    lang.t(match c {
        ContactChannel::OnlineChat => "qa-channel-online_chat",
        ContactChannel::Phone => "qa-channel-phone",
        ContactChannel::PlatformMessenger => "qa-channel-platform_messenger",
    })
}

#[function_component(Quality)]
pub fn quality_page() -> Html {
    let session = use_context::<Session>();
    let lang = session.as_ref().map(|s| s.lang).unwrap_or(Lang::Zh);
    let checklist = use_state(|| None::<ChecklistView>);
    {
        let checklist = checklist.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(c) = quality::checklist().await {
                    checklist.set(Some(c));
                }
            });
        });
    }
    let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    let reviews = user.roles.iter().any(|r| REVIEWERS.contains(r));
    let oversees = user.roles.iter().any(|r| OVERSEERS.contains(r));
    html! {
        <section class="card wide" data-testid="quality">
            <h2>{ lang.t("qa-title") }</h2>
            <p class="muted">{ lang.t("qa-explain") }</p>
            <MyReviews checklist={(*checklist).clone()} />
            if reviews {
                <SampleAndReview checklist={(*checklist).clone()} />
            }
            if oversees {
                <Figures checklist={(*checklist).clone()} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ListProps {
    checklist: Option<ChecklistView>,
}

#[function_component(MyReviews)]
fn my_reviews(p: &ListProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let me = use_context::<Session>().and_then(|s| s.user.map(|u| u.id));
    let rows = use_state(|| None::<Result<Vec<ReviewView>, String>>);
    let reload = use_state(|| 0_u32);
    {
        let rows = rows.clone();
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let q = match me {
                    Some(id) => format!("{}&staff_id={id}", period_query(90)),
                    None => period_query(90),
                };
                rows.set(Some(quality::reviews(&q).await.map_err(|e| e.message())));
            });
        });
    }
    let done = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };
    html! {
        <div data-testid="my-reviews">
            <h3>{ lang.t("qa-my-reviews") }</h3>
            { match &*rows {
                None => html! { <p class="loading">{ lang.t("loading") }</p> },
                Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
                Some(Ok(list)) if list.is_empty() => html! { <p class="muted" data-testid="my-reviews-empty">{ lang.t("qa-no-reviews") }</p> },
                Some(Ok(list)) => html! {
                    <ul class="plain">
                        { for list.iter().map(|r| html! {
                            <li key={r.id.to_string()}>
                                <ReviewCard review={r.clone()} checklist={p.checklist.clone()} on_change={done.clone()} />
                            </li>
                        }) }
                    </ul>
                },
            } }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    review: ReviewView,
    checklist: Option<ChecklistView>,
    on_change: Callback<()>,
}

/// One review as the reviewed person sees it, with the response form while there is none.
#[function_component(ReviewCard)]
fn review_card(p: &CardProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let text = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let r = &p.review;
    let missed: Vec<String> = r
        .marks
        .iter()
        .filter(|m| m.mark == ItemMarkValue::NotMet)
        .map(|m| label(lang, &p.checklist, &m.item))
        .collect();
    let onsubmit = {
        let (text, errors, toast, on_change, id) = (
            text.clone(),
            errors.clone(),
            toast.clone(),
            p.on_change.clone(),
            r.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (body, errors, toast, on_change) = (
                (*text).clone(),
                errors.clone(),
                toast.clone(),
                on_change.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match quality::respond(id, body.trim()).await {
                    Ok(_) => {
                        toast.emit((Tone::Ok, lang.t("qa-response-saved")));
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
    html! {
        <div class="panel" data-testid="review-card">
            <p>
                <strong data-testid="review-score">{ format!("{} %", r.score) }</strong>{ " · " }
                { datetime(r.submitted_at) }{ " · " }{ lang.t1("qa-reviewed-by", "name", &r.reviewer_name) }
            </p>
            if !missed.is_empty() {
                <p data-testid="review-missed">{ lang.t("qa-missed") }{ " " }{ missed.join("、") }</p>
            }
            if !r.comment.is_empty() { <p>{ &r.comment }</p> }
            if let Some(resp) = &r.response {
                <p class="notice" data-testid="review-response-text">{ lang.t("qa-my-response") }{ " " }{ resp.clone() }</p>
            } else {
                <form class="action" data-testid="review-response-form" {onsubmit}>
                    <label for={format!("resp-{}", r.id)}>{ lang.t("qa-respond") }</label>
                    <input id={format!("resp-{}", r.id)} data-testid="review-response" value={(*text).clone()} oninput={typed(&text)} required=true />
                    { field_error(&errors, "text") }
                    <button type="submit" data-testid="review-response-submit">{ lang.t("qa-send-response") }</button>
                </form>
            }
        </div>
    }
}

#[function_component(SampleAndReview)]
fn sample_and_review(p: &ListProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let today = Utc::now()
        .with_timezone(&crate::format::company_tz())
        .date_naive();
    let week = today.iso_week();
    let seed = use_state(|| format!("{}-W{:02}", week.year(), week.week()));
    let per_person = use_state(|| "3".to_owned());
    let groups = use_state(|| None::<Vec<SampleGroup>>);
    let open = use_state(|| None::<ContactView>);
    let draw = {
        let (seed, per_person, groups, toast) = (
            seed.clone(),
            per_person.clone(),
            groups.clone(),
            toast.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = SampleRequest {
                from: today - Duration::days(6),
                to: today,
                per_person: per_person.parse().unwrap_or(3),
                seed: (*seed).clone(),
            };
            let (groups, toast) = (groups.clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match quality::sample(&body).await {
                    Ok(g) => groups.set(Some(g)),
                    Err(e) => toast.emit((Tone::Bad, e.message())),
                }
            });
        })
    };
    let reviewed = {
        let (groups, open) = (groups.clone(), open.clone());
        Callback::from(move |id: Uuid| {
            if let Some(g) = &*groups {
                let g: Vec<SampleGroup> = g
                    .iter()
                    .cloned()
                    .map(|mut s| {
                        s.contacts.retain(|c| c.id != id);
                        s
                    })
                    .collect();
                groups.set(Some(g));
            }
            open.set(None);
        })
    };
    html! {
        <div data-testid="qa-sample">
            <h3>{ lang.t("qa-sample") }</h3>
            <form class="filters" onsubmit={draw}>
                <label>{ lang.t("qa-seed") }
                    <input data-testid="qa-seed" value={(*seed).clone()} oninput={typed(&seed)} />
                </label>
                <label>{ lang.t("qa-per-person") }
                    <input type="number" min="1" max="50" data-testid="qa-per-person" value={(*per_person).clone()} oninput={typed(&per_person)} />
                </label>
                <button type="submit" data-testid="qa-draw">{ lang.t("qa-draw") }</button>
            </form>
            if let Some(g) = &*groups {
                if g.iter().all(|s| s.contacts.is_empty()) {
                    <p class="muted" data-testid="qa-sample-empty">{ lang.t("qa-sample-empty") }</p>
                }
                { for g.iter().filter(|s| !s.contacts.is_empty()).map(|s| html! {
                    <div key={s.staff_id.to_string()} data-testid="qa-sample-group">
                        <h4>{ &s.staff_name }</h4>
                        <table class="queue">
                            <tbody>
                            { for s.contacts.iter().map(|c| {
                                let pick = { let open = open.clone(); let c = c.clone(); Callback::from(move |_| open.set(Some(c.clone()))) };
                                html! {
                                    <tr key={c.id.to_string()} data-testid="qa-sample-contact">
                                        <td>{ datetime(c.started_at) }</td>
                                        <td>{ channel_text(lang, c.channel) }</td>
                                        <td>{ &c.summary }</td>
                                        <td><button type="button" class="secondary" data-testid="qa-review-open" onclick={pick}>{ lang.t("qa-review") }</button></td>
                                    </tr>
                                }
                            }) }
                            </tbody>
                        </table>
                    </div>
                }) }
            }
            if let (Some(c), Some(list)) = (&*open, &p.checklist) {
                <ReviewForm key={c.id.to_string()} contact={c.clone()} checklist={list.clone()} on_done={reviewed} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    contact: ContactView,
    checklist: ChecklistView,
    on_done: Callback<Uuid>,
}

/// The review form: the contact's transcript beside the checklist.
#[function_component(ReviewForm)]
fn review_form(p: &FormProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let toast = use_toast();
    let phone = p.contact.channel == ContactChannel::Phone;
    let marks = use_state(|| {
        p.checklist
            .items
            .iter()
            .map(|i| {
                let suggested = p.contact.suggestions.iter().find(|s| s.item == i.key);
                let m = if i.phone_only && !phone {
                    ItemMarkValue::NotApplicable
                } else if let Some(s) = suggested {
                    s.mark
                } else {
                    ItemMarkValue::Met
                };
                (i.key.clone(), m)
            })
            .collect::<HashMap<String, ItemMarkValue>>()
    });
    let comment = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let onsubmit = {
        let (marks, comment, errors, toast, on_done) = (
            marks.clone(),
            comment.clone(),
            errors.clone(),
            toast.clone(),
            p.on_done.clone(),
        );
        let order: Vec<String> = p.checklist.items.iter().map(|i| i.key.clone()).collect();
        let id = p.contact.id;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = CreateReviewRequest {
                contact_id: id,
                marks: order
                    .iter()
                    .map(|k| ItemMarkView {
                        item: k.clone(),
                        mark: marks.get(k).copied().unwrap_or(ItemMarkValue::Met),
                        comment: String::new(),
                    })
                    .collect(),
                comment: comment.trim().to_owned(),
            };
            let (errors, toast, on_done) = (errors.clone(), toast.clone(), on_done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match quality::review(&body).await {
                    Ok(r) => {
                        toast.emit((
                            Tone::Ok,
                            lang.t1("qa-review-saved", "score", &r.score.to_string()),
                        ));
                        on_done.emit(id);
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
    let c = &p.contact;
    html! {
        <form class="panel review-form" data-testid="qa-review-form" {onsubmit}>
            <h4>{ lang.t1("qa-review-of", "name", &c.staff_name) }</h4>
            <div class="split">
                <div data-testid="qa-transcript">
                    <p class="muted">{ format!("{} · {}", channel_text(lang, c.channel), datetime(c.started_at)) }</p>
                    <p><strong>{ &c.summary }</strong></p>
                    <pre class="transcript">{ c.transcript.clone().unwrap_or_default() }</pre>
                    if let Some(f) = &c.feedback { <p>{ lang.t("qa-feedback") }{ " " }{ f.clone() }</p> }
                </div>
                <fieldset data-testid="qa-checklist">
                    <legend>{ lang.t1("qa-checklist", "version", &p.checklist.version.to_string()) }</legend>
                    { for p.checklist.items.iter().map(|i| {
                        let key = i.key.clone();
                        let current = marks.get(&key).copied().unwrap_or(ItemMarkValue::Met);
                        let text = if lang.code() == "zh" { i.label_zh.clone() } else { i.label_en.clone() };
                        let hint = p.contact.suggestions.iter().find(|s| s.item == key).map(|s| match &s.evidence {
                            Some(e) => lang.t1("qa-suggested-found", "phrase", e),
                            None => lang.t("qa-suggested-missing"),
                        });
                        html! {
                            <div class="mark-row" data-testid={format!("qa-item-{key}")}>
                                <span>{ text }
                                    if let Some(h) = hint { <small class="muted" data-testid={format!("qa-hint-{key}")}>{ " · " }{ h }</small> }
                                </span>
                                { for [(ItemMarkValue::Met, "qa-met"), (ItemMarkValue::NotMet, "qa-not-met"), (ItemMarkValue::NotApplicable, "qa-na")].into_iter().map(|(v, t)| {
                                    let set = { let marks = marks.clone(); let key = key.clone(); Callback::from(move |_| {
                                        let mut m = (*marks).clone(); m.insert(key.clone(), v); marks.set(m);
                                    }) };
                                    html! {
                                        <label class="check">
                                            <input type="radio" name={format!("mark-{key}")} checked={current == v} onchange={set} data-testid={format!("qa-{key}-{t}")} />
                                            { lang.t(t) }
                                        </label>
                                    }
                                }) }
                            </div>
                        }
                    }) }
                </fieldset>
            </div>
            { field_error(&errors, "marks") }
            <label for="qa-comment">{ lang.t("qa-comment") }</label>
            <input id="qa-comment" data-testid="qa-comment" value={(*comment).clone()} oninput={typed(&comment)} />
            <button type="submit" data-testid="qa-review-submit">{ lang.t("qa-submit-review") }</button>
        </form>
    }
}

#[function_component(Figures)]
fn figures(p: &ListProps) -> Html {
    let lang = use_context::<Session>().map(|s| s.lang).unwrap_or(Lang::Zh);
    let data = use_state(|| None::<Result<QualityFigures, String>>);
    {
        let data = data.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                data.set(Some(
                    quality::figures(&period_query(7))
                        .await
                        .map_err(|e| e.message()),
                ));
            });
        });
    }
    let body = match &*data {
        None => html! { <p class="loading">{ lang.t("loading") }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
        Some(Ok(f)) if f.people.is_empty() => {
            html! { <p class="muted">{ lang.t("qa-no-reviews") }</p> }
        }
        Some(Ok(f)) => html! {
            <>
            <h4>{ lang.t("qa-items-by-failure") }</h4>
            <div class="bars" role="img" aria-label={lang.t("qa-items-by-failure")} data-testid="qa-failure-chart">
                { for f.items_by_failure.iter().filter(|i| i.pass_rate.is_some()).map(|i| {
                    let fail = (1.0 - i.pass_rate.unwrap_or(1.0)) * 100.0;
                    html! {
                        <div class="bar-row" data-testid="qa-failure-bar">
                            <span class="bar-label">{ label(lang, &p.checklist, &i.item) }</span>
                            <span class="bar" style={format!("width: {:.0}%", fail.max(1.0))}></span>
                            <span class="bar-value">{ format!("{fail:.0} % ({}/{})", i.not_met, i.met + i.not_met) }</span>
                        </div>
                    }
                }) }
            </div>
            <table class="queue" data-testid="qa-people">
                <thead><tr>
                    <th>{ lang.t("qa-person") }</th>
                    <th class="num">{ lang.t("qa-reviews") }</th>
                    <th class="num">{ lang.t("qa-average") }</th>
                    <th class="num">{ lang.t("qa-previous") }</th>
                </tr></thead>
                <tbody>
                { for f.people.iter().map(|x| html! {
                    <tr key={x.staff_id.to_string()}>
                        <td>{ &x.staff_name }</td>
                        <td class="num">{ x.reviews }</td>
                        <td class="num">{ x.average_score.map(|s| format!("{s:.1}")).unwrap_or_default() }</td>
                        <td class="num">{ x.previous_average_score.map(|s| format!("{s:.1}")).unwrap_or_else(|| "—".into()) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            </>
        },
    };
    html! {
        <div data-testid="qa-figures">
            <h3>{ lang.t("qa-figures") }</h3>
            { body }
        </div>
    }
}
