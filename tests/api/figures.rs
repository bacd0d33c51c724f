//! R-REP-4: the department's figures for a period match what was done, counted by hand.

use chrono::{DateTime, TimeZone, Utc};
use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap_or_else(|| panic!("bad instant"))
}

fn find<'a>(rows: &'a Value, key: &str, value: &str) -> &'a Value {
    rows.as_array()
        .into_iter()
        .flatten()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row {key}={value} in {rows}"))
}

async fn r_rep_4_the_figures_match_a_hand_counted_day(app: TestApp) {
    // 10:00 in Shanghai on 1 December.
    app.clock.set(at(2026, 12, 1, 2, 0));
    let cast = app.cast().await;
    app.listed(&cast, "FIG-1", 1500, 100).await;
    let order = |no: &str, channel: &str, qty: i64| {
        let mut b = app.order_body(no, "FIG-1", qty);
        b["channel"] = json!(channel);
        b
    };
    let mut ids = Vec::new();
    for (no, channel, qty) in [("t-1", "taobao", 2), ("t-2", "taobao", 1), ("j-1", "jd", 3)] {
        let r = app.order(&cast, &order(no, channel, qty)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap_or_default().to_owned());
    }
    let contact = json!({"kind": "customer_contacted", "outcome": "confirmed", "note": "called"});
    // t-1 contacted after 5 minutes (met), t-2 after 15 (missed); j-1 never (missed once due).
    app.clock.set(at(2026, 12, 1, 2, 5));
    assert_eq!(
        app.event(&ids[0], &cast.cs.1, contact.clone()).await.status,
        StatusCode::CREATED
    );
    app.clock.set(at(2026, 12, 1, 2, 15));
    assert_eq!(
        app.event(&ids[1], &cast.cs.1, contact.clone()).await.status,
        StatusCode::CREATED
    );
    // A refund on t-1 and a return on j-1.
    let r = app
        .post("/api/v1/aftersales", Some(&cast.cs.1), &json!({"order_id": ids[0], "kind": "refund", "description": "goodwill", "refund_fen": 500}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = app
        .post("/api/v1/aftersales", Some(&cast.cs.1), &json!({"order_id": ids[2], "kind": "return", "lines": [{"line_no": 1, "quantity": 1}], "description": "wrong size", "refund_fen": 1500}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // 01:00 on 2 December in Shanghai is still 1 December in UTC: it counts on the 2nd.
    app.clock.set(at(2026, 12, 1, 17, 0));
    let r = app.order(&cast, &order("t-3", "taobao", 1)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A news item approved two hours after it was submitted, a price change still pending.
    let news = app
        .post(
            "/api/v1/content",
            Some(&cast.planner.1),
            &json!({"kind": "news", "title": "Figures"}),
        )
        .await;
    let id = news.body["id"].as_str().unwrap_or_default().to_owned();
    let sub = app
        .post(
            &format!("/api/v1/content/{id}/submit"),
            Some(&cast.planner.1),
            &json!({"reason": "r"}),
        )
        .await;
    let req = sub.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.clock.set(at(2026, 12, 1, 19, 0));
    assert_eq!(
        app.decide(&req, &cast.marketing.1, "approve").await.status,
        StatusCode::OK
    );

    app.clock.set(at(2026, 12, 2, 4, 0));
    let r = app
        .get(
            "/api/v1/reports/figures?from=2026-12-01&to=2026-12-02",
            &cast.dept.1,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let f = &r.body;
    assert_eq!(
        f["orders_by_day"],
        json!([
            {"day": "2026-12-01", "channel": "jd", "orders": 1, "total_fen": 4500},
            {"day": "2026-12-01", "channel": "taobao", "orders": 2, "total_fen": 4500},
            {"day": "2026-12-02", "channel": "taobao", "orders": 1, "total_fen": 1500},
        ])
    );
    let me = find(&f["contact"], "user_id", &cast.cs.0.to_string());
    assert_eq!(
        (
            me["orders"].clone(),
            me["met"].clone(),
            me["missed"].clone()
        ),
        (json!(4), json!(1), json!(3)),
        "{me}"
    );
    let refund = find(&f["aftersales"], "kind", "refund");
    assert_eq!(
        (refund["opened"].clone(), refund["refund_fen"].clone()),
        (json!(1), json!(500))
    );
    let ret = find(&f["aftersales"], "kind", "return");
    assert_eq!(
        (ret["opened"].clone(), ret["refund_fen"].clone()),
        (json!(1), json!(1500))
    );
    let news = find(&f["approvals"], "kind", "news");
    assert_eq!(
        (news["requests"].clone(), news["approved"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(news["median_hours_to_decision"], json!(2.0), "{news}");
    // The listing approved the instant it was filed in the test set-up.
    let listing = find(&f["approvals"], "kind", "listing");
    assert_eq!(listing["requests"], 1);
    let sum: i64 = f["orders_by_status"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["orders"].as_i64())
        .sum();
    assert_eq!(sum, 4);

    // One table as CSV, the same numbers.
    let csv = app
        .get(
            "/api/v1/reports/figures?from=2026-12-01&to=2026-12-02&format=csv&table=orders_by_day",
            &cast.dept.1,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert!(
        csv.text.contains("2026-12-02,taobao,1,1500"),
        "{}",
        csv.text
    );
    // Bad input and the wrong people.
    app.get(
        "/api/v1/reports/figures?from=2026-12-02&to=2026-12-01",
        &cast.dept.1,
    )
    .await
    .assert_problem(400, "invalid_query");
    app.get(
        "/api/v1/reports/figures?from=2026-12-01&to=2026-12-02&format=csv",
        &cast.dept.1,
    )
    .await
    .assert_problem(400, "invalid_query");
    app.get(
        "/api/v1/reports/figures?from=2026-12-01&to=2026-12-02",
        &cast.cs.1,
    )
    .await
    .assert_problem(403, "missing_role");
}
dual!(
    r_rep_4_the_figures_match_a_hand_counted_day,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 30 * 86_400
);
