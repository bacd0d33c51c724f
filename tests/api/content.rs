//! Content publishing (R-PUB-1..3, R-APR-5, R-ACL-6): drafts through their chains, publication by
//! the deadline, takedowns, revisions that leave the earlier ones readable, attachments judged by
//! their bytes.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, Reply, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const OP: PermissionLevel = PermissionLevel::Operator;

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("bad instant"))
}

/// A PNG's signature and header, enough for its type to be recognised.
fn png(len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.resize(len, 7);
    b
}

fn pdf(len: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    b.resize(len, b'x');
    b
}

struct Cast {
    author: (uuid::Uuid, String),
    director: String,
    manager: String,
    general: String,
    specialist: String,
}

async fn cast(app: &TestApp) -> Cast {
    Cast {
        author: app.user_token("pl.anner", &[JobRole::Planner], OP).await,
        director: app
            .user_token("ma.rketing", &[JobRole::MarketingDirector], OP)
            .await
            .1,
        manager: app.user_token("de.pt", &[JobRole::DeptManager], OP).await.1,
        general: app
            .user_token("ge.neral", &[JobRole::GeneralManager], OP)
            .await
            .1,
        specialist: app
            .user_token("st.orefront", &[JobRole::StorefrontSpecialist], OP)
            .await
            .1,
    }
}

async fn draft(app: &TestApp, token: &str, body: Value) -> String {
    let r = app.post("/api/v1/content", Some(token), &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["status"], "draft");
    r.body["id"].as_str().unwrap_or_default().to_owned()
}

/// Submits the draft; returns its approval request id.
async fn submit(app: &TestApp, token: &str, id: &str) -> String {
    let r = app
        .post(
            &format!("/api/v1/content/{id}/submit"),
            Some(token),
            &json!({"reason": "for the weekend campaign"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["item"]["status"], "in_approval");
    r.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn publish(app: &TestApp, token: &str, id: &str) -> Reply {
    app.post(
        &format!("/api/v1/content/{id}/publish"),
        Some(token),
        &json!({}),
    )
    .await
}

async fn detail(app: &TestApp, token: &str, id: &str) -> Value {
    let r = app.get(&format!("/api/v1/content/{id}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

async fn r_pub_1_news_is_published_only_after_its_chain_and_never_by_its_author(app: TestApp) {
    app.clock.set(at(2026, 12, 1, 2));
    let c = cast(&app).await;
    let admin = app.admin_token().await;
    let id = draft(
        &app,
        &c.author.1,
        json!({"kind": "news", "title": "Winter sale opens", "body": "# Winter\nEverything **20 %** off."}),
    )
    .await;
    // Nobody publishes a draft, not even an admin (R-ACL-6).
    publish(&app, &c.specialist, &id)
        .await
        .assert_problem(409, "content_not_approved");
    publish(&app, &admin, &id)
        .await
        .assert_problem(409, "content_not_approved");
    let req = submit(&app, &c.author.1, &id).await;
    // In approval: the draft is frozen; not published yet.
    let r = app
        .send(
            app.request(
                Method::PUT,
                &format!("/api/v1/content/{id}"),
                Some(&c.author.1),
            )
            .json(&json!({"title": "Changed", "body": "", "version": 1})),
        )
        .await;
    r.assert_problem(409, "content_not_draft");
    publish(&app, &c.specialist, &id)
        .await
        .assert_problem(409, "content_not_approved");
    // The approval is the marketing director's alone; the department manager is the wrong role.
    let d = detail(&app, &c.author.1, &id).await;
    assert_eq!(d["approval"]["chain"], json!([["marketing_director"]]));
    assert_eq!(d["approval"]["kind"], "news");
    app.decide(&req, &c.manager, "approve")
        .await
        .assert_problem(403, "wrong_role");
    let r = app.decide(&req, &c.director, "approve").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = detail(&app, &c.author.1, &id).await;
    assert_eq!(d["item"]["status"], "approved");
    // R-APR-5: 48 hours from the approval.
    let by: DateTime<Utc> = serde_json::from_value(d["item"]["publish_by"].clone())
        .unwrap_or_else(|e| panic!("{e}: {}", d["item"]));
    assert_eq!(by, at(2026, 12, 1, 2) + Duration::hours(48));
    // Only through the item: the approvals' own "mark published" refuses content.
    app.post(
        &format!("/api/v1/approvals/{req}/published"),
        Some(&c.specialist),
        &json!({}),
    )
    .await
    .assert_problem(409, "publish_through_subject");
    let r = publish(&app, &c.specialist, &id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "published");
    assert_eq!(r.body["live_revision"], 1);
    publish(&app, &c.specialist, &id)
        .await
        .assert_problem(409, "content_already_published");
    let d = detail(&app, &c.author.1, &id).await;
    let actions: Vec<&str> = d["events"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(actions, ["drafted", "submitted", "approved", "published"]);
    assert!(
        d["approval"]["published_at"].is_string(),
        "{}",
        d["approval"]
    );
}
dual!(r_pub_1_news_is_published_only_after_its_chain_and_never_by_its_author);

async fn r_apr_3_the_author_never_approves_their_own_content(app: TestApp) {
    app.clock.set(at(2026, 12, 1, 2));
    // A marketing director writes news: the chain is theirs, but the proposer never decides.
    let (_, director) = app
        .user_token("ma.rketing", &[JobRole::MarketingDirector], OP)
        .await;
    let id = draft(
        &app,
        &director,
        json!({"kind": "notice", "title": "Holiday hours"}),
    )
    .await;
    let req = submit(&app, &director, &id).await;
    app.decide(&req, &director, "approve")
        .await
        .assert_problem(403, "own_request");
    // A rejection returns the revision to draft, for its author to rework.
    let (_, other) = app
        .user_token("ma.rketing2", &[JobRole::MarketingDirector], OP)
        .await;
    let r = app.decide(&req, &other, "reject").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = detail(&app, &director, &id).await;
    assert_eq!(d["item"]["status"], "draft");
    assert_eq!(d["approval"]["state"], "rejected");
}
dual!(r_apr_3_the_author_never_approves_their_own_content);

async fn r_apr_2_a_banner_goes_through_two_steps_and_confidential_content_to_the_general_manager(
    app: TestApp,
) {
    app.clock.set(at(2026, 12, 1, 2));
    let c = cast(&app).await;
    let banner = draft(
        &app,
        &c.author.1,
        json!({"kind": "banner", "title": "Home banner: winter"}),
    )
    .await;
    let req = submit(&app, &c.author.1, &banner).await;
    let d = detail(&app, &c.author.1, &banner).await;
    assert_eq!(
        d["approval"]["chain"],
        json!([["dept_manager"], ["marketing_director"]])
    );
    // The director cannot skip the manager's step.
    app.decide(&req, &c.director, "approve")
        .await
        .assert_problem(403, "wrong_role");
    assert_eq!(
        app.decide(&req, &c.manager, "approve").await.status,
        StatusCode::OK
    );
    assert_eq!(
        detail(&app, &c.author.1, &banner).await["item"]["status"],
        "in_approval"
    );
    publish(&app, &c.specialist, &banner)
        .await
        .assert_problem(409, "content_not_approved");
    assert_eq!(
        app.decide(&req, &c.director, "approve").await.status,
        StatusCode::OK
    );
    assert_eq!(
        publish(&app, &c.specialist, &banner).await.status,
        StatusCode::OK
    );

    let secret = draft(
        &app,
        &c.author.1,
        json!({"kind": "product_copy", "title": "Licensed photo set", "confidential_or_copyright": true}),
    )
    .await;
    let req = submit(&app, &c.author.1, &secret).await;
    let d = detail(&app, &c.author.1, &secret).await;
    assert_eq!(d["approval"]["kind"], "confidential_info");
    assert_eq!(
        d["approval"]["chain"],
        json!([["marketing_director"], ["general_manager"]])
    );
    assert_eq!(
        app.decide(&req, &c.director, "approve").await.status,
        StatusCode::OK
    );
    publish(&app, &c.specialist, &secret)
        .await
        .assert_problem(409, "content_not_approved");
    assert_eq!(
        app.decide(&req, &c.general, "approve").await.status,
        StatusCode::OK
    );
    assert_eq!(
        publish(&app, &c.specialist, &secret).await.status,
        StatusCode::OK
    );
}
dual!(r_apr_2_a_banner_goes_through_two_steps_and_confidential_content_to_the_general_manager);

async fn r_apr_5_the_publish_by_deadline_is_met_or_missed_and_listed(app: TestApp) {
    app.clock.set(at(2026, 12, 1, 2));
    let c = cast(&app).await;
    let on_time = draft(
        &app,
        &c.author.1,
        json!({"kind": "news", "title": "On time"}),
    )
    .await;
    let late = draft(&app, &c.author.1, json!({"kind": "news", "title": "Late"})).await;
    for id in [&on_time, &late] {
        let req = submit(&app, &c.author.1, id).await;
        assert_eq!(
            app.decide(&req, &c.director, "approve").await.status,
            StatusCode::OK
        );
    }
    app.clock.set(at(2026, 12, 2, 20));
    let due = app.get("/api/v1/content/due", &c.specialist).await;
    assert_eq!(due.status, StatusCode::OK, "{}", due.text);
    assert_eq!(due.body.as_array().map(Vec::len), Some(2));
    assert!(due
        .body
        .as_array()
        .into_iter()
        .flatten()
        .all(|i| i["overdue"] == false));
    assert_eq!(
        publish(&app, &c.specialist, &on_time).await.status,
        StatusCode::OK
    );
    // Two days and an hour after the approval: overdue.
    app.clock.set(at(2026, 12, 3, 3));
    let due = app.get("/api/v1/content/due", &c.specialist).await;
    let items = due.body.as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{}", due.text);
    assert_eq!(items[0]["id"], late.as_str());
    assert_eq!(items[0]["overdue"], true);
    // The breach report counts the late one as missed once published.
    assert_eq!(
        publish(&app, &c.specialist, &late).await.status,
        StatusCode::OK
    );
    let report = app
        .get(
            "/api/v1/reports/deadlines?from=2026-12-01&to=2026-12-31",
            &c.manager,
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text);
    let row = report
        .body
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["deadline"] == "publication")
        .cloned()
        .unwrap_or_else(|| panic!("no publication row: {}", report.text));
    assert_eq!(
        (
            row["due"].clone(),
            row["met"].clone(),
            row["missed"].clone()
        ),
        (json!(2), json!(1), json!(1)),
        "{row}"
    );
}
dual!(
    r_apr_5_the_publish_by_deadline_is_met_or_missed_and_listed,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 30 * 86_400
);

async fn r_pub_2_takedown_with_reason_and_a_new_revision_leaves_the_earlier_readable(app: TestApp) {
    app.clock.set(at(2026, 12, 1, 2));
    let c = cast(&app).await;
    let id = draft(
        &app,
        &c.author.1,
        json!({"kind": "news", "title": "First words", "body": "v1"}),
    )
    .await;
    let req = submit(&app, &c.author.1, &id).await;
    app.decide(&req, &c.director, "approve").await;
    publish(&app, &c.specialist, &id).await;
    // A published revision is never edited in place.
    let r = app
        .send(
            app.request(
                Method::PUT,
                &format!("/api/v1/content/{id}"),
                Some(&c.author.1),
            )
            .json(&json!({"title": "Edited in place", "body": "", "version": 3})),
        )
        .await;
    r.assert_problem(409, "content_not_draft");
    // A new revision: a draft copied from the live one, which stays live meanwhile.
    let r = app
        .post(
            &format!("/api/v1/content/{id}/revisions"),
            Some(&c.author.1),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["latest"]["number"], 2);
    assert_eq!(r.body["live_revision"], 1);
    let version = r.body["latest"]["version"].clone();
    app.post(
        &format!("/api/v1/content/{id}/revisions"),
        Some(&c.author.1),
        &json!({}),
    )
    .await
    .assert_problem(409, "content_revision_open");
    let r = app
        .send(
            app.request(
                Method::PUT,
                &format!("/api/v1/content/{id}"),
                Some(&c.author.1),
            )
            .json(&json!({"title": "Second words", "body": "v2", "version": version})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let req = submit(&app, &c.author.1, &id).await;
    app.decide(&req, &c.director, "approve").await;
    let r = publish(&app, &c.specialist, &id).await;
    assert_eq!(r.body["live_revision"], 2, "{}", r.text);
    let d = detail(&app, &c.author.1, &id).await;
    let revs = d["revisions"].as_array().cloned().unwrap_or_default();
    assert_eq!(revs.len(), 2);
    assert_eq!(
        (revs[0]["number"].clone(), revs[0]["status"].clone()),
        (json!(2), json!("published"))
    );
    assert_eq!(
        (revs[1]["title"].clone(), revs[1]["status"].clone()),
        (json!("First words"), json!("superseded"))
    );
    assert_eq!(revs[1]["body"], "v1");

    // R-PUB-2: the author cannot take it down; the specialist can, with a reason.
    let path = format!("/api/v1/content/{id}/takedown");
    app.post(&path, Some(&c.author.1), &json!({"reason": "x"}))
        .await
        .assert_problem(403, "missing_role");
    let r = app
        .post(&path, Some(&c.specialist), &json!({"reason": ""}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["reason".to_owned()]);
    let r = app
        .post(
            &path,
            Some(&c.specialist),
            &json!({"reason": "uses a competitor's trademark"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "taken_down");
    assert!(r.body["live_revision"].is_null());
    app.post(&path, Some(&c.specialist), &json!({"reason": "again"}))
        .await
        .assert_problem(409, "content_not_published");
    let list = app.get("/api/v1/content/takedowns", &c.manager).await;
    assert_eq!(list.body[0]["item_id"], id.as_str(), "{}", list.text);
    assert_eq!(list.body[0]["reason"], "uses a competitor's trademark");
    assert_eq!(
        list.body[0]["responsible_author_id"],
        c.author.0.to_string()
    );
    let audit = app
        .get(
            "/api/v1/audit?action=content.taken_down",
            &app.admin_token().await,
        )
        .await;
    assert!(audit.text.contains("competitor"), "{}", audit.text);
    // Partners follow it in the event feed: each publication and the takedown, the item as the
    // API showed it then.
    let feed = app
        .get(
            "/api/v1/events?type=content.published,content.taken_down",
            &c.manager,
        )
        .await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.text);
    let items = feed.body["items"].as_array().cloned().unwrap_or_default();
    let seen: Vec<(Value, Value, Value)> = items
        .iter()
        .map(|e| {
            (
                e["type"].clone(),
                e["data"]["status"].clone(),
                e["data"]["live_revision"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen.last(),
        Some(&(
            json!("content.taken_down"),
            json!("taken_down"),
            Value::Null
        )),
        "{}",
        feed.text
    );
    assert_eq!(
        seen[0],
        (json!("content.published"), json!("published"), json!(1))
    );
    assert!(items.iter().all(|e| e["resource_id"] == id.as_str()));
    assert_eq!(
        items.last().map(|e| e["context"]["reason"].clone()),
        Some(json!("uses a competitor's trademark"))
    );
}
dual!(r_pub_2_takedown_with_reason_and_a_new_revision_leaves_the_earlier_readable);

async fn upload(
    app: &TestApp,
    token: &str,
    id: &str,
    name: &str,
    ctype: &str,
    bytes: Vec<u8>,
) -> Reply {
    app.send(
        app.request(
            Method::POST,
            &format!("/api/v1/content/{id}/attachments?file_name={name}"),
            Some(token),
        )
        .header("content-type", ctype)
        .body(bytes),
    )
    .await
}

async fn r_pub_3_attachments_are_sniffed_limited_stored_and_served_in_ranges(app: TestApp) {
    app.clock.set(at(2026, 12, 1, 2));
    let c = cast(&app).await;
    let id = draft(
        &app,
        &c.author.1,
        json!({"kind": "news", "title": "With pictures"}),
    )
    .await;
    let bytes = png(300 * 1024);
    let r = upload(
        &app,
        &c.author.1,
        &id,
        "photo.png",
        "image/png",
        bytes.clone(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["media"], "image");
    assert_eq!(r.body["content_type"], "image/png");
    use sha2::Digest;
    assert_eq!(r.body["sha256"], hex::encode(sha2::Sha256::digest(&bytes)));
    let href = r.body["href"].as_str().unwrap_or_default().to_owned();
    // The whole file, then a range across the chunk boundary.
    let whole = app
        .client
        .get(app.url(&href))
        .bearer_auth(&c.author.1)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["content-type"], "image/png");
    assert!(whole.headers()["content-disposition"]
        .to_str()
        .unwrap_or("")
        .contains("photo.png"));
    assert_eq!(
        whole.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
        bytes
    );
    let part = app
        .client
        .get(app.url(&href))
        .bearer_auth(&c.author.1)
        .header("range", "bytes=262140-262149")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 262140-262149/{}", bytes.len())
    );
    assert_eq!(
        part.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
        bytes[262140..262150].to_vec()
    );
    let beyond = app
        .client
        .get(app.url(&href))
        .bearer_auth(&c.author.1)
        .header("range", "bytes=900000-")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // A PDF that says it is a PNG; bytes that are nothing accepted; an oversized image and an
    // oversized document (413, nothing written).
    upload(&app, &c.author.1, &id, "lie.png", "image/png", pdf(1000))
        .await
        .assert_problem(422, "content_type_mismatch");
    upload(
        &app,
        &c.author.1,
        &id,
        "notes.txt",
        "text/plain",
        b"just text".to_vec(),
    )
    .await
    .assert_problem(415, "unsupported_media_type");
    upload(
        &app,
        &c.author.1,
        &id,
        "big.png",
        "image/png",
        png(600 * 1024),
    )
    .await
    .assert_problem(413, "payload_too_large");
    upload(
        &app,
        &c.author.1,
        &id,
        "huge.pdf",
        "application/pdf",
        pdf(3 * 1024 * 1024),
    )
    .await
    .assert_problem(413, "payload_too_large");
    let r = upload(
        &app,
        &c.author.1,
        &id,
        "brief.pdf",
        "application/pdf",
        pdf(900 * 1024),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let d = detail(&app, &c.author.1, &id).await;
    let names: Vec<&str> = d["item"]["latest"]["attachments"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["file_name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["photo.png", "brief.pdf"]);
    // Only the draft's author attaches.
    upload(&app, &c.specialist, &id, "x.png", "image/png", png(100))
        .await
        .assert_problem(403, "not_author");
}
dual!(
    r_pub_3_attachments_are_sniffed_limited_stored_and_served_in_ranges,
    |c: &mut ecops_server::config::Config| {
        c.uploads.max_image_bytes = 512 * 1024;
        c.uploads.max_document_bytes = 1024 * 1024;
        c.uploads.max_video_bytes = 2 * 1024 * 1024;
    }
);

async fn content_bad_input_is_refused_with_its_fields(app: TestApp) {
    app.clock.set(at(2026, 12, 1, 2));
    let c = cast(&app).await;
    let r = app
        .post(
            "/api/v1/content",
            Some(&c.author.1),
            &json!({"kind": "poster", "title": "x"}),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.text);
    assert_eq!(r.error_fields(), vec!["kind".to_owned()], "{}", r.text);
    let r = app
        .post(
            "/api/v1/content",
            Some(&c.author.1),
            &json!({"kind": "news", "title": ""}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["title".to_owned()]);
    let r = app
        .post(
            "/api/v1/content",
            Some(&c.author.1),
            &json!({"kind": "news", "title": "Long", "body": "x".repeat(100_001)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["body".to_owned()]);
    // Customer service writes no content; a viewer reads it.
    let (_, cs) = app
        .user_token("cs.a", &[JobRole::CustomerService], OP)
        .await;
    app.post(
        "/api/v1/content",
        Some(&cs),
        &json!({"kind": "news", "title": "Mine"}),
    )
    .await
    .assert_problem(403, "missing_role");
    let list = app.get("/api/v1/content?kind=news", &cs).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(0));
    // Another author's draft is not mine to change or submit.
    let id = draft(
        &app,
        &c.author.1,
        json!({"kind": "news", "title": "Theirs"}),
    )
    .await;
    let (_, other) = app.user_token("de.signer", &[JobRole::Designer], OP).await;
    app.post(
        &format!("/api/v1/content/{id}/submit"),
        Some(&other),
        &json!({"reason": "go"}),
    )
    .await
    .assert_problem(403, "not_author");
    app.get("/api/v1/content/00000000-0000-7000-8000-000000000000", &cs)
        .await
        .assert_problem(404, "not_found");
}
dual!(content_bad_input_is_refused_with_its_fields);

async fn r_pub_1_twenty_publications_at_once_publish_once(app: TestApp) {
    app.clock.set(at(2026, 12, 1, 2));
    let c = cast(&app).await;
    let id = draft(
        &app,
        &c.author.1,
        json!({"kind": "news", "title": "Once only"}),
    )
    .await;
    let req = submit(&app, &c.author.1, &id).await;
    assert_eq!(
        app.decide(&req, &c.director, "approve").await.status,
        StatusCode::OK
    );
    // Each pauses between its check (approved) and its write: without the item's lock several
    // would see it approved on PostgreSQL.
    fail::cfg("content::publish::checked", "sleep(30)").unwrap_or_else(|e| panic!("{e}"));
    let replies: Vec<Reply> =
        futures_util::future::join_all((0..20).map(|_| publish(&app, &c.specialist, &id))).await;
    fail::remove("content::publish::checked");
    let ok = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(
        ok,
        1,
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| r.status != StatusCode::OK) {
        r.assert_problem(409, "content_already_published");
    }
    let d = detail(&app, &c.author.1, &id).await;
    let published = d["events"]
        .as_array()
        .map(|a| a.iter().filter(|e| e["action"] == "published").count())
        .unwrap_or(0);
    assert_eq!(published, 1);
}
dual!(r_pub_1_twenty_publications_at_once_publish_once);

async fn r_prd_8_drafts_and_confidential_content_are_seen_only_by_those_who_work_on_them(
    app: TestApp,
) {
    app.clock.set(at(2026, 12, 1, 2));
    let c = cast(&app).await;
    let (_, cs) = app
        .user_token("cs.a", &[JobRole::CustomerService], PermissionLevel::Viewer)
        .await;
    let (_, other_author) = app.user_token("pl.anner2", &[JobRole::Planner], OP).await;
    let public = draft(
        &app,
        &c.author.1,
        json!({"kind": "notice", "title": "Opening hours"}),
    )
    .await;
    let req = submit(&app, &c.author.1, &public).await;
    app.decide(&req, &c.director, "approve").await;
    assert_eq!(
        publish(&app, &c.specialist, &public).await.status,
        StatusCode::OK
    );
    // A new draft on top of the live notice: readers still see the live revision.
    app.post(
        &format!("/api/v1/content/{public}/revisions"),
        Some(&c.author.1),
        &json!({}),
    )
    .await;
    let secret = draft(
        &app,
        &c.author.1,
        json!({"kind": "product_copy", "title": "Unreleased photos", "confidential_or_copyright": true}),
    )
    .await;
    let r = upload(&app, &c.author.1, &secret, "s.png", "image/png", png(1000)).await;
    let href = r.body["href"].as_str().unwrap_or_default().to_owned();

    // Customer service: the live notice only, as published.
    let list = app.get("/api/v1/content", &cs).await;
    let items = list.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{}", list.text);
    assert_eq!(items[0]["status"], "published");
    assert_eq!(items[0]["latest"]["number"], 1);
    app.get(&format!("/api/v1/content/{secret}"), &cs)
        .await
        .assert_problem(404, "not_found");
    app.get(&href, &cs).await.assert_problem(404, "not_found");
    app.get("/api/v1/content/due", &cs)
        .await
        .assert_problem(403, "missing_role");
    let d = detail(&app, &cs, &public).await;
    assert_eq!(d["revisions"].as_array().map(Vec::len), Some(1));
    assert!(d["approval"].is_null());
    // Another author does not see the confidential draft; its approvers do.
    app.get(&format!("/api/v1/content/{secret}"), &other_author)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.get(&format!("/api/v1/content/{secret}"), &c.general)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(app.get(&href, &c.author.1).await.status, StatusCode::OK);
}
dual!(r_prd_8_drafts_and_confidential_content_are_seen_only_by_those_who_work_on_them);
