//! After-sales (R-AFS-1..3) over HTTP, on both databases.

use chrono::Duration;
use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn r_afs_1_returns_restock_and_refunds_never_exceed_what_was_paid(app: TestApp) {
    let cast = app.cast().await;
    let product = app.listed(&cast, "RET-1", 1000, 10).await;
    let o = app.order(&cast, &app.order_body("ret-1", "RET-1", 3)).await;
    let order = o.body["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(app.product(&product, &cast.cs.1).await.body["stock"], 7);
    let r = app
        .post("/api/v1/aftersales", Some(&cast.cs.1), &json!({"order_id": order, "kind": "return", "lines": [{"line_no": 1, "quantity": 2}], "description": "wrong size", "refund_fen": 2000}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["lines"][0]["sku"], "RET-1");
    assert_eq!(
        app.product(&product, &cast.cs.1).await.body["stock"],
        9,
        "returned goods go back to stock"
    );
    // 3000 paid, 2000 refunded: 1001 more is too much, 1000 is fine.
    let too_much = app
        .post(
            "/api/v1/aftersales",
            Some(&cast.cs.1),
            &json!({"order_id": order, "kind": "refund", "description": "x", "refund_fen": 1001}),
        )
        .await;
    too_much.assert_problem(422, "refund_exceeds_paid");
    assert_eq!(too_much.error_fields(), vec!["refund_fen".to_owned()]);
    let ok = app.post("/api/v1/aftersales", Some(&cast.cs.1), &json!({"order_id": order, "kind": "refund", "description": "goodwill", "refund_fen": 1000})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    app.post("/api/v1/aftersales", Some(&cast.cs.1), &json!({"order_id": order, "kind": "return", "lines": [{"line_no": 1, "quantity": 4}], "description": "x"}))
        .await
        .assert_problem(422, "validation_failed");
    app.post("/api/v1/aftersales", Some(&cast.cs.1), &json!({"order_id": order, "kind": "repair", "lines": [{"line_no": 7, "quantity": 1}], "description": "x"}))
        .await
        .assert_problem(422, "validation_failed");
    // The order itself is untouched.
    let after = app
        .get(&format!("/api/v1/orders/{order}"), &cast.cs.1)
        .await;
    assert_eq!(after.body["total_fen"], 3000);
    assert_eq!(
        app.get(&format!("/api/v1/orders/{order}/verification"), &cast.cs.1)
            .await
            .body["valid"],
        true
    );
}
dual!(r_afs_1_returns_restock_and_refunds_never_exceed_what_was_paid);

async fn r_afs_1_concurrent_refunds_never_exceed_what_was_paid(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "REF-1", 1000, 10).await;
    let o = app.order(&cast, &app.order_body("ref-1", "REF-1", 1)).await;
    let order = o.body["id"].as_str().unwrap_or_default().to_owned();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let rb = app.request(reqwest::Method::POST, "/api/v1/aftersales", Some(&cast.cs.1)).json(&json!({"order_id": order, "kind": "refund", "description": "r", "refund_fen": 400}));
            tokio::spawn(async move { rb.send().await.map(|r| r.status().as_u16()).unwrap_or(0) })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap_or(0) {
            201 => ok += 1,
            422 => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok, 2, "1000 paid: only two refunds of 400 fit");
}
dual!(r_afs_1_concurrent_refunds_never_exceed_what_was_paid);

async fn r_afs_2_a_complaint_past_its_deadline_is_escalated_to_the_supervisor(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "CMP-1", 1000, 10).await;
    let o = app.order(&cast, &app.order_body("cmp-1", "CMP-1", 1)).await;
    let order = o.body["id"].as_str().unwrap_or_default().to_owned();
    let c = app
        .post(
            "/api/v1/aftersales",
            Some(&cast.cs.1),
            &json!({"order_id": order, "kind": "complaint", "description": "late delivery"}),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    assert_eq!(c.body["escalated"], false);
    let id = c.body["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        app.get("/api/v1/aftersales?escalated=true", &cast.cs.1)
            .await
            .body["items"],
        json!([])
    );
    app.clock
        .advance(Duration::hours(24) + Duration::minutes(1));
    let queue = app
        .get("/api/v1/aftersales?escalated=true", &cast.cs.1)
        .await;
    assert_eq!(queue.body["items"][0]["id"], id.as_str(), "{}", queue.text);
    assert_eq!(queue.body["items"][0]["escalated"], true);
    let etag = app
        .get(&format!("/api/v1/aftersales/{id}"), &cast.cs.1)
        .await
        .header("etag")
        .unwrap_or_default()
        .to_owned();
    let done = app
        .send(
            app.request(
                reqwest::Method::PATCH,
                &format!("/api/v1/aftersales/{id}"),
                Some(&cast.cs.1),
            )
            .header("if-match", &etag)
            .json(&json!({"status": "resolved", "customer_result": "apologised, coupon given"})),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["escalated"], false);
    let stale = app
        .send(
            app.request(
                reqwest::Method::PATCH,
                &format!("/api/v1/aftersales/{id}"),
                Some(&cast.cs.1),
            )
            .header("if-match", &etag)
            .json(&json!({"status": "closed"})),
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
}
dual!(
    r_afs_2_a_complaint_past_its_deadline_is_escalated_to_the_supervisor,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 7 * 86_400
);

async fn r_afs_3_daily_figures_and_factory_tables_for_any_period(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "REP-1", 1000, 10).await;
    let o = app.order(&cast, &app.order_body("rep-1", "REP-1", 2)).await;
    let order = o.body["id"].as_str().unwrap_or_default().to_owned();
    for (kind, refund) in [
        ("reissue", 0),
        ("repair", 0),
        ("refund", 500),
        ("complaint", 0),
    ] {
        let lines = if kind == "refund" || kind == "complaint" {
            json!([])
        } else {
            json!([{"line_no": 1, "quantity": 1}])
        };
        let r = app.post("/api/v1/aftersales", Some(&cast.cs.1), &json!({"order_id": order, "kind": kind, "lines": lines, "description": kind, "refund_fen": refund})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let (from, to) = (today - Duration::days(1), today + Duration::days(1));
    let daily = app
        .get(
            &format!("/api/v1/aftersales/reports/daily?from={from}&to={to}"),
            &cast.cs.1,
        )
        .await;
    assert_eq!(daily.status, StatusCode::OK, "{}", daily.text);
    assert_eq!(daily.body.as_array().map(Vec::len), Some(3));
    let total: i64 = daily
        .body
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|d| d["cases"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(total, 4);
    let factory = app
        .get(
            &format!("/api/v1/aftersales/reports/factory?from={from}&to={to}"),
            &cast.cs.1,
        )
        .await;
    let kinds: Vec<_> = factory
        .body
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| r["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        vec![json!("reissue"), json!("repair"), json!("refund")],
        "complaints do not go to the factory"
    );
    let csv = app
        .send(app.request(
            reqwest::Method::GET,
            &format!("/api/v1/aftersales/reports/factory?from={from}&to={to}&format=csv"),
            Some(&cast.cs.1),
        ))
        .await;
    assert!(csv
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/csv")));
    assert_eq!(csv.text.lines().count(), 4);
    app.get(
        &format!("/api/v1/aftersales/reports/daily?from={to}&to={from}"),
        &cast.cs.1,
    )
    .await
    .assert_problem(400, "invalid_query");
    app.get(
        "/api/v1/aftersales/reports/daily?from=yesterday&to=today",
        &cast.cs.1,
    )
    .await
    .assert_problem(400, "invalid_query");
}
dual!(r_afs_3_daily_figures_and_factory_tables_for_any_period);

async fn r_afs_1_returns_exchanges_and_gifts_beyond_customer_services_authority_go_to_the_supervisor(
    app: TestApp,
) {
    use ecops_domain::{JobRole, PermissionLevel};
    let cast = app.cast().await;
    app.listed(&cast, "GIFT-1", 15_000, 10).await;
    let (_, supervisor) = app
        .user_token(
            "cs.lead",
            &[JobRole::CsSupervisor],
            PermissionLevel::Operator,
        )
        .await;
    let o = app
        .order(&cast, &app.order_body("gift-1", "GIFT-1", 2))
        .await;
    let order = o.body["id"].as_str().unwrap_or_default().to_owned();
    let app = &app;
    let open = |token: &str, body: serde_json::Value| {
        let mut b = body;
        b["order_id"] = json!(order);
        let token = token.to_owned();
        async move { app.post("/api/v1/aftersales", Some(&token), &b).await }
    };
    // ¥150 of goods back and a ¥30 gift: within customer service's ¥200.
    let ok = open(
        &cast.cs.1,
        json!({"kind": "exchange", "lines": [{"line_no": 1, "quantity": 1}],
        "description": "wrong colour", "gift_fen": 3000, "gift_item": "tea sample"}),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(
        (ok.body["gift_fen"].as_i64(), ok.body["gift_item"].as_str()),
        (Some(3000), Some("tea sample"))
    );
    // ¥150 + a ¥60 gift is beyond it: refused, nothing written; the supervisor decides.
    let before = app
        .get(&format!("/api/v1/aftersales?order_id={order}"), &cast.cs.1)
        .await;
    let beyond = json!({"kind": "exchange", "lines": [{"line_no": 1, "quantity": 1}],
        "description": "second exchange", "gift_fen": 6000, "gift_item": "tea set"});
    open(&cast.cs.1, beyond.clone())
        .await
        .assert_problem(403, "beyond_authority");
    let after = app
        .get(&format!("/api/v1/aftersales?order_id={order}"), &cast.cs.1)
        .await;
    assert_eq!(before.body["items"], after.body["items"]);
    let r = open(&supervisor, beyond).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A gift names what is given.
    open(
        &cast.cs.1,
        json!({"kind": "complaint", "description": "late", "gift_fen": 500}),
    )
    .await
    .assert_problem(422, "validation_failed");
}
dual!(r_afs_1_returns_exchanges_and_gifts_beyond_customer_services_authority_go_to_the_supervisor);

async fn r_afs_1_a_logistics_exception_names_what_went_wrong(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "LOG-1", 1000, 10).await;
    let o = app.order(&cast, &app.order_body("log-1", "LOG-1", 1)).await;
    let order = o.body["id"].as_str().unwrap_or_default().to_owned();
    let r = app
        .post(
            "/api/v1/aftersales",
            Some(&cast.cs.1),
            &json!({"order_id": order,
            "kind": "logistics_exception", "logistics_issue": "shipping_reminder",
            "description": "customer asks where the parcel is"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["kind"], "logistics_exception");
    assert_eq!(r.body["logistics_issue"], "shipping_reminder");
    for body in [
        json!({"order_id": order, "kind": "logistics_exception", "description": "x"}),
        json!({"order_id": order, "kind": "logistics_exception", "logistics_issue": "late", "description": "x"}),
        json!({"order_id": order, "kind": "complaint", "logistics_issue": "lost", "description": "x"}),
    ] {
        let r = app
            .post("/api/v1/aftersales", Some(&cast.cs.1), &body)
            .await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(
            r.error_fields(),
            vec!["logistics_issue".to_owned()],
            "{body}"
        );
    }
}
dual!(r_afs_1_a_logistics_exception_names_what_went_wrong);
