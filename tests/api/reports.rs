//! R-REP-1: each person writes a daily report of their own on its day; it is immutable after.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn local(s: &str) -> DateTime<Utc> {
    let naive =
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("{s}: {e}"));
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("{s}"))
}

async fn put(app: &TestApp, token: &str, day: &str, body: &Value) -> ecops_tests::Reply {
    app.send(
        app.request(
            Method::PUT,
            &format!("/api/v1/reports/daily/{day}"),
            Some(token),
        )
        .json(body),
    )
    .await
}

async fn r_rep_1_a_daily_report_is_written_on_its_day_and_immutable_after(app: TestApp) {
    app.clock.set(local("2026-12-01 17:50"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (me, token) = app
        .user_token("cs.a", &[JobRole::CustomerService], PermissionLevel::Viewer)
        .await;
    let (other, other_token) = app
        .user_token("cs.b", &[JobRole::CustomerService], op)
        .await;
    let first =
        json!({"done": "answered 42 chats", "problems": "", "plan": "follow up the refunds"});
    let r = put(&app, &token, "2026-12-01", &first).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["editable"], true);
    assert_eq!(r.body["user_id"], me.to_string());
    // Saved again (a draft as one types): rewritten, still one report.
    let second = json!({"done": "answered 45 chats", "problems": "the printer jammed", "plan": "follow up the refunds"});
    let r = put(&app, &token, "2026-12-01", &second).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["done"], "answered 45 chats");
    // Bad input: nothing written, a day to come, a body over the limit.
    put(
        &app,
        &token,
        "2026-12-01",
        &json!({"done": " ", "problems": "", "plan": ""}),
    )
    .await
    .assert_problem(422, "validation_failed");
    put(&app, &token, "2026-12-02", &first)
        .await
        .assert_problem(422, "report_day_to_come");
    let long = json!({"done": "x".repeat(10_001)});
    let r = put(&app, &token, "2026-12-01", &long).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["done".to_owned()]);

    // The next morning the report is immutable, and yesterday cannot be filed late.
    app.clock.set(local("2026-12-02 08:10"));
    put(&app, &token, "2026-12-01", &first)
        .await
        .assert_problem(422, "report_day_over");
    put(&app, &other_token, "2026-12-01", &first)
        .await
        .assert_problem(422, "report_day_over");
    let mine = app
        .get(
            "/api/v1/reports/daily?from=2026-11-25&to=2026-12-02",
            &token,
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert_eq!(mine.body.as_array().map(Vec::len), Some(1), "{}", mine.text);
    assert_eq!(mine.body[0]["done"], "answered 45 chats");
    assert_eq!(mine.body[0]["editable"], false);
    // Another person's reports are for managers only.
    app.get(
        &format!("/api/v1/reports/daily?user_id={me}&from=2026-11-25&to=2026-12-02"),
        &other_token,
    )
    .await
    .assert_problem(403, "not_yours");
    let all = app
        .get(
            "/api/v1/reports/daily?from=2026-11-25&to=2026-12-02",
            &manager,
        )
        .await;
    assert_eq!(all.body.as_array().map(Vec::len), Some(1), "{}", all.text);
    assert_eq!(all.body[0]["display_name"], "cs.a");
    let _ = other;
    app.get(
        "/api/v1/reports/daily?from=2026-12-02&to=2026-11-25",
        &token,
    )
    .await
    .assert_problem(400, "invalid_query");
    // Filed and revised are audited.
    let audit = app
        .get(
            "/api/v1/audit?action=report.daily_revised",
            &app.admin_token().await,
        )
        .await;
    assert_eq!(
        audit.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        audit.text
    );
}
dual!(
    r_rep_1_a_daily_report_is_written_on_its_day_and_immutable_after,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);

/// R-REP-1 under load: twenty saves of one person's report at once make one report, no 5xx.
async fn r_rep_1_twenty_saves_at_once_make_one_report(app: TestApp) {
    app.clock.set(local("2026-12-01 17:50"));
    let (_, token) = app
        .user_token("cs.a", &[JobRole::CustomerService], PermissionLevel::Viewer)
        .await;
    let bodies: Vec<Value> = (0..20)
        .map(|i| json!({"done": format!("draft {i}"), "problems": "", "plan": ""}))
        .collect();
    let replies =
        futures_util::future::join_all(bodies.iter().map(|b| put(&app, &token, "2026-12-01", b)))
            .await;
    let texts: Vec<&String> = replies.iter().map(|r| &r.text).collect();
    assert!(replies.iter().all(|r| r.status.is_success()), "{texts:?}");
    assert_eq!(
        replies
            .iter()
            .filter(|r| r.status == StatusCode::CREATED)
            .count(),
        1,
        "{texts:?}"
    );
    let mine = app
        .get(
            "/api/v1/reports/daily?from=2026-12-01&to=2026-12-01",
            &token,
        )
        .await;
    assert_eq!(mine.body.as_array().map(Vec::len), Some(1), "{}", mine.text);
}
dual!(r_rep_1_twenty_saves_at_once_make_one_report);

/// R-REP-3: managers see who has not filed, day by day: working days only, never for a day of
/// approved leave, today as still due.
async fn r_rep_3_who_has_not_filed_respects_leave_and_the_working_days(app: TestApp) {
    app.clock.set(local("2026-11-23 10:00"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (a, a_token) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let (b, b_token) = app
        .user_token("cs.b", &[JobRole::CustomerService], op)
        .await;
    let (c, c_token) = app
        .user_token("cs.c", &[JobRole::CustomerService], op)
        .await;
    let filed = json!({"done": "chats", "problems": "", "plan": ""});
    // B is away all of Tuesday the 24th.
    let l = app
        .post(
            "/api/v1/leave-requests",
            Some(&b_token),
            &json!({"kind": "annual", "starts_at": local("2026-11-24 00:00"),
                    "ends_at": local("2026-11-25 00:00"), "reason": "trip",
                    "handover_to": a, "handover_note": "chats"}),
        )
        .await;
    assert_eq!(l.status, StatusCode::ACCEPTED, "{}", l.text);
    let req = l.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        app.decide(&req, &manager, "approve").await.status,
        StatusCode::OK
    );
    app.clock.set(local("2026-11-23 17:30"));
    assert_eq!(
        put(&app, &a_token, "2026-11-23", &filed).await.status,
        StatusCode::CREATED
    );
    app.clock.set(local("2026-11-24 17:30"));
    assert_eq!(
        put(&app, &a_token, "2026-11-24", &filed).await.status,
        StatusCode::CREATED
    );
    app.clock.set(local("2026-11-25 10:00"));
    assert_eq!(
        put(&app, &c_token, "2026-11-25", &filed).await.status,
        StatusCode::CREATED
    );

    let r = app
        .get(
            "/api/v1/reports/daily/missing?from=2026-11-21&to=2026-11-30",
            &manager,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ours = [a.to_string(), b.to_string(), c.to_string()];
    let got: Vec<(String, String, bool)> = r
        .body
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|m| ours.contains(&m["user_id"].as_str().unwrap_or_default().to_owned()))
        .map(|m| {
            (
                m["day"].as_str().unwrap_or_default().to_owned(),
                m["display_name"].as_str().unwrap_or_default().to_owned(),
                m["due_today"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    let want: Vec<(String, String, bool)> = [
        ("2026-11-25", "cs.a", true),
        ("2026-11-25", "cs.b", true),
        ("2026-11-24", "cs.c", false),
        ("2026-11-23", "cs.b", false),
        ("2026-11-23", "cs.c", false),
    ]
    .iter()
    .map(|(d, n, t)| ((*d).to_owned(), (*n).to_owned(), *t))
    .collect();
    assert_eq!(
        got, want,
        "the weekend before and the days to come are not counted"
    );
    app.get(
        "/api/v1/reports/daily/missing?from=2026-11-21&to=2026-11-30",
        &c_token,
    )
    .await
    .assert_problem(403, "missing_role");
}
dual!(
    r_rep_3_who_has_not_filed_respects_leave_and_the_working_days,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);

/// R-REP-2: the monthly summary is filed from the month's last working day and is immutable once
/// the next month's 5th has passed.
async fn r_rep_2_the_monthly_summary_window_opens_on_the_last_working_day(app: TestApp) {
    app.clock.set(local("2026-11-27 09:00"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (me, token) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let body = json!({"done": "answered 900 chats", "unfinished": "the refund backlog",
                      "plan": "train the new colleague"});
    let put_month = |t: String, b: Value| {
        let app = &app;
        async move {
            app.send(
                app.request(Method::PUT, "/api/v1/reports/monthly/2026-11", Some(&t))
                    .json(&b),
            )
            .await
        }
    };
    // Friday the 27th: November's last working day is Monday the 30th.
    app.clock.set(local("2026-11-27 17:00"));
    put_month(token.clone(), body.clone())
        .await
        .assert_problem(422, "summary_too_early");
    app.clock.set(local("2026-11-30 17:00"));
    let r = put_month(token.clone(), body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["user_id"], me.to_string());
    let mut later = body.clone();
    later["unfinished"] = json!("none: the backlog is cleared");
    app.clock.set(local("2026-12-05 21:00"));
    let r = put_month(token.clone(), later.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.clock.set(local("2026-12-06 08:30"));
    put_month(token.clone(), body.clone())
        .await
        .assert_problem(422, "summary_closed");
    let r = put_month(token.clone(), json!({"done": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["done".to_owned()]);
    let list = app
        .get("/api/v1/reports/monthly?month=2026-11", &manager)
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body["opens_on"], "2026-11-30");
    assert_eq!(list.body["closes_after"], "2026-12-05");
    assert_eq!(list.body["open"], false);
    assert_eq!(
        list.body["summaries"][0]["unfinished"],
        "none: the backlog is cleared"
    );
    app.get("/api/v1/reports/monthly?month=2026-13", &token)
        .await
        .assert_problem(400, "invalid_query");
    app.send(
        app.request(
            Method::PUT,
            "/api/v1/reports/monthly/november",
            Some(&token),
        )
        .json(&body),
    )
    .await
    .assert_problem(400, "invalid_query");
}
dual!(
    r_rep_2_the_monthly_summary_window_opens_on_the_last_working_day,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);

/// R-REP-1 and R-REP-3: a manager's note beside a past day, and the week's reports exported for
/// the weekly collection with who did not file.
async fn r_rep_3_a_weeks_reports_export_with_the_managers_notes(app: TestApp) {
    let op = PermissionLevel::Operator;
    app.clock.set(local("2026-11-23 09:00"));
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (_, a_token) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let (b, b_token) = app
        .user_token("cs.b", &[JobRole::CustomerService], op)
        .await;
    app.clock.set(local("2026-11-23 17:30"));
    let filed =
        json!({"done": "answered = 42 chats", "problems": "slow printer", "plan": "refunds"});
    assert_eq!(
        put(&app, &a_token, "2026-11-23", &filed).await.status,
        StatusCode::CREATED
    );
    app.clock.set(local("2026-11-24 09:00"));
    let note = json!({"user_id": b, "day": "2026-11-23", "note": "handed in on paper"});
    let r = app
        .post("/api/v1/reports/daily/notes", Some(&manager), &note)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    app.post("/api/v1/reports/daily/notes", Some(&b_token), &note)
        .await
        .assert_problem(403, "missing_role");
    let today = json!({"user_id": b, "day": "2026-11-24", "note": "x"});
    app.post("/api/v1/reports/daily/notes", Some(&manager), &today)
        .await
        .assert_problem(422, "report_day_not_over");
    // B sees the note beside their own day.
    let mine = app
        .get(
            "/api/v1/reports/daily/notes?from=2026-11-23&to=2026-11-24",
            &b_token,
        )
        .await;
    assert_eq!(mine.body[0]["note"], "handed in on paper", "{}", mine.text);

    let md = app
        .get(
            "/api/v1/reports/daily/export?from=2026-11-23&to=2026-11-23",
            &manager,
        )
        .await;
    assert_eq!(md.status, StatusCode::OK, "{}", md.text);
    assert!(md.headers["content-type"]
        .to_str()
        .unwrap_or("")
        .starts_with("text/markdown"));
    assert!(md.text.contains("## 2026-11-23"), "{}", md.text);
    assert!(md.text.contains("### cs.a"), "{}", md.text);
    assert!(md.text.contains("slow printer"), "{}", md.text);
    assert!(md.text.contains("**Not filed:**"), "{}", md.text);
    assert!(md.text.contains("cs.b (handed in on paper)"), "{}", md.text);
    let csv = app
        .get(
            "/api/v1/reports/daily/export?from=2026-11-23&to=2026-11-23&format=csv",
            &manager,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    // A cell starting with `=` never runs as a formula; this one does not start with it.
    assert!(
        csv.text
            .contains("2026-11-23,cs.a,yes,answered = 42 chats,slow printer,refunds,"),
        "{}",
        csv.text
    );
    assert!(
        csv.text
            .contains("2026-11-23,cs.b,no,,,,handed in on paper"),
        "{}",
        csv.text
    );
    // Staff export only their own.
    let own = app
        .get(
            "/api/v1/reports/daily/export?from=2026-11-23&to=2026-11-23",
            &b_token,
        )
        .await;
    assert!(!own.text.contains("cs.a"), "{}", own.text);
    app.get(
        "/api/v1/reports/daily/export?from=2026-11-01&to=2026-12-20",
        &manager,
    )
    .await
    .assert_problem(400, "invalid_query");
}
dual!(
    r_rep_3_a_weeks_reports_export_with_the_managers_notes,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);

/// R-REP-5: on Monday each person confirms last week's figures as the system assembled them and
/// sends them to their superior; they are kept as sent.
async fn r_rep_5_last_weeks_figures_are_confirmed_and_sent_once(app: TestApp) {
    app.clock.set(local("2026-11-24 10:00"));
    let cast = app.cast().await;
    app.listed(&cast, "ST-1", 2000, 50).await;
    let mut ids = Vec::new();
    for no in ["st-1", "st-2"] {
        let r = app.order(&cast, &app.order_body(no, "ST-1", 1)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap_or_default().to_owned());
    }
    app.clock.set(local("2026-11-24 10:05"));
    let contact = json!({"kind": "customer_contacted", "outcome": "confirmed", "note": "called"});
    assert_eq!(
        app.event(&ids[0], &cast.cs.1, contact).await.status,
        StatusCode::CREATED
    );
    // Monday the 30th: last week is the 23rd to the 29th.
    app.clock.set(local("2026-11-30 09:00"));
    let draft = app
        .get("/api/v1/reports/statements/mine?kind=week", &cast.cs.1)
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);
    assert_eq!(draft.body["period_start"], "2026-11-23");
    assert_eq!(draft.body["period_end"], "2026-11-29");
    assert!(draft.body["submitted_at"].is_null());
    let f = &draft.body["figures"];
    assert_eq!(
        (
            f["orders_taken"].clone(),
            f["orders_total_fen"].clone(),
            f["contact_met"].clone(),
            f["contact_missed"].clone()
        ),
        (json!(2), json!(4000), json!(1), json!(1)),
        "{f}"
    );
    let sent = app
        .post(
            "/api/v1/reports/statements",
            Some(&cast.cs.1),
            &json!({"kind": "week", "comment": "one call was late: the line was down"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    assert_eq!(sent.body["figures"], *f);
    app.post(
        "/api/v1/reports/statements",
        Some(&cast.cs.1),
        &json!({"kind": "week"}),
    )
    .await
    .assert_problem(409, "statement_sent");
    let mine = app
        .get("/api/v1/reports/statements/mine?kind=week", &cast.cs.1)
        .await;
    assert!(mine.body["submitted_at"].is_string(), "{}", mine.text);
    assert_eq!(mine.body["comment"], "one call was late: the line was down");
    // The superior sees who sent and who has not.
    let all = app
        .get("/api/v1/reports/statements?kind=week", &cast.dept.1)
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(all.body["sent"].as_array().map(Vec::len), Some(1));
    assert_eq!(all.body["sent"][0]["user_id"], cast.cs.0.to_string());
    assert!(all.body["not_sent"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["user_id"] == cast.planner.0.to_string()));
    app.get("/api/v1/reports/statements?kind=week", &cast.cs.1)
        .await
        .assert_problem(403, "missing_role");
    // On the 1st, last month.
    app.clock.set(local("2026-12-01 09:00"));
    let month = app
        .get("/api/v1/reports/statements/mine?kind=month", &cast.cs.1)
        .await;
    assert_eq!(month.body["period_start"], "2026-11-01");
    assert_eq!(month.body["figures"]["orders_taken"], 2);
}
dual!(
    r_rep_5_last_weeks_figures_are_confirmed_and_sent_once,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);
