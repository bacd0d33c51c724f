//! R-PRD-7: promotions through approval, effective by the clock, never overlapping.

use chrono::Duration;
use ecops_tests::{dual, ClockExt, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn r_prd_7_an_approved_promotion_sets_the_price_only_while_active(app: TestApp) {
    let cast = app.cast().await;
    let a = app.listed(&cast, "PROMO-A", 10_000, 5).await;
    let b = app.listed(&cast, "PROMO-B", 20_000, 5).await;
    let start = app.clock.now_utc() + Duration::hours(1);
    let end = start + Duration::hours(24);
    let r = app
        .post("/api/v1/promotions", Some(&cast.planner.1),
            &json!({"name": "Double 11", "skus": ["PROMO-A", "promo-b"], "percent_off": 20, "start_at": start, "end_at": end, "reason": "festival"}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["promotion"]["state"], "pending");
    let req = r.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.clock.advance(Duration::hours(2));
    assert_eq!(
        app.product(&a, &cast.cs.1).await.body["effective_price_fen"],
        10_000,
        "not before approval"
    );
    assert_eq!(
        app.decide(&req, &cast.marketing.1, "approve").await.body["state"],
        "approved"
    );
    let pa = app.product(&a, &cast.cs.1).await;
    assert_eq!(pa.body["effective_price_fen"], 8_000);
    assert_eq!(pa.body["price_fen"], 10_000);
    assert_eq!(pa.body["active_promotion"]["name"], "Double 11");
    assert_eq!(
        app.product(&b, &cast.cs.1).await.body["effective_price_fen"],
        16_000
    );
    app.clock.advance(Duration::hours(24));
    let pa = app.product(&a, &cast.cs.1).await;
    assert_eq!(pa.body["effective_price_fen"], 10_000, "it ends by itself");
    assert_eq!(pa.body["active_promotion"], json!(null));
    let history = app
        .get(&format!("/api/v1/products/{a}/price-history"), &cast.cs.1)
        .await;
    let promo = history
        .body
        .as_array()
        .and_then(|h| h.iter().find(|e| e["source"] == "promotion").cloned())
        .unwrap_or_default();
    assert_eq!(promo["percent_off"], 20);
    assert_eq!(promo["approver_id"], cast.marketing.0.to_string());
    assert_eq!(promo["proposer_id"], cast.planner.0.to_string());
}
// The clock moves by hours here: tokens must outlive it.
dual!(
    r_prd_7_an_approved_promotion_sets_the_price_only_while_active,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 7 * 86_400
);

async fn r_prd_7_overlapping_promotions_and_bad_windows_are_refused(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "OVL-1", 10_000, 5).await;
    app.listed(&cast, "OVL-2", 10_000, 5).await;
    let t0 = app.clock.now_utc() + Duration::hours(1);
    let body = |skus: serde_json::Value, from: i64, to: i64| json!({"name": "p", "skus": skus, "promo_price_fen": 7000, "start_at": t0 + Duration::hours(from), "end_at": t0 + Duration::hours(to), "reason": "r"});
    assert_eq!(
        app.post(
            "/api/v1/promotions",
            Some(&cast.planner.1),
            &body(json!(["OVL-1"]), 0, 10)
        )
        .await
        .status,
        StatusCode::ACCEPTED
    );
    app.post(
        "/api/v1/promotions",
        Some(&cast.planner.1),
        &body(json!(["OVL-2", "OVL-1"]), 5, 15),
    )
    .await
    .assert_problem(422, "promotion_overlap");
    // Touching windows are fine.
    assert_eq!(
        app.post(
            "/api/v1/promotions",
            Some(&cast.planner.1),
            &body(json!(["OVL-1"]), 10, 20)
        )
        .await
        .status,
        StatusCode::ACCEPTED
    );
    let r = app
        .post(
            "/api/v1/promotions",
            Some(&cast.planner.1),
            &body(json!(["OVL-2"]), 5, 4),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), vec!["end_at".to_owned()]);
    let r = app
        .post(
            "/api/v1/promotions",
            Some(&cast.planner.1),
            &body(json!(["NOPE-9"]), 30, 40),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), vec!["skus.0".to_owned()]);
    let mut both = body(json!(["OVL-2"]), 30, 40);
    both["percent_off"] = json!(10);
    app.post("/api/v1/promotions", Some(&cast.planner.1), &both)
        .await
        .assert_problem(422, "validation_failed");
    let mut above = body(json!(["OVL-2"]), 30, 40);
    above["promo_price_fen"] = json!(12_000);
    app.post("/api/v1/promotions", Some(&cast.planner.1), &above)
        .await
        .assert_problem(422, "validation_failed");
    app.post(
        "/api/v1/promotions",
        Some(&cast.storefront.1),
        &body(json!(["OVL-2"]), 30, 40),
    )
    .await
    .assert_problem(403, "missing_role");
}
dual!(r_prd_7_overlapping_promotions_and_bad_windows_are_refused);

async fn r_prd_7_a_rejected_promotion_frees_its_window(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "FREE-1", 10_000, 5).await;
    let t0 = app.clock.now_utc() + Duration::hours(1);
    let body = json!({"name": "p", "skus": ["FREE-1"], "percent_off": 10, "start_at": t0, "end_at": t0 + Duration::hours(5), "reason": "r"});
    let r = app
        .post("/api/v1/promotions", Some(&cast.planner.1), &body)
        .await;
    let req = r.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let promo = r.body["promotion"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.decide(&req, &cast.marketing.1, "reject").await;
    assert_eq!(
        app.get(&format!("/api/v1/promotions/{promo}"), &cast.cs.1)
            .await
            .body["state"],
        "rejected"
    );
    assert_eq!(
        app.post("/api/v1/promotions", Some(&cast.planner.1), &body)
            .await
            .status,
        StatusCode::ACCEPTED
    );
}
dual!(r_prd_7_a_rejected_promotion_frees_its_window);
