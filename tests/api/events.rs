//! The event feed (transactional outbox): every change's event is written in the change's own
//! transaction, in commit order, with the resource as the API shows it; a change refused or
//! rolled back has none.

use ecops_tests::{dual, Reply, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn items(r: &Reply) -> Vec<Value> {
    r.body["items"].as_array().cloned().unwrap_or_default()
}

fn types(r: &Reply) -> Vec<String> {
    items(r)
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn an_order_and_its_events_reach_the_feed_as_the_api_shows_them(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "TEA-1", 5_000, 10).await;
    // Listing went through its approval: the decision and the listing are in the feed.
    let feed = app.get("/api/v1/events", &cast.it.1).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.text);
    let seen = types(&feed);
    assert!(seen.contains(&"approval.decided".to_owned()), "{seen:?}");
    let listed = items(&feed)
        .into_iter()
        .find(|e| e["type"] == "product.listed")
        .unwrap_or_else(|| panic!("{seen:?}"));
    assert_eq!(listed["data"]["status"], "listed", "{listed}");
    let after = feed.body["next_after"].as_i64().unwrap_or_default();
    // An order, then its contact.
    let placed = app.order(&cast, &app.order_body("E-1", "TEA-1", 2)).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.text);
    let id = placed.body["id"].as_str().unwrap_or_default().to_owned();
    let created = app.get(&format!("/api/v1/orders/{id}"), &cast.cs.1).await;
    let contacted = app
        .event(
            &id,
            &cast.cs.1,
            json!({"kind": "customer_contacted", "outcome": "confirmed", "note": "confirmed the address"}),
        )
        .await;
    assert!(contacted.status.is_success(), "{}", contacted.text);
    let now = app.get(&format!("/api/v1/orders/{id}"), &cast.cs.1).await;
    // A refused order (more than is in stock) leaves nothing in the feed.
    let refused = app.order(&cast, &app.order_body("E-2", "TEA-1", 50)).await;
    assert!(refused.status.is_client_error(), "{}", refused.text);
    let feed = app
        .get(&format!("/api/v1/events?after={after}"), &cast.it.1)
        .await;
    assert_eq!(
        types(&feed),
        ["order.created", "order.event_appended"],
        "{}",
        feed.text
    );
    let events = items(&feed);
    assert_eq!(
        events[0]["data"], created.body,
        "the order as the API showed it then"
    );
    assert_eq!(events[1]["data"], now.body);
    assert_eq!(events[1]["context"]["kind"], "customer_contacted");
    assert_eq!(events[0]["resource_id"], json!(id));
    assert_eq!(
        events[1]["seq"].as_i64(),
        events[0]["seq"].as_i64().map(|s| s + 1)
    );
    // Read from the last number: nothing new, the same number back.
    let last = feed.body["next_after"].as_i64().unwrap_or_default();
    let again = app
        .get(&format!("/api/v1/events?after={last}"), &cast.it.1)
        .await;
    assert_eq!(again.body["items"], json!([]));
    assert_eq!(again.body["next_after"], last);
    // Filtered by type.
    let only = app
        .get("/api/v1/events?type=order.created", &cast.it.1)
        .await;
    assert_eq!(types(&only), ["order.created"]);
    // The last of the stock sold: the product is delisted by itself (R-PRD-4), and partners
    // learn it like any other delisting.
    let rest = app.order(&cast, &app.order_body("E-3", "TEA-1", 8)).await;
    assert_eq!(rest.status, StatusCode::CREATED, "{}", rest.text);
    let feed = app
        .get(&format!("/api/v1/events?after={last}"), &cast.it.1)
        .await;
    assert_eq!(
        types(&feed),
        ["product.delisted", "order.created"],
        "{}",
        feed.text
    );
    let delisted = &items(&feed)[0];
    assert_eq!(delisted["context"]["reason"], "out_of_stock");
    assert_eq!(delisted["data"]["status"], "delisted");
    // A decision on a request partners do not follow (a permission level) stays inside.
    let last = feed.body["next_after"].as_i64().unwrap_or_default();
    let admin = app.admin_token().await;
    let level = app
        .post(
            &format!("/api/v1/users/{}/permission-level-requests", cast.planner.0),
            Some(&admin),
            &json!({"permission_level": "db_admin", "reason": "backups"}),
        )
        .await;
    let request = level.body["id"].as_str().unwrap_or_default().to_owned();
    let decided = app.decide(&request, &cast.marketing.1, "reject").await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.text);
    let feed = app
        .get(&format!("/api/v1/events?after={last}"), &cast.it.1)
        .await;
    assert_eq!(feed.body["items"], json!([]), "{}", feed.text);
}
dual!(an_order_and_its_events_reach_the_feed_as_the_api_shows_them);

/// R-SEC-5: the feed carries customers' data: the supervisor, the managers and IT read it (a
/// token of theirs with `events:read`); every page read and every refusal is on record.
async fn the_feed_is_for_those_who_may_take_data_out_and_every_read_is_audited(app: TestApp) {
    let cast = app.cast().await;
    app.get("/api/v1/events", &cast.cs.1)
        .await
        .assert_problem(403, "missing_role");
    app.get("/api/v1/events?type=order.teleported", &cast.it.1)
        .await
        .assert_problem(400, "invalid_query");
    let admin = app.admin_token().await;
    let token = |user: uuid::Uuid, scopes: Value| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let t = app
                .post(
                    "/api/v1/api-tokens",
                    Some(&admin),
                    &json!({"name": "erp bridge", "user_id": user, "scopes": scopes}),
                )
                .await;
            assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
            t.body["token"].as_str().unwrap_or_default().to_owned()
        }
    };
    let without = token(cast.dept.0, json!(["orders:read"])).await;
    app.get("/api/v1/events", &without)
        .await
        .assert_problem(403, "missing_scope");
    let warehouse = token(cast.warehouse.0, json!(["events:read"])).await;
    app.get("/api/v1/events", &warehouse)
        .await
        .assert_problem(403, "missing_role");
    app.listed(&cast, "TEA-5", 5_000, 10).await;
    let with = token(cast.dept.0, json!(["events:read"])).await;
    let r = app.get("/api/v1/events", &with).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!items(&r).is_empty());
    let trail = app
        .get("/api/v1/audit?action=events.read", &cast.it.1)
        .await;
    let outcomes: Vec<&str> = trail.body["items"]
        .as_array()
        .map(|l| l.iter().filter_map(|e| e["outcome"].as_str()).collect())
        .unwrap_or_default();
    assert!(outcomes.contains(&"success"), "{}", trail.text);
    assert_eq!(
        outcomes.iter().filter(|o| **o == "refused").count(),
        3,
        "{}",
        trail.text
    );
}
dual!(the_feed_is_for_those_who_may_take_data_out_and_every_read_is_audited);

/// Twenty orders at once: twenty events numbered without a gap or a repeat, each order once.
async fn twenty_orders_at_once_are_numbered_in_commit_order(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "TEA-9", 5_000, 100).await;
    let start = app.get("/api/v1/events", &cast.it.1).await.body["next_after"]
        .as_i64()
        .unwrap_or_default();
    let bodies: Vec<Value> = (0..20)
        .map(|i| app.order_body(&format!("C-{i}"), "TEA-9", 1))
        .collect();
    let replies = futures_util::future::join_all(bodies.iter().map(|b| app.order(&cast, b))).await;
    assert!(replies.iter().all(|r| r.status == StatusCode::CREATED));
    let feed = app
        .get(&format!("/api/v1/events?after={start}"), &cast.it.1)
        .await;
    let events = items(&feed);
    assert_eq!(events.len(), 20, "{}", feed.text);
    let seqs: Vec<i64> = events.iter().filter_map(|e| e["seq"].as_i64()).collect();
    let expected: Vec<i64> = (start + 1..=start + 20).collect();
    assert_eq!(seqs, expected);
    let mut ids: Vec<String> = events
        .iter()
        .map(|e| e["resource_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
}
dual!(twenty_orders_at_once_are_numbered_in_commit_order);
