//! R-QA-1..3: contacts, reviews against the service checklist, the sample, the pass rates.

use chrono::{Duration, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, ClockExt, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

struct People {
    cs: (uuid::Uuid, String),
    cs2: (uuid::Uuid, String),
    supervisor: (uuid::Uuid, String),
    inspector: (uuid::Uuid, String),
}

async fn people(app: &TestApp) -> People {
    let op = PermissionLevel::Operator;
    People {
        cs: app
            .user_token("cs.wang", &[JobRole::CustomerService], op)
            .await,
        cs2: app
            .user_token("cs.li", &[JobRole::CustomerService], op)
            .await,
        supervisor: app
            .user_token(
                "cs.boss",
                &[JobRole::CsSupervisor, JobRole::CustomerService],
                op,
            )
            .await,
        inspector: app.user_token("qa.zhao", &[JobRole::QaInspector], op).await,
    }
}

async fn contact(app: &TestApp, token: &str, channel: &str, minutes_ago: i64) -> String {
    let start = app.clock.now_utc() - Duration::minutes(minutes_ago);
    let r = app
        .post(
            "/api/v1/contacts",
            Some(token),
            &json!({"channel": channel, "direction": "inbound", "started_at": start,
                    "ended_at": start + Duration::minutes(3),
                    "summary": "客户询问发货时间", "outcome": "answered",
                    "transcript": "您好，这里是客服小王，请问有什么可以帮您？……请问还有什么需要帮助的吗？",
                    "feedback": "满意"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_str().unwrap_or_default().to_owned()
}

/// Marks for every item of the default checklist: the listed keys not met, phone items not
/// applicable on chats.
fn marks(phone: bool, not_met: &[&str]) -> Value {
    let items = [
        ("opening_greeting", false),
        ("polite_forms", false),
        ("closing_phrase", false),
        ("reminded_of_notes", false),
        ("problem_handled", false),
        ("order_verified", false),
        ("feedback_recorded", false),
        ("asked_anything_else", false),
        ("staff_number_stated", true),
        ("no_interrupting", true),
        ("no_off_point_answers", true),
        ("tone", true),
        ("not_hanging_up_first", true),
    ];
    Value::Array(
        items
            .iter()
            .map(|(k, phone_only)| {
                let mark = if *phone_only && !phone {
                    "not_applicable"
                } else if not_met.contains(k) {
                    "not_met"
                } else {
                    "met"
                };
                json!({"item": k, "mark": mark, "comment": ""})
            })
            .collect(),
    )
}

async fn review(app: &TestApp, token: &str, contact: &str, phone: bool, not_met: &[&str]) -> Value {
    let r = app
        .post(
            "/api/v1/qa/reviews",
            Some(token),
            &json!({"contact_id": contact, "marks": marks(phone, not_met), "comment": "整体不错"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body
}

async fn r_qa_2_a_review_is_immutable_never_of_ones_own_contact_and_the_person_responds(
    app: TestApp,
) {
    let p = people(&app).await;
    let own = contact(&app, &p.supervisor.1, "phone", 30).await;
    let theirs = contact(&app, &p.cs.1, "phone", 20).await;
    // Nobody reviews their own contact.
    app.post(
        "/api/v1/qa/reviews",
        Some(&p.supervisor.1),
        &json!({"contact_id": own, "marks": marks(true, &[])}),
    )
    .await
    .assert_problem(403, "own_contact");
    // Customer service does not review at all.
    app.post(
        "/api/v1/qa/reviews",
        Some(&p.cs2.1),
        &json!({"contact_id": theirs, "marks": marks(true, &[])}),
    )
    .await
    .assert_problem(403, "missing_role");
    // Bad input: an unknown contact, marks that do not fit the checklist.
    let r = app
        .post(
            "/api/v1/qa/reviews",
            Some(&p.inspector.1),
            &json!({"contact_id": uuid::Uuid::now_v7(), "marks": marks(true, &[])}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), ["contact_id"]);
    let chat = contact(&app, &p.cs.1, "online_chat", 10).await;
    let r = app
        .post(
            "/api/v1/qa/reviews",
            Some(&p.inspector.1),
            &json!({"contact_id": chat, "marks": marks(true, &[])}),
        )
        .await;
    r.assert_problem(422, "invalid_marks");
    assert!(r.error_fields().iter().all(|f| f.starts_with("marks[")));

    let done = review(
        &app,
        &p.inspector.1,
        &theirs,
        true,
        &["tone", "closing_phrase"],
    )
    .await;
    assert_eq!(done["score"], 85, "11 of 13 items met");
    let id = done["id"].as_str().unwrap_or_default().to_owned();
    // A contact is reviewed once; a review has no way to change.
    app.post(
        "/api/v1/qa/reviews",
        Some(&p.supervisor.1),
        &json!({"contact_id": theirs, "marks": marks(true, &[])}),
    )
    .await
    .assert_problem(409, "already_reviewed");
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let r = app
            .send(
                app.request(
                    method,
                    &format!("/api/v1/qa/reviews/{id}"),
                    Some(&p.inspector.1),
                )
                .json(&json!({"score": 100})),
            )
            .await;
        r.assert_problem(405, "method_not_allowed");
    }
    // The reviewed person sees it and responds, once; nobody else responds.
    let mine = app.get("/api/v1/qa/reviews", &p.cs.1).await;
    assert_eq!(mine.body.as_array().map(Vec::len), Some(1), "{}", mine.text);
    assert_eq!(mine.body[0]["reviewer_name"], "qa.zhao");
    assert_eq!(
        app.get("/api/v1/qa/reviews", &p.cs2.1).await.body,
        json!([])
    );
    app.get(&format!("/api/v1/qa/reviews/{id}"), &p.cs2.1)
        .await
        .assert_problem(404, "not_found");
    app.post(
        &format!("/api/v1/qa/reviews/{id}/response"),
        Some(&p.inspector.1),
        &json!({"text": "..."}),
    )
    .await
    .assert_problem(403, "not_reviewed_person");
    let r = app
        .post(
            &format!("/api/v1/qa/reviews/{id}/response"),
            Some(&p.cs.1),
            &json!({"text": "客户当时情绪激动，我会注意语气"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["response"], "客户当时情绪激动，我会注意语气");
    assert_eq!(r.body["score"], 85, "the review itself is unchanged");
    app.post(
        &format!("/api/v1/qa/reviews/{id}/response"),
        Some(&p.cs.1),
        &json!({"text": "again"}),
    )
    .await
    .assert_problem(409, "already_responded");
}
dual!(r_qa_2_a_review_is_immutable_never_of_ones_own_contact_and_the_person_responds);

async fn r_qa_2_the_sample_is_reproducible_and_skips_reviewed_contacts(app: TestApp) {
    let p = people(&app).await;
    let mut wang = Vec::new();
    for i in 0..8 {
        wang.push(contact(&app, &p.cs.1, "online_chat", 600 - i * 10).await);
    }
    for i in 0..3 {
        contact(&app, &p.cs2.1, "phone", 500 - i * 10).await;
    }
    // The company's day (periods are company days), not the UTC one.
    let today = app
        .clock
        .now_utc()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let ask = |seed: &str| {
        json!({"from": today - Duration::days(1), "to": today + Duration::days(1),
               "per_person": 3, "seed": seed})
    };
    let first = app
        .post(
            "/api/v1/qa/samples",
            Some(&p.supervisor.1),
            &ask("2026-W48"),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let again = app
        .post("/api/v1/qa/samples", Some(&p.inspector.1), &ask("2026-W48"))
        .await;
    assert_eq!(first.body, again.body, "the same seed, the same sample");
    let group = |v: &Value, name: &str| -> Vec<String> {
        v.as_array()
            .and_then(|a| a.iter().find(|g| g["staff_name"] == name))
            .and_then(|g| g["contacts"].as_array())
            .map(|cs| {
                cs.iter()
                    .filter_map(|c| c["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let picked = group(&first.body, "cs.wang");
    assert_eq!(picked.len(), 3);
    assert_eq!(
        group(&first.body, "cs.li").len(),
        3,
        "all three of a person with three"
    );
    // A reviewed contact leaves the sample; the rest of the draw stays in order.
    review(&app, &p.inspector.1, &picked[0], false, &[]).await;
    let after = app
        .post(
            "/api/v1/qa/samples",
            Some(&p.supervisor.1),
            &ask("2026-W48"),
        )
        .await;
    let now_picked = group(&after.body, "cs.wang");
    assert!(!now_picked.contains(&picked[0]));
    assert_eq!(now_picked[..2], picked[1..]);
    // Customer service does not draw samples.
    app.post("/api/v1/qa/samples", Some(&p.cs.1), &ask("x"))
        .await
        .assert_problem(403, "missing_role");
}
dual!(r_qa_2_the_sample_is_reproducible_and_skips_reviewed_contacts);

async fn r_qa_3_pass_rates_match_hand_counted_reviews(app: TestApp) {
    // Last week: one review of wang, all met on a chat.
    app.clock.set(Utc::now() - Duration::days(7));
    let p = people(&app).await;
    let old = contact(&app, &p.cs.1, "online_chat", 30).await;
    review(&app, &p.inspector.1, &old, false, &[]).await;
    app.clock.set(Utc::now());
    // This week: wang three reviews (call: tone missed; chat: closing missed; chat: all met),
    // li one call with tone and closing missed.
    let c1 = contact(&app, &p.cs.1, "phone", 50).await;
    let c2 = contact(&app, &p.cs.1, "online_chat", 40).await;
    let c3 = contact(&app, &p.cs.1, "online_chat", 30).await;
    let c4 = contact(&app, &p.cs2.1, "phone", 20).await;
    review(&app, &p.inspector.1, &c1, true, &["tone"]).await;
    review(&app, &p.supervisor.1, &c2, false, &["closing_phrase"]).await;
    review(&app, &p.inspector.1, &c3, false, &[]).await;
    review(
        &app,
        &p.supervisor.1,
        &c4,
        true,
        &["tone", "closing_phrase"],
    )
    .await;
    // The company's day (periods are company days), not the UTC one.
    let today = app
        .clock
        .now_utc()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let path = format!(
        "/api/v1/qa/figures?from={}&to={today}",
        today - Duration::days(6)
    );
    let f = app.get(&path, &p.supervisor.1).await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.text);
    let person = |name: &str| {
        f.body["people"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["staff_name"] == name).cloned())
            .unwrap_or_default()
    };
    let item = |v: &Value, key: &str| {
        v.as_array()
            .and_then(|a| a.iter().find(|x| x["item"] == key).cloned())
            .unwrap_or_default()
    };
    let wang = person("cs.wang");
    assert_eq!(wang["reviews"], 3);
    // Scores: 12/13 = 92, 7/8 = 88, 8/8 = 100 → 93.33; last week 100.
    let avg = wang["average_score"].as_f64().unwrap_or_default();
    assert!((avg - 280.0 / 3.0).abs() < 1e-9, "{avg}");
    assert_eq!(wang["previous_average_score"], 100.0);
    let closing = item(&wang["items"], "closing_phrase");
    assert_eq!(
        (closing["met"].clone(), closing["not_met"].clone()),
        (json!(2), json!(1))
    );
    let tone = item(&wang["items"], "tone");
    assert_eq!(
        (
            tone["met"].clone(),
            tone["not_met"].clone(),
            tone["not_applicable"].clone()
        ),
        (json!(0), json!(1), json!(2))
    );
    assert_eq!(tone["pass_rate"], 0.0);
    // The department: tone 0 of 2 met (100 % failure) first, then closing 2 of 4 met.
    let ranking = f.body["items_by_failure"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(ranking[0]["item"], "tone");
    assert_eq!(ranking[1]["item"], "closing_phrase");
    assert_eq!(ranking[1]["pass_rate"], 0.5);
    // CSV: one row per person and item, a byte-order mark first.
    let csv = app
        .send(app.request(
            Method::GET,
            &format!("{path}&format=csv"),
            Some(&p.supervisor.1),
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text.starts_with('\u{feff}'));
    assert!(
        csv.text
            .contains("cs.wang,3,93.3,100.0,closing_phrase,2,1,0,66.7"),
        "{}",
        csv.text
    );
    // Customer service reads its own reviews, not the department's figures.
    app.get(&path, &p.cs.1)
        .await
        .assert_problem(403, "missing_role");
}
dual!(
    r_qa_3_pass_rates_match_hand_counted_reviews,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);

async fn r_qa_1_contacts_are_recorded_by_their_person_and_read_by_the_overseers(app: TestApp) {
    let p = people(&app).await;
    let id = contact(&app, &p.cs.1, "platform_messenger", 15).await;
    let c = app.get(&format!("/api/v1/contacts/{id}"), &p.cs.1).await;
    assert_eq!(c.body["channel"], "platform_messenger");
    assert_eq!(c.body["feedback"], "满意");
    assert_eq!(c.body["staff_name"], "cs.wang");
    app.get(&format!("/api/v1/contacts/{id}"), &p.cs2.1)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.get("/api/v1/contacts", &p.inspector.1).await.body[0]["id"],
        id.as_str()
    );
    // Only the supervisor records another person's contact; an end before the start is refused.
    let start = app.clock.now_utc() - Duration::minutes(5);
    let body = |staff: uuid::Uuid, end_offset: i64| {
        json!({"staff_id": staff, "channel": "phone", "direction": "outbound", "started_at": start,
               "ended_at": start + Duration::minutes(end_offset), "summary": "回访", "outcome": "ok"})
    };
    let r = app
        .post("/api/v1/contacts", Some(&p.cs2.1), &body(p.cs.0, 2))
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), ["staff_id"]);
    let r = app
        .post("/api/v1/contacts", Some(&p.supervisor.1), &body(p.cs.0, -2))
        .await;
    assert_eq!(r.error_fields(), ["ended_at"]);
    let r = app
        .post("/api/v1/contacts", Some(&p.supervisor.1), &body(p.cs.0, 2))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["staff_id"], json!(p.cs.0));
    // Whoever recorded a contact does not review it either.
    let recorded = r.body["id"].as_str().unwrap_or_default().to_owned();
    app.post(
        "/api/v1/qa/reviews",
        Some(&p.supervisor.1),
        &json!({"contact_id": recorded, "marks": marks(true, &[])}),
    )
    .await
    .assert_problem(403, "own_contact");
    // Contacts are never edited.
    let r = app
        .send(
            app.request(
                Method::PATCH,
                &format!("/api/v1/contacts/{id}"),
                Some(&p.cs.1),
            )
            .json(&json!({"summary": "x"})),
        )
        .await;
    r.assert_problem(405, "method_not_allowed");
    // The checklist in force is the rule books'; a new version needs distinct keys.
    let list = app.get("/api/v1/qa/checklist", &p.cs.1).await;
    assert_eq!(list.body["version"], 1);
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(13));
    let twice = json!({"items": [
        {"key": "a", "label_zh": "甲", "label_en": "A", "phone_only": false},
        {"key": "a", "label_zh": "乙", "label_en": "B", "phone_only": false}]});
    app.put("/api/v1/qa/checklist", &p.supervisor.1, &twice)
        .await
        .assert_problem(422, "validation_failed");
}
dual!(r_qa_1_contacts_are_recorded_by_their_person_and_read_by_the_overseers);

/// R-QA-1: an order's `customer_contacted` event is a contact record too, ready for review.
async fn r_qa_1_an_orders_contact_event_is_a_contact_record(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "TEA-QA", 12_800, 10).await;
    let order = app
        .order(&cast, &app.order_body("TB-QA-1", "TEA-QA", 1))
        .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.text);
    let id = order.body["id"].as_str().unwrap_or_default().to_owned();
    let r = app
        .event(
            &id,
            &cast.cs.1,
            json!({"kind": "customer_contacted", "outcome": "confirmed", "note": "电话确认收货地址"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let contacts = app.get("/api/v1/contacts", &cast.cs.1).await;
    let c = contacts
        .body
        .as_array()
        .and_then(|a| a.iter().find(|c| c["order_id"] == id.as_str()).cloned())
        .unwrap_or_default();
    assert_eq!(c["summary"], "电话确认收货地址", "{}", contacts.text);
    assert_eq!(c["staff_id"], json!(cast.cs.0));
    assert_eq!(c["customer_id"], order.body["customer_id"]);
    assert_eq!(c["channel"], "phone");
}
dual!(r_qa_1_an_orders_contact_event_is_a_contact_record);

/// The library of service phrases (话术): the supervisor proposes, the department manager
/// approves, customer service searches; the pre-check recognises an approved greeting and
/// suggests one where the opening is missing.
async fn r_qa_2_approved_service_phrases_are_searchable_and_feed_the_precheck(app: TestApp) {
    let p = people(&app).await;
    let dept = app
        .user_token("de.pt", &[JobRole::DeptManager], PermissionLevel::Operator)
        .await;
    let greeting = "茶园旗舰店欢迎您，我是当班客服";
    let propose = |token: String, body: Value| {
        let app = &app;
        async move { app.post("/api/v1/qa/phrases", Some(&token), &body).await }
    };
    // Customer service does not propose; bad bodies name their field.
    propose(
        p.cs.1.clone(),
        json!({"situation": "greeting", "language": "zh", "text": greeting}),
    )
    .await
    .assert_problem(403, "missing_role");
    let bad = propose(
        p.supervisor.1.clone(),
        json!({"situation": "greeting", "language": "zh", "text": ""}),
    )
    .await;
    assert_eq!(bad.error_fields(), ["text"], "{}", bad.text);
    let r = propose(
        p.supervisor.1.clone(),
        json!({"situation": "greeting", "language": "zh", "text": greeting,
               "note": "the shop's own greeting"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["state"], "pending");
    propose(
        p.supervisor.1.clone(),
        json!({"situation": "greeting", "language": "zh", "text": greeting}),
    )
    .await
    .assert_problem(409, "duplicate_phrase");
    // Not found by customer service until approved; pending ones are the supervisor's.
    let search = |token: String, q: &'static str| {
        let app = &app;
        async move { app.get(&format!("/api/v1/qa/phrases?{q}"), &token).await }
    };
    assert_eq!(search(p.cs.1.clone(), "q=旗舰店").await.body, json!([]));
    search(p.cs.1.clone(), "state=pending")
        .await
        .assert_problem(403, "missing_role");
    assert_eq!(
        search(p.supervisor.1.clone(), "state=pending").await.body[0]["text"],
        greeting
    );
    let request = r.body["approval_request_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.decide(&request, &p.supervisor.1, "approve")
        .await
        .assert_problem(403, "own_request");
    let ok = app.decide(&request, &dept.1, "approve").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let found = search(p.cs.1.clone(), "q=旗舰店&situation=greeting").await;
    assert_eq!(
        found.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        found.text
    );
    assert_eq!(found.body[0]["state"], "approved");
    assert_eq!(
        search(p.cs.1.clone(), "q=旗舰店&situation=refund")
            .await
            .body,
        json!([])
    );
    // The pre-check: the approved greeting counts as an opening; a transcript without one gets
    // it suggested.
    let start = app.clock.now_utc() - Duration::minutes(20);
    let with = app
        .post(
            "/api/v1/contacts",
            Some(&p.cs.1),
            &json!({"channel": "online_chat", "direction": "inbound", "started_at": start,
                    "ended_at": start + Duration::minutes(2), "summary": "问发货", "outcome": "ok",
                    "transcript": format!("客服：{greeting}\n客户：发货了吗\n客服：今天发出，还有什么需要帮助的吗？")}),
        )
        .await;
    let opening = &with.body["suggestions"][0];
    assert_eq!(opening["item"], "opening_greeting", "{}", with.text);
    assert_eq!(opening["mark"], "met");
    assert_eq!(opening["evidence"], greeting);
    let without = app
        .post(
            "/api/v1/contacts",
            Some(&p.cs.1),
            &json!({"channel": "online_chat", "direction": "inbound", "started_at": start,
                    "ended_at": start + Duration::minutes(2), "summary": "问发货", "outcome": "ok",
                    "transcript": "客服：在\n客户：发货了吗\n客服：今天发"}),
        )
        .await;
    let opening = &without.body["suggestions"][0];
    assert_eq!(opening["mark"], "not_met", "{}", without.text);
    assert_eq!(opening["suggested_phrase"], greeting);
    // Retired, it leaves the library.
    let id = found.body[0]["id"].as_str().unwrap_or_default().to_owned();
    let retired = app
        .post(
            &format!("/api/v1/qa/phrases/{id}/retire"),
            Some(&p.supervisor.1),
            &json!({"reason": "new shop name"}),
        )
        .await;
    assert_eq!(retired.body["state"], "retired", "{}", retired.text);
    assert_eq!(search(p.cs.1.clone(), "q=旗舰店").await.body, json!([]));
    app.post(
        &format!("/api/v1/qa/phrases/{id}/retire"),
        Some(&p.supervisor.1),
        &json!({"reason": "twice"}),
    )
    .await
    .assert_problem(409, "phrase_not_approved");
}
dual!(r_qa_2_approved_service_phrases_are_searchable_and_feed_the_precheck);

/// Twenty reviews of one contact at once record one (the unique key on the contact); twenty
/// proposals of one phrase at once file one (the situation's lock around the duplicate check),
/// even with the use case pausing between its check and its write.
async fn r_qa_2_twenty_reviews_or_proposals_at_once_record_one(app: TestApp) {
    let p = people(&app).await;
    let theirs = contact(&app, &p.cs.1, "online_chat", 15).await;
    let body = json!({"contact_id": theirs, "marks": marks(false, &[]), "comment": "好"});
    let replies = futures_util::future::join_all(
        (0..20).map(|_| app.post("/api/v1/qa/reviews", Some(&p.supervisor.1), &body)),
    )
    .await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(
        created,
        1,
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| r.status != StatusCode::CREATED) {
        r.assert_problem(409, "already_reviewed");
    }
    let phrase = json!({"situation": "delay", "language": "zh",
                        "text": "非常抱歉让您久等了，您的订单今天一定发出"});
    fail::cfg("phrases::propose::checked", "sleep(30)").unwrap_or_else(|e| panic!("{e}"));
    let replies = futures_util::future::join_all(
        (0..20).map(|_| app.post("/api/v1/qa/phrases", Some(&p.supervisor.1), &phrase)),
    )
    .await;
    fail::remove("phrases::propose::checked");
    let filed = replies
        .iter()
        .filter(|r| r.status == StatusCode::ACCEPTED)
        .count();
    assert_eq!(
        filed,
        1,
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| r.status != StatusCode::ACCEPTED) {
        r.assert_problem(409, "duplicate_phrase");
    }
}
dual!(r_qa_2_twenty_reviews_or_proposals_at_once_record_one);
