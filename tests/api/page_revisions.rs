//! R-APR-6 page revision plans through their chain; R-APR-5 their execution deadline.

use chrono::{Duration, NaiveDate};
use ecops_tests::{dual, Cast, ClockExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn today(app: &TestApp) -> NaiveDate {
    app.clock
        .now_utc()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
}

fn plan(app: &TestApp, cadence: &str) -> Value {
    json!({
        "title": "Winter home page",
        "cadence": cadence,
        "areas": ["colors", "banners", "sections"],
        "plan": "Swap the autumn palette for winter colours, new hero banner, tea sets first.",
        "planned_for": today(app) + Duration::days(3),
        "reason": "season change"
    })
}

/// Files a plan as the designer; returns (plan id, approval request id).
async fn file(app: &TestApp, cast: &Cast, body: &Value) -> (String, String) {
    let r = app
        .post("/api/v1/page-revisions", Some(&cast.designer.1), body)
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let id = r.body["revision"]["id"].as_str().unwrap_or_default();
    let req = r.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default();
    (id.to_owned(), req.to_owned())
}

async fn execute(app: &TestApp, token: &str, id: &str) -> ecops_tests::Reply {
    app.post(
        &format!("/api/v1/page-revisions/{id}/execute"),
        Some(token),
        &json!({"note": "went live as planned"}),
    )
    .await
}

async fn r_apr_6_a_revision_plan_is_carried_out_only_after_its_chain(app: TestApp) {
    let cast = app.cast().await;
    let (id, req) = file(&app, &cast, &plan(&app, "biweekly")).await;
    let r = app
        .get(&format!("/api/v1/page-revisions/{id}"), &cast.storefront.1)
        .await;
    assert_eq!(r.body["status"], "pending");
    assert_eq!(r.body["page"], "home");
    assert_eq!(r.body["areas"], json!(["colors", "sections", "banners"]));
    let a = app
        .get(&format!("/api/v1/approvals/{req}"), &cast.dept.1)
        .await;
    assert_eq!(a.body["kind"], "page_revision");
    assert_eq!(
        a.body["chain"],
        json!([["dept_manager"], ["marketing_director"]])
    );

    // Not before the chain: pending after neither, nor after the first step only.
    let r = execute(&app, &cast.storefront.1, &id).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.body["code"], "revision_not_approved");
    let r = app.decide(&req, &cast.marketing.1, "approve").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the manager checks first");
    assert_eq!(r.body["code"], "wrong_role");
    assert_eq!(
        app.decide(&req, &cast.dept.1, "approve").await.body["state"],
        "pending"
    );
    assert_eq!(
        execute(&app, &cast.designer.1, &id).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.decide(&req, &cast.marketing.1, "approve").await.body["state"],
        "approved"
    );
    let r = app
        .get(&format!("/api/v1/page-revisions/{id}"), &cast.designer.1)
        .await;
    assert_eq!(r.body["status"], "approved");
    assert!(r.body["execute_by"].is_string(), "{}", r.text);

    // Someone outside the two roles may not record it; the storefront specialist may.
    assert_eq!(
        execute(&app, &cast.planner.1, &id).await.status,
        StatusCode::FORBIDDEN
    );
    let r = execute(&app, &cast.storefront.1, &id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "executed");
    assert_eq!(r.body["executed_by"], cast.storefront.0.to_string());
    assert_eq!(r.body["execution_note"], "went live as planned");
    let r = execute(&app, &cast.storefront.1, &id).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "only once");
    let a = app
        .get(&format!("/api/v1/approvals/{req}"), &cast.dept.1)
        .await;
    assert!(
        a.body["published_at"].is_string(),
        "carrying it out is its publication: {}",
        a.text
    );
}
dual!(r_apr_6_a_revision_plan_is_carried_out_only_after_its_chain);

async fn r_apr_6_a_rejected_or_withdrawn_plan_is_never_carried_out(app: TestApp) {
    let cast = app.cast().await;
    let (rejected, req) = file(&app, &cast, &plan(&app, "monthly")).await;
    assert_eq!(
        app.decide(&req, &cast.dept.1, "reject").await.body["state"],
        "rejected"
    );
    let (withdrawn, req2) = file(&app, &cast, &plan(&app, "monthly")).await;
    let r = app
        .post(
            &format!("/api/v1/approvals/{req2}/withdraw"),
            Some(&cast.designer.1),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for (id, status) in [(&rejected, "rejected"), (&withdrawn, "withdrawn")] {
        let r = app
            .get(&format!("/api/v1/page-revisions/{id}"), &cast.designer.1)
            .await;
        assert_eq!(r.body["status"], status);
        let r = execute(&app, &cast.designer.1, id).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{status}: {}", r.text);
        assert_eq!(r.body["code"], "revision_not_approved");
    }
    let r = app
        .get("/api/v1/page-revisions?status=rejected", &cast.designer.1)
        .await;
    let items = r.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], rejected.as_str());
}
dual!(r_apr_6_a_rejected_or_withdrawn_plan_is_never_carried_out);

async fn r_apr_5_an_approved_revision_not_carried_out_in_48_hours_is_overdue(app: TestApp) {
    let cast = app.cast().await;
    let (id, req) = file(&app, &cast, &plan(&app, "biweekly")).await;
    app.decide(&req, &cast.dept.1, "approve").await;
    app.decide(&req, &cast.marketing.1, "approve").await;
    // Publication goes through the plan, never around it.
    let r = app
        .post(
            &format!("/api/v1/approvals/{req}/published"),
            Some(&cast.storefront.1),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.body["code"], "publish_through_subject");

    app.clock.advance(Duration::hours(47));
    let r = app
        .get(&format!("/api/v1/page-revisions/{id}"), &cast.dept.1)
        .await;
    assert_eq!(r.body["overdue"], false, "due, not overdue");
    let overdue = app
        .get("/api/v1/approvals/publications?overdue=true", &cast.dept.1)
        .await;
    assert_eq!(overdue.body["items"], json!([]));

    app.clock.advance(Duration::hours(2));
    let r = app
        .get(&format!("/api/v1/page-revisions/{id}"), &cast.dept.1)
        .await;
    assert_eq!(r.body["overdue"], true);
    let overdue = app
        .get("/api/v1/approvals/publications?overdue=true", &cast.dept.1)
        .await;
    let items = overdue.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 1, "{}", overdue.text);
    assert_eq!(items[0]["id"], req.as_str());
    let s = app
        .get("/api/v1/page-revisions/schedule", &cast.dept.1)
        .await;
    let home = &s.body[0];
    assert_eq!(home["page"], "home");
    assert_eq!(home["awaiting_execution"][0]["id"], id.as_str());
    assert_eq!(home["awaiting_execution"][0]["overdue"], true);

    // Carried out late: no longer listed as due.
    assert_eq!(
        execute(&app, &cast.designer.1, &id).await.status,
        StatusCode::OK
    );
    let overdue = app
        .get("/api/v1/approvals/publications?overdue=true", &cast.dept.1)
        .await;
    assert_eq!(overdue.body["items"], json!([]));
}
dual!(
    r_apr_5_an_approved_revision_not_carried_out_in_48_hours_is_overdue,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 7 * 86_400
);

async fn r_apr_6_the_schedule_shows_when_the_next_revision_is_due(app: TestApp) {
    let cast = app.cast().await;
    let s = app
        .get("/api/v1/page-revisions/schedule", &cast.designer.1)
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    assert_eq!(s.body[0]["page"], "home");
    assert_eq!(s.body[0]["last_executed_at"], json!(null));
    assert_eq!(
        s.body[0]["next_due"],
        today(&app).to_string(),
        "never revised: due now"
    );

    let (id, req) = file(&app, &cast, &plan(&app, "biweekly")).await;
    let s = app
        .get("/api/v1/page-revisions/schedule", &cast.designer.1)
        .await;
    assert_eq!(s.body[0]["pending"][0]["id"], id.as_str());
    app.decide(&req, &cast.dept.1, "approve").await;
    app.decide(&req, &cast.marketing.1, "approve").await;
    execute(&app, &cast.designer.1, &id).await;
    let day = today(&app);
    let s = app
        .get("/api/v1/page-revisions/schedule", &cast.designer.1)
        .await;
    assert_eq!(s.body[0]["cadence"], "biweekly");
    assert_eq!(s.body[0]["last_revision_id"], id.as_str());
    assert_eq!(
        s.body[0]["next_due"],
        (day + Duration::days(14)).to_string()
    );
    assert_eq!(s.body[0]["days_overdue"], 0);
    assert_eq!(s.body[0]["pending"], json!([]));
    assert_eq!(s.body[0]["awaiting_execution"], json!([]));

    app.clock.advance(Duration::days(16));
    let s = app
        .get("/api/v1/page-revisions/schedule", &cast.designer.1)
        .await;
    assert_eq!(s.body[0]["days_overdue"], 2);

    // A monthly plan for another page sets that page's rhythm only.
    let mut other = plan(&app, "monthly");
    other["page"] = json!("tea-sets");
    let (id2, req2) = file(&app, &cast, &other).await;
    app.decide(&req2, &cast.dept.1, "approve").await;
    app.decide(&req2, &cast.marketing.1, "approve").await;
    execute(&app, &cast.designer.1, &id2).await;
    let day2 = today(&app);
    let s = app
        .get("/api/v1/page-revisions/schedule", &cast.designer.1)
        .await;
    let pages: Vec<Value> = s.body.as_array().cloned().unwrap_or_default();
    assert_eq!(pages.len(), 2, "{}", s.text);
    let tea = pages
        .iter()
        .find(|p| p["page"] == "tea-sets")
        .cloned()
        .unwrap_or_default();
    assert_eq!(tea["cadence"], "monthly");
    assert_eq!(
        tea["next_due"],
        day2.checked_add_months(chrono::Months::new(1))
            .map(|d| d.to_string())
            .unwrap_or_default()
    );
    let home = pages
        .iter()
        .find(|p| p["page"] == "home")
        .cloned()
        .unwrap_or_default();
    assert_eq!(home["days_overdue"], 2);
}
dual!(
    r_apr_6_the_schedule_shows_when_the_next_revision_is_due,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);

async fn bad_revision_plans_are_refused_and_nothing_is_filed(app: TestApp) {
    let cast = app.cast().await;
    let good = plan(&app, "biweekly");
    let r = app
        .post("/api/v1/page-revisions", Some(&cast.planner.1), &good)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only designers file plans");

    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!({"planned_for": today(&app) - Duration::days(1)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "planned_for",
        ),
        (
            json!({"planned_for": today(&app) + Duration::days(800)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "planned_for",
        ),
        (
            json!({"areas": ["colors", "colors"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "areas.1",
        ),
        (
            json!({"areas": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "areas",
        ),
        (
            json!({"plan": "too short"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "plan",
        ),
        (
            json!({"page": "Home Page!"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "page",
        ),
        (
            json!({"cadence": "weekly"}),
            StatusCode::BAD_REQUEST,
            "cadence",
        ),
        (
            json!({"areas": ["music"]}),
            StatusCode::BAD_REQUEST,
            "areas",
        ),
        (
            json!({"planned_for": "next tuesday"}),
            StatusCode::BAD_REQUEST,
            "planned_for",
        ),
        (
            json!({"budget_fen": 100}),
            StatusCode::BAD_REQUEST,
            "budget_fen",
        ),
    ];
    for (patch, status, field) in cases {
        let mut body = good.clone();
        if let (Some(b), Some(p)) = (body.as_object_mut(), patch.as_object()) {
            for (k, v) in p {
                b.insert(k.clone(), v.clone());
            }
        }
        let r = app
            .post("/api/v1/page-revisions", Some(&cast.designer.1), &body)
            .await;
        assert_eq!(r.status, status, "{patch}: {}", r.text);
        assert!(
            r.text.contains(field),
            "{patch}: the answer names `{field}`: {}",
            r.text
        );
    }
    let list = app.get("/api/v1/page-revisions", &cast.designer.1).await;
    assert_eq!(list.body["items"], json!([]), "nothing was filed");
    let mine = app
        .get("/api/v1/approvals?view=mine", &cast.designer.1)
        .await;
    assert_eq!(mine.body["items"], json!([]), "no request was filed");
    let r = app
        .get(
            "/api/v1/page-revisions/0191f1c2-0000-7000-8000-000000000000",
            &cast.designer.1,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
dual!(bad_revision_plans_are_refused_and_nothing_is_filed);

async fn r_apr_7_a_manager_who_is_also_marketing_director_passes_a_revision_in_one_decision(
    app: TestApp,
) {
    use ecops_domain::{JobRole, PermissionLevel};
    let cast = app.cast().await;
    let (_, both) = app
        .user_token(
            "ma.nager",
            &[JobRole::DeptManager, JobRole::MarketingDirector],
            PermissionLevel::Operator,
        )
        .await;
    let (id, req) = file(&app, &cast, &plan(&app, "monthly")).await;
    let d = app.decide(&req, &both, "approve").await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(d.body["state"], "approved");
    let steps: Vec<(i64, String)> = d.body["decisions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    (
                        x["step"].as_i64().unwrap_or(-1),
                        x["role"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        steps,
        vec![
            (0, "dept_manager".to_owned()),
            (1, "marketing_director".to_owned())
        ],
        "recorded once per step"
    );
    assert_eq!(
        execute(&app, &cast.designer.1, &id).await.status,
        StatusCode::OK
    );
    // The proposer never decides, whatever roles they hold.
    let (_, proposer) = app
        .user_token(
            "de.signer2",
            &[
                JobRole::Designer,
                JobRole::DeptManager,
                JobRole::MarketingDirector,
            ],
            PermissionLevel::Operator,
        )
        .await;
    let r = app
        .post(
            "/api/v1/page-revisions",
            Some(&proposer),
            &plan(&app, "monthly"),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let own = r.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.decide(&own, &proposer, "approve")
        .await
        .assert_problem(403, "own_request");
}
dual!(r_apr_7_a_manager_who_is_also_marketing_director_passes_a_revision_in_one_decision);
