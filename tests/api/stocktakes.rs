//! R-PRD-9: stocktakes post their differences and show what is due for counting.

use chrono::Duration;
use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn r_prd_9_a_stocktake_posts_differences_and_marks_skus_counted(app: TestApp) {
    let cast = app.cast().await;
    let a = app.listed(&cast, "CNT-A", 1000, 10).await;
    let b = app.listed(&cast, "CNT-B", 1000, 4).await;
    let overdue = app
        .get(
            "/api/v1/products?stocktake_overdue=true",
            &cast.storefront.1,
        )
        .await;
    assert_eq!(
        overdue.body["items"].as_array().map(Vec::len),
        Some(2),
        "never counted: due"
    );
    let s = app
        .post(
            "/api/v1/stocktakes",
            Some(&cast.storefront.1),
            &json!({"note": "Monday count"}),
        )
        .await;
    assert_eq!(s.status, StatusCode::CREATED, "{}", s.text);
    let sid = s.body["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/api/v1/stocktakes/{sid}/counts");
    let count = |sku: &'static str, qty: i64| {
        let (app, path, token) = (&app, path.clone(), cast.warehouse.1.clone());
        async move {
            app.post(
                &path,
                Some(&token),
                &json!({"sku": sku, "counted_qty": qty}),
            )
            .await
        }
    };
    assert_eq!(count("CNT-A", 8).await.status, StatusCode::OK);
    let r = count("cnt-b", 0).await;
    assert_eq!(r.body["lines"][1]["difference"], -4, "{}", r.text);
    count("NOPE-1", 3)
        .await
        .assert_problem(422, "validation_failed");
    let posted = app
        .post(
            &format!("/api/v1/stocktakes/{sid}/post"),
            Some(&cast.storefront.1),
            &json!({}),
        )
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.text);
    assert_eq!(posted.body["state"], "posted");
    let pa = app.product(&a, &cast.storefront.1).await;
    assert_eq!(pa.body["stock"], 8);
    assert_eq!(pa.body["stocktake_overdue"], false);
    let pb = app.product(&b, &cast.storefront.1).await;
    assert_eq!(pb.body["stock"], 0);
    assert_eq!(
        pb.body["status"], "delisted",
        "a count of zero delists (R-PRD-4)"
    );
    let moves = app
        .get(
            &format!("/api/v1/products/{a}/stock-movements"),
            &cast.storefront.1,
        )
        .await;
    assert_eq!(moves.body["items"][0]["reason"], "stocktake");
    assert_eq!(moves.body["items"][0]["delta"], -2);
    app.post(
        &format!("/api/v1/stocktakes/{sid}/post"),
        Some(&cast.storefront.1),
        &json!({}),
    )
    .await
    .assert_problem(409, "stocktake_posted");
    count("CNT-A", 1)
        .await
        .assert_problem(409, "stocktake_posted");
    assert_eq!(
        app.get(
            "/api/v1/products?stocktake_overdue=true",
            &cast.storefront.1
        )
        .await
        .body["items"],
        json!([])
    );
    app.clock.advance(Duration::days(2) + Duration::minutes(1));
    assert_eq!(
        app.get(
            "/api/v1/products?stocktake_overdue=true",
            &cast.storefront.1
        )
        .await
        .body["items"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    app.post("/api/v1/stocktakes", Some(&cast.planner.1), &json!({}))
        .await
        .assert_problem(403, "missing_role");
}
// The clock moves by hours here: tokens must outlive it.
dual!(
    r_prd_9_a_stocktake_posts_differences_and_marks_skus_counted,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 7 * 86_400
);

/// The stocktakes list: newest first with their lines, open ones found by `state=open`, paged
/// through the cursor; a bad state is a 400 naming the field.
async fn stocktakes_are_listed_newest_first_with_their_lines(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "LST-A", 1000, 5).await;
    let mut ids = Vec::new();
    for note in ["first", "second", "third"] {
        let s = app
            .post(
                "/api/v1/stocktakes",
                Some(&cast.storefront.1),
                &json!({ "note": note }),
            )
            .await;
        assert_eq!(s.status, StatusCode::CREATED, "{}", s.text);
        ids.push(s.body["id"].as_str().unwrap_or_default().to_owned());
    }
    let counted = app
        .post(
            &format!("/api/v1/stocktakes/{}/counts", ids[0]),
            Some(&cast.warehouse.1),
            &json!({"sku": "LST-A", "counted_qty": 4}),
        )
        .await;
    assert_eq!(counted.status, StatusCode::OK, "{}", counted.text);
    let posted = app
        .post(
            &format!("/api/v1/stocktakes/{}/post", ids[1]),
            Some(&cast.storefront.1),
            &json!({}),
        )
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.text);

    let all = app.get("/api/v1/stocktakes", &cast.warehouse.1).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    let notes: Vec<&str> = all.body["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["note"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(notes, ["third", "second", "first"]);
    assert_eq!(all.body["items"][2]["lines"][0]["sku"], "LST-A");
    assert_eq!(all.body["items"][2]["lines"][0]["difference"], -1);

    let open = app
        .get("/api/v1/stocktakes?state=open&limit=1", &cast.warehouse.1)
        .await;
    assert_eq!(open.body["items"][0]["note"], "third");
    let cursor = open.body["next_cursor"].as_str().unwrap_or_default();
    let next = app
        .get(
            &format!("/api/v1/stocktakes?state=open&limit=1&cursor={cursor}"),
            &cast.warehouse.1,
        )
        .await;
    assert_eq!(next.body["items"][0]["note"], "first");
    assert_eq!(next.body["next_cursor"], serde_json::Value::Null);

    app.get("/api/v1/stocktakes?state=done", &cast.warehouse.1)
        .await
        .assert_problem(400, "invalid_query");
}
dual!(stocktakes_are_listed_newest_first_with_their_lines);
