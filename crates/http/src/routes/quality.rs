//! Service quality (R-QA-1..3): contacts, the service checklist, reviews with the reviewed
//! person's response, the weekly sample, and the pass rates per person and per item.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, ValidJson};
use crate::state::AppState;
use crate::support::{actor, csv_response, RequestMeta};
use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use ecops_api_types::{
    ChecklistItemView, ChecklistView, ContactChannel, ContactDirection, ContactView,
    CreateContactRequest, CreateReviewRequest, ItemFigures, ItemMarkValue, ItemMarkView,
    PersonQualityFigures, Problem, QualityFigures, QualityFiguresQuery, QualityQuery,
    ReviewResponseRequest, ReviewView, SampleGroup, SampleRequest, SetChecklistRequest,
};
use ecops_app::quality::{self, ContactInput};
use ecops_domain::quality::{Channel, ChecklistItem, ItemMark, Mark, Tally};
use ecops_persistence::repo::quality::{Contact, Review};
use ecops_persistence::repo::users;
use ecops_persistence::AnyConnection;
use std::collections::HashMap;
use uuid::Uuid;

fn channel_in(c: ContactChannel) -> Channel {
    match c {
        ContactChannel::OnlineChat => Channel::OnlineChat,
        ContactChannel::Phone => Channel::Phone,
        ContactChannel::PlatformMessenger => Channel::PlatformMessenger,
    }
}

fn channel_out(s: &str) -> ApiResult<ContactChannel> {
    Ok(
        match Channel::parse(s)
            .ok_or_else(|| ApiError::internal(format!("stored channel `{s}`")))?
        {
            Channel::OnlineChat => ContactChannel::OnlineChat,
            Channel::Phone => ContactChannel::Phone,
            Channel::PlatformMessenger => ContactChannel::PlatformMessenger,
        },
    )
}

fn mark_in(m: ItemMarkValue) -> Mark {
    match m {
        ItemMarkValue::Met => Mark::Met,
        ItemMarkValue::NotMet => Mark::NotMet,
        ItemMarkValue::NotApplicable => Mark::NotApplicable,
    }
}

fn mark_out(m: Mark) -> ItemMarkValue {
    match m {
        Mark::Met => ItemMarkValue::Met,
        Mark::NotMet => ItemMarkValue::NotMet,
        Mark::NotApplicable => ItemMarkValue::NotApplicable,
    }
}

fn names(conn: &mut AnyConnection, ids: Vec<Uuid>) -> ApiResult<HashMap<Uuid, String>> {
    Ok(users::display_names(conn, &ids)?)
}

fn contact_views(conn: &mut AnyConnection, cs: Vec<Contact>) -> ApiResult<Vec<ContactView>> {
    let people = names(conn, cs.iter().map(|c| c.staff_id).collect())?;
    let ids: Vec<Uuid> = cs.iter().map(|c| c.id).collect();
    let reviews = ecops_persistence::repo::quality::reviews_of(conn, &ids)?;
    let with_text = cs.iter().any(|c| c.transcript.is_some());
    let lists = if with_text {
        ecops_app::phrases::precheck_phrases(conn)?
    } else {
        ecops_domain::quality::PrecheckPhrases::built_in()
    };
    let library = if with_text {
        ecops_persistence::repo::phrases::approved_texts(conn, &["greeting", "closing"])?
    } else {
        Vec::new()
    };
    // For a missing opening or closing: an approved phrase in the transcript's language.
    let suggest = |item: &str, transcript: &str| {
        let situation = match item {
            "opening_greeting" => "greeting",
            "closing_phrase" => "closing",
            _ => return None,
        };
        let language = if transcript
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        {
            "zh"
        } else {
            "en"
        };
        library
            .iter()
            .find(|(s, l, _)| s == situation && l == language)
            .map(|(_, _, t)| t.clone())
    };
    cs.into_iter()
        .map(|c| {
            Ok(ContactView {
                staff_name: people.get(&c.staff_id).cloned().unwrap_or_default(),
                review_id: reviews.get(&c.id).copied(),
                suggestions: c
                    .transcript
                    .as_deref()
                    .map(|t| {
                        ecops_domain::quality::precheck(t, &lists)
                            .into_iter()
                            .map(|s| ecops_api_types::MarkSuggestion {
                                suggested_phrase: (s.mark == ecops_domain::quality::Mark::NotMet)
                                    .then(|| suggest(&s.item, t))
                                    .flatten(),
                                item: s.item,
                                mark: mark_out(s.mark),
                                evidence: s.evidence,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                id: c.id,
                staff_id: c.staff_id,
                order_id: c.order_id,
                customer_id: c.customer_id,
                channel: channel_out(&c.channel)?,
                direction: if c.direction == "inbound" {
                    ContactDirection::Inbound
                } else {
                    ContactDirection::Outbound
                },
                started_at: c.started_at,
                ended_at: c.ended_at,
                summary: c.summary,
                transcript: c.transcript,
                outcome: c.outcome,
                feedback: c.feedback,
                recorded_by: c.recorded_by,
                recorded_at: c.recorded_at,
            })
        })
        .collect()
}

fn review_views(conn: &mut AnyConnection, rs: Vec<Review>) -> ApiResult<Vec<ReviewView>> {
    let people = names(
        conn,
        rs.iter()
            .flat_map(|r| [r.staff_id, r.reviewer_id])
            .collect(),
    )?;
    Ok(rs
        .into_iter()
        .map(|r| ReviewView {
            staff_name: people.get(&r.staff_id).cloned().unwrap_or_default(),
            reviewer_name: people.get(&r.reviewer_id).cloned().unwrap_or_default(),
            id: r.id,
            contact_id: r.contact_id,
            staff_id: r.staff_id,
            reviewer_id: r.reviewer_id,
            checklist_version: r.checklist_version,
            marks: r
                .marks
                .into_iter()
                .map(|m| ItemMarkView {
                    item: m.item,
                    mark: mark_out(m.mark),
                    comment: m.comment,
                })
                .collect(),
            score: r.score,
            comment: r.comment,
            submitted_at: r.submitted_at,
            response: r.response,
            responded_at: r.responded_at,
        })
        .collect())
}

/// A period of company days, `to` included, as instants; default: the last seven days.
fn period(
    state: &AppState,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<(NaiveDate, NaiveDate, DateTime<Utc>, DateTime<Utc>)> {
    let tz = state.config.orders.timezone;
    let today = state.clock.now().with_timezone(&tz).date_naive();
    let plausible = |d: NaiveDate| (2000..=2100).contains(&chrono::Datelike::year(&d));
    for (field, d) in [("from", from), ("to", to)] {
        if d.is_some_and(|d| !plausible(d)) {
            return Err(ApiError::bad_field(
                "invalid_query",
                field,
                "must be a day between 2000 and 2100",
            ));
        }
    }
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - Duration::days(6));
    if to < from || (to - from).num_days() > 366 {
        return Err(ApiError::bad_field(
            "invalid_query",
            "to",
            "must be on or after `from`, at most 366 days later",
        ));
    }
    let start = ecops_app::attendance_month::day_start(tz, from);
    let end = ecops_app::attendance_month::day_start(tz, to.succ_opt().unwrap_or(to));
    Ok((from, to, start, end))
}

/// Records a contact with a customer (R-QA-1): channel, direction, start and end, a summary or
/// the transcript, the outcome and the customer's feedback. Contacts are never edited.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    request_body = CreateContactRequest,
    responses(
        (status = 201, description = "Recorded", body = ContactView),
        (status = 403, description = "Not customer service", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An end before the start, someone else's contact, an unknown order or customer", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/contacts")]
pub async fn create_contact(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateContactRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("orders:write")?;
            let a = actor(&who, &meta);
            let c = quality::record_contact(
                conn,
                &a,
                ContactInput {
                    staff_id: b.staff_id,
                    order_id: b.order_id,
                    customer_id: b.customer_id,
                    channel: channel_in(b.channel),
                    inbound: b.direction == ContactDirection::Inbound,
                    started_at: b.started_at,
                    ended_at: b.ended_at,
                    summary: b.summary,
                    transcript: b.transcript,
                    outcome: b.outcome,
                    feedback: b.feedback,
                },
                now,
            )?;
            Ok(contact_views(conn, vec![c])?.remove(0))
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/contacts/{}", v.id)))
        .json(v))
}

/// Contacts of a period (default: the last 7 days): the caller's own, or, for supervisors,
/// inspectors and managers, everyone's or one person's.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    params(QualityQuery),
    responses((status = 200, description = "The contacts, oldest first (at most 1,000)", body = Vec<ContactView>))
)]
#[get("/contacts")]
pub async fn list_contacts(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    query: Query<QualityQuery>,
) -> ApiResult<web::Json<Vec<ContactView>>> {
    let q = query.into_inner();
    let (_, _, from, to) = period(&state, q.from, q.to)?;
    let items = state
        .run_as(who, move |conn, who| {
            who.require_scope("orders:read")?;
            let a = actor(&who, &meta);
            let cs = quality::contacts(conn, &a, q.staff_id, from, to)?;
            contact_views(conn, cs)
        })
        .await?;
    Ok(web::Json(items))
}

/// One contact, for its person and the overseers.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The contact", body = ContactView),
        (status = 404, description = "No such contact, or not the caller's to read", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/contacts/{id}")]
pub async fn get_contact(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ContactView>> {
    let id = id.into_inner();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("orders:read")?;
            let a = actor(&who, &meta);
            let c = quality::contact(conn, &a, id)?;
            Ok(contact_views(conn, vec![c])?.remove(0))
        })
        .await?;
    Ok(web::Json(v))
}

fn checklist_view(version: i64, items: Vec<ChecklistItem>) -> ChecklistView {
    ChecklistView {
        version,
        items: items
            .into_iter()
            .map(|i| ChecklistItemView {
                key: i.key,
                label_zh: i.label_zh,
                label_en: i.label_en,
                phone_only: i.phone_only,
            })
            .collect(),
    }
}

/// The service checklist in force (the rule books' list until a version is written).
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    responses((status = 200, description = "The checklist", body = ChecklistView))
)]
#[get("/qa/checklist")]
pub async fn get_checklist(
    state: web::Data<AppState>,
    who: Caller,
) -> ApiResult<web::Json<ChecklistView>> {
    let (version, items) = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            Ok(quality::checklist(conn)?)
        })
        .await?;
    Ok(web::Json(checklist_view(version, items)))
}

/// A new version of the checklist (the supervisor or the department manager); reviews keep the
/// version they were made with.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    request_body = SetChecklistRequest,
    responses(
        (status = 200, description = "The new version", body = ChecklistView),
        (status = 422, description = "No item, a key used twice", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/qa/checklist")]
pub async fn set_checklist(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<SetChecklistRequest>,
) -> ApiResult<web::Json<ChecklistView>> {
    let items: Vec<ChecklistItem> = body
        .into_inner()
        .items
        .into_iter()
        .map(|i| ChecklistItem {
            key: i.key,
            label_zh: i.label_zh,
            label_en: i.label_en,
            phone_only: i.phone_only,
        })
        .collect();
    let now = state.clock.now();
    let (version, items) = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let v = quality::set_checklist(conn, &a, items.clone(), now)?;
            Ok((v, items))
        })
        .await?;
    Ok(web::Json(checklist_view(version, items)))
}

/// Reviews a contact against the checklist in force: every item met, not met or not applicable,
/// with comments; the score is the share of applicable items met. Nobody reviews their own
/// contact; a contact is reviewed once; a submitted review is never changed.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    request_body = CreateReviewRequest,
    responses(
        (status = 201, description = "Submitted", body = ReviewView),
        (status = 403, description = "Not a supervisor or inspector, or one's own contact", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The contact has been reviewed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown contact, marks that do not fit the checklist", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/qa/reviews")]
pub async fn create_review(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<CreateReviewRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let marks = b
                .marks
                .into_iter()
                .map(|m| ItemMark {
                    item: m.item,
                    mark: mark_in(m.mark),
                    comment: m.comment,
                })
                .collect();
            let r = quality::review(conn, &a, b.contact_id, marks, b.comment, now)?;
            Ok(review_views(conn, vec![r])?.remove(0))
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/qa/reviews/{}", v.id)))
        .json(v))
}

/// Reviews of a period (default: the last 7 days): the caller's own as the reviewed person, or,
/// for overseers, everyone's or one person's.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    params(QualityQuery),
    responses((status = 200, description = "The reviews, newest first", body = Vec<ReviewView>),
        (status = 403, description = "Another person's reviews, not an overseer", body = Problem, content_type = "application/problem+json"))
)]
#[get("/qa/reviews")]
pub async fn list_reviews(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    query: Query<QualityQuery>,
) -> ApiResult<web::Json<Vec<ReviewView>>> {
    let q = query.into_inner();
    let (_, _, from, to) = period(&state, q.from, q.to)?;
    let items = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let a = actor(&who, &meta);
            let rs = quality::reviews(conn, &a, q.staff_id, from, to)?;
            review_views(conn, rs)
        })
        .await?;
    Ok(web::Json(items))
}

/// One review, for the reviewed person, the reviewer and the overseers.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The review", body = ReviewView),
        (status = 404, description = "No such review, or not the caller's to read", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/qa/reviews/{id}")]
pub async fn get_review(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ReviewView>> {
    let id = id.into_inner();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let a = actor(&who, &meta);
            let r = quality::get_review(conn, &a, id)?;
            Ok(review_views(conn, vec![r])?.remove(0))
        })
        .await?;
    Ok(web::Json(v))
}

/// The reviewed person's response to a review, once.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReviewResponseRequest,
    responses(
        (status = 200, description = "The review with the response", body = ReviewView),
        (status = 403, description = "Not the reviewed person", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such review, or not the caller's to read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Responded already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty response", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/qa/reviews/{id}/response")]
pub async fn respond_to_review(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ReviewResponseRequest>,
) -> ApiResult<web::Json<ReviewView>> {
    let id = id.into_inner();
    let text = body.into_inner().text;
    let now = state.clock.now();
    let v = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:write")?;
            let a = actor(&who, &meta);
            let r = quality::respond(conn, &a, id, text.trim(), now)?;
            Ok(review_views(conn, vec![r])?.remove(0))
        })
        .await?;
    Ok(web::Json(v))
}

/// A sample to review: for each person with contacts in the period, `per_person` of those not
/// yet reviewed, chosen by the seed (the same seed gives the same sample).
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    request_body = SampleRequest,
    responses(
        (status = 200, description = "The sample, per person", body = Vec<SampleGroup>),
        (status = 403, description = "Not a supervisor or inspector", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/qa/samples")]
pub async fn sample_contacts(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    body: ValidJson<SampleRequest>,
) -> ApiResult<web::Json<Vec<SampleGroup>>> {
    let b = body.into_inner();
    let (_, _, from, to) = period(&state, Some(b.from), Some(b.to))?;
    let groups = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let a = actor(&who, &meta);
            let s = quality::sample(conn, &a, from, to, b.per_person as usize, &b.seed)?;
            let people = names(conn, s.keys().copied().collect())?;
            s.into_iter()
                .map(|(staff_id, cs)| {
                    Ok(SampleGroup {
                        staff_name: people.get(&staff_id).cloned().unwrap_or_default(),
                        staff_id,
                        contacts: contact_views(conn, cs)?,
                    })
                })
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(web::Json(groups))
}

fn item_figures(item: String, t: Tally) -> ItemFigures {
    ItemFigures {
        item,
        met: t.met,
        not_met: t.not_met,
        not_applicable: t.not_applicable,
        pass_rate: t.pass_rate(),
    }
}

/// R-QA-3: per person the review count, average score (and the previous period's) and the pass
/// rate per item; the department's items ranked by failure rate. JSON, or CSV (one row per
/// person and item) with `format=csv`.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = [])),
    params(QualityFiguresQuery),
    responses(
        (status = 200, description = "The figures", content((QualityFigures = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not a supervisor, inspector or manager", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/qa/figures")]
pub async fn quality_figures(
    state: web::Data<AppState>,
    meta: RequestMeta,
    who: Caller,
    query: Query<QualityFiguresQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::bad_field(
                "invalid_query",
                "format",
                "is json or csv",
            ))
        }
    };
    let (from_day, to_day, from, to) = period(&state, q.from, q.to)?;
    let figures = state
        .run_as(who, move |conn, who| {
            who.require_scope("reports:read")?;
            let a = actor(&who, &meta);
            let f = quality::figures(conn, &a, from, to)?;
            let people = names(conn, f.people.iter().map(|p| p.staff_id).collect())?;
            Ok(QualityFigures {
                from: from_day,
                to: to_day,
                people: f
                    .people
                    .into_iter()
                    .map(|p| PersonQualityFigures {
                        staff_name: people.get(&p.staff_id).cloned().unwrap_or_default(),
                        staff_id: p.staff_id,
                        reviews: p.reviews,
                        average_score: p.average_score,
                        previous_average_score: p.previous_average_score,
                        items: p
                            .items
                            .into_iter()
                            .map(|(k, t)| item_figures(k, t))
                            .collect(),
                    })
                    .collect(),
                items_by_failure: f
                    .items
                    .into_iter()
                    .map(|(k, t)| item_figures(k, t))
                    .collect(),
            })
        })
        .await?;
    if !csv {
        return Ok(HttpResponse::Ok().json(figures));
    }
    let rate = |r: Option<f64>| r.map(|v| format!("{:.1}", v * 100.0)).unwrap_or_default();
    let mut rows = vec![[
        "person",
        "reviews",
        "average score",
        "previous average",
        "item",
        "met",
        "not met",
        "not applicable",
        "pass rate %",
    ]
    .map(str::to_owned)
    .to_vec()];
    for p in &figures.people {
        for i in &p.items {
            rows.push(vec![
                p.staff_name.clone(),
                p.reviews.to_string(),
                p.average_score
                    .map(|s| format!("{s:.1}"))
                    .unwrap_or_default(),
                p.previous_average_score
                    .map(|s| format!("{s:.1}"))
                    .unwrap_or_default(),
                i.item.clone(),
                i.met.to_string(),
                i.not_met.to_string(),
                i.not_applicable.to_string(),
                rate(i.pass_rate),
            ]);
        }
    }
    csv_response(
        &format!("service-quality-{}-{}", figures.from, figures.to),
        rows,
        true,
    )
}
