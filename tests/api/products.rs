//! The product lifecycle (R-PRD-1..9, R-PUB-3, R-ACL-6) over HTTP, on both databases.

use chrono::{Duration, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn r_prd_3_a_product_reaches_listed_only_through_an_approved_listing(app: TestApp) {
    let cast = app.cast().await;
    let id = app.draft(&cast, "TEA-001", 2500).await;
    let p = app.product(&id, &cast.planner.1).await;
    assert_eq!(p.body["status"], "draft");
    assert_eq!(p.body["price_fen"], 2500);
    // No field or endpoint sets the status directly.
    let r = app
        .patch(
            &format!("/api/v1/products/{id}"),
            &cast.storefront.1,
            &json!({"status": "listed"}),
        )
        .await;
    r.assert_problem(400, "invalid_body");
    assert_eq!(r.error_fields(), vec!["status".to_owned()]);
    app.receive(&cast, &id, 10).await;
    let r = app
        .post(
            &format!("/api/v1/products/{id}/listing-requests"),
            Some(&cast.cs.1),
            &json!({"reason": "x"}),
        )
        .await;
    r.assert_problem(403, "missing_role");
    let r = app
        .post(
            &format!("/api/v1/products/{id}/listing-requests"),
            Some(&cast.storefront.1),
            &json!({"reason": "ready"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["chain"], json!([["marketing_director"]]));
    assert_eq!(
        app.product(&id, &cast.planner.1).await.body["status"],
        "pending_listing"
    );
    // A second listing request for a pending product is refused.
    app.post(
        &format!("/api/v1/products/{id}/listing-requests"),
        Some(&cast.planner.1),
        &json!({"reason": "x"}),
    )
    .await
    .assert_problem(409, "invalid_status");
    let req = r.body["id"].as_str().unwrap_or_default();
    assert_eq!(
        app.decide(req, &cast.marketing.1, "approve").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.product(&id, &cast.planner.1).await.body["status"],
        "listed"
    );
}
dual!(r_prd_3_a_product_reaches_listed_only_through_an_approved_listing);

async fn r_acl_1_viewers_see_listed_products_only(app: TestApp) {
    let cast = app.cast().await;
    let listed = app.listed(&cast, "VIS-1", 1000, 1).await;
    let draft = app.draft(&cast, "VIS-2", 1000).await;
    let (_, viewer) = app
        .user_token(
            "vi.ewer",
            &[JobRole::CustomerService],
            PermissionLevel::Viewer,
        )
        .await;
    let list = app.get("/api/v1/products", &viewer).await;
    let skus: Vec<_> = list.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| p["sku"].clone())
        .collect();
    assert_eq!(skus, vec![json!("VIS-1")]);
    assert_eq!(app.product(&listed, &viewer).await.status, StatusCode::OK);
    app.product(&draft, &viewer)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.get("/api/v1/products?status=draft", &viewer).await.body["items"],
        json!([])
    );
}
dual!(r_acl_1_viewers_see_listed_products_only);

async fn r_prd_4_stock_reaching_zero_delists_at_once_and_restock_does_not_relist(app: TestApp) {
    let cast = app.cast().await;
    let id = app.listed(&cast, "ZERO-1", 1000, 3).await;
    let r = app
        .post(
            &format!("/api/v1/products/{id}/stock-movements"),
            Some(&cast.warehouse.1),
            &json!({"delta": -3, "reason": "adjustment", "note": "damaged"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["stock"], 0);
    assert_eq!(
        r.body["status"], "delisted",
        "delisted in the same transaction"
    );
    let history = app
        .get(&format!("/api/v1/products/{id}/history"), &cast.planner.1)
        .await;
    let last = history
        .body
        .as_array()
        .and_then(|h| h.last().cloned())
        .unwrap_or_default();
    assert_eq!(last["reason"], "out_of_stock");
    // Never below zero.
    let r = app
        .post(
            &format!("/api/v1/products/{id}/stock-movements"),
            Some(&cast.warehouse.1),
            &json!({"delta": -1, "reason": "adjustment"}),
        )
        .await;
    r.assert_problem(422, "insufficient_stock");
    // Restocking does not relist; a new listing approval does.
    let r = app.receive(&cast, &id, 5).await;
    assert_eq!(r.body["status"], "delisted");
    let l = app
        .post(
            &format!("/api/v1/products/{id}/listing-requests"),
            Some(&cast.planner.1),
            &json!({"reason": "back"}),
        )
        .await;
    app.decide(
        l.body["id"].as_str().unwrap_or_default(),
        &cast.marketing.1,
        "approve",
    )
    .await;
    assert_eq!(
        app.product(&id, &cast.planner.1).await.body["status"],
        "listed"
    );
    let moves = app
        .get(
            &format!("/api/v1/products/{id}/stock-movements"),
            &cast.warehouse.1,
        )
        .await;
    assert_eq!(moves.body["items"].as_array().map(Vec::len), Some(3));
}
dual!(r_prd_4_stock_reaching_zero_delists_at_once_and_restock_does_not_relist);

async fn r_prd_4_concurrent_removals_never_take_stock_below_zero(app: TestApp) {
    let cast = app.cast().await;
    let id = app.listed(&cast, "CONC-1", 1000, 10).await;
    let tasks: Vec<_> = (0..30)
        .map(|_| {
            let rb = app
                .request(
                    Method::POST,
                    &format!("/api/v1/products/{id}/stock-movements"),
                    Some(&cast.warehouse.1),
                )
                .json(&json!({"delta": -1, "reason": "adjustment"}));
            tokio::spawn(async move { rb.send().await.map(|r| r.status().as_u16()).unwrap_or(0) })
        })
        .collect();
    let mut ok = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap_or(0) {
            201 => ok += 1,
            422 => refused += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((ok, refused), (10, 20));
    let p = app.product(&id, &cast.planner.1).await;
    assert_eq!(p.body["stock"], 0);
    assert_eq!(p.body["status"], "delisted");
}
dual!(r_prd_4_concurrent_removals_never_take_stock_below_zero);

async fn r_prd_5_abnormal_delisting_needs_the_department_manager(app: TestApp) {
    let cast = app.cast().await;
    let id = app.listed(&cast, "DEL-1", 1000, 4).await;
    app.post(
        &format!("/api/v1/products/{id}/delisting-requests"),
        Some(&cast.planner.1),
        &json!({"reason": "x"}),
    )
    .await
    .assert_problem(403, "missing_role");
    let r = app
        .post(
            &format!("/api/v1/products/{id}/delisting-requests"),
            Some(&cast.storefront.1),
            &json!({"reason": "quality complaint"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["chain"], json!([["dept_manager"]]));
    let req = r.body["id"].as_str().unwrap_or_default();
    app.decide(req, &cast.marketing.1, "approve")
        .await
        .assert_problem(403, "wrong_role");
    assert_eq!(
        app.product(&id, &cast.planner.1).await.body["status"],
        "listed"
    );
    assert_eq!(
        app.decide(req, &cast.dept.1, "approve").await.body["state"],
        "approved"
    );
    assert_eq!(
        app.product(&id, &cast.planner.1).await.body["status"],
        "delisted"
    );
    let history = app
        .get(&format!("/api/v1/products/{id}/history"), &cast.planner.1)
        .await;
    let last = history
        .body
        .as_array()
        .and_then(|h| h.last().cloned())
        .unwrap_or_default();
    assert_eq!(last["reason"], "quality complaint");
}
dual!(r_prd_5_abnormal_delisting_needs_the_department_manager);

async fn r_acl_6_a_price_changes_only_through_an_approved_price_change(app: TestApp) {
    let cast = app.cast().await;
    let id = app.listed(&cast, "PRICE-1", 10_000, 5).await;
    // No direct way to the price.
    app.patch(
        &format!("/api/v1/products/{id}"),
        &cast.storefront.1,
        &json!({"price_fen": 1}),
    )
    .await
    .assert_problem(400, "invalid_body");
    app.patch(
        &format!("/api/v1/products/{id}"),
        &cast.storefront.1,
        &json!({"list_price_fen": 1}),
    )
    .await
    .assert_problem(422, "price_needs_approval");
    let body = json!({"new_price_fen": 8800, "reason": "match the market",
                      "competitors": [{"name": "Shop A", "price_fen": 8900}, {"name": "Shop B", "price_fen": 8700}]});
    app.post(
        &format!("/api/v1/products/{id}/price-change-requests"),
        Some(&cast.storefront.1),
        &body,
    )
    .await
    .assert_problem(403, "missing_role");
    let r = app
        .post(
            &format!("/api/v1/products/{id}/price-change-requests"),
            Some(&cast.planner.1),
            &body,
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let req = r.body["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        app.product(&id, &cast.cs.1).await.body["price_fen"],
        10_000,
        "not before approval"
    );
    app.decide(&req, &cast.marketing.1, "approve").await;
    let p = app.product(&id, &cast.cs.1).await;
    assert_eq!(
        p.body["price_fen"], 10_000,
        "approved, waiting for the storefront specialist"
    );
    let price_id = p.body["pending_price"]["price_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.post(
        &format!("/api/v1/products/{id}/prices/{price_id}/apply"),
        Some(&cast.planner.1),
        &json!({}),
    )
    .await
    .assert_problem(403, "missing_role");
    let applied = app
        .post(
            &format!("/api/v1/products/{id}/prices/{price_id}/apply"),
            Some(&cast.storefront.1),
            &json!({}),
        )
        .await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.text);
    assert_eq!(applied.body["price_fen"], 8800);
    assert_eq!(applied.body["effective_price_fen"], 8800);
    app.post(
        &format!("/api/v1/products/{id}/prices/{price_id}/apply"),
        Some(&cast.storefront.1),
        &json!({}),
    )
    .await
    .assert_problem(409, "already_in_force");

    let history = app
        .get(&format!("/api/v1/products/{id}/price-history"), &cast.cs.1)
        .await;
    let entries = history.body.as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 2, "{}", history.text);
    assert_eq!(entries[0]["source"], "initial");
    assert_eq!(entries[0]["price_fen"], 10_000);
    assert!(entries[0]["until"].is_string());
    assert_eq!(entries[1]["price_fen"], 8800);
    assert_eq!(entries[1]["proposer_id"], cast.planner.0.to_string());
    assert_eq!(entries[1]["approver_id"], cast.marketing.0.to_string());
    assert_eq!(entries[1]["applied_by"], cast.storefront.0.to_string());
    assert_eq!(entries[1]["competitors"][0]["name"], "Shop A");
}
dual!(r_acl_6_a_price_changes_only_through_an_approved_price_change);

async fn r_prd_6_an_approved_price_applies_itself_at_its_effective_time(app: TestApp) {
    let cast = app.cast().await;
    let id = app.listed(&cast, "PRICE-2", 10_000, 5).await;
    let at = app_now(&app) + Duration::hours(2);
    let r = app
        .post(&format!("/api/v1/products/{id}/price-change-requests"), Some(&cast.planner.1),
            &json!({"new_price_fen": 12_000, "effective_at": at, "reason": "costs", "competitors": [{"name": "A", "price_fen": 12500}]}))
        .await;
    app.decide(
        r.body["id"].as_str().unwrap_or_default(),
        &cast.marketing.1,
        "approve",
    )
    .await;
    let p = app.product(&id, &cast.cs.1).await;
    assert_eq!(p.body["price_fen"], 10_000);
    let price_id = p.body["pending_price"]["price_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.post(
        &format!("/api/v1/products/{id}/prices/{price_id}/apply"),
        Some(&cast.storefront.1),
        &json!({}),
    )
    .await
    .assert_problem(409, "scheduled");
    app.clock.advance(Duration::hours(2));
    assert_eq!(
        app.product(&id, &cast.cs.1).await.body["price_fen"],
        12_000,
        "no job had to run"
    );
}
// The clock moves by hours here: tokens must outlive it.
dual!(
    r_prd_6_an_approved_price_applies_itself_at_its_effective_time,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 7 * 86_400
);

fn app_now(app: &TestApp) -> chrono::DateTime<Utc> {
    use ecops_tests::ClockExt;
    app.clock.now_utc()
}

async fn r_prd_6_bad_price_requests_are_refused(app: TestApp) {
    let cast = app.cast().await;
    let id = app.listed(&cast, "PRICE-3", 10_000, 5).await;
    let path = format!("/api/v1/products/{id}/price-change-requests");
    for (body, field) in [
        (
            json!({"new_price_fen": -5, "reason": "r", "competitors": [{"name": "A", "price_fen": 1}]}),
            "new_price_fen",
        ),
        (
            json!({"new_price_fen": 99_999_999_999_i64, "reason": "r", "competitors": [{"name": "A", "price_fen": 1}]}),
            "new_price_fen",
        ),
        (
            json!({"new_price_fen": 9000, "reason": "r", "competitors": []}),
            "competitors",
        ),
        (
            json!({"new_price_fen": 10_000, "reason": "r", "competitors": [{"name": "A", "price_fen": 1}]}),
            "new_price_fen",
        ),
    ] {
        let r = app.post(&path, Some(&cast.planner.1), &body).await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.error_fields(), vec![field.to_owned()], "{}", r.text);
    }
    let ok = json!({"new_price_fen": 9000, "reason": "r", "competitors": [{"name": "A", "price_fen": 9100}]});
    assert_eq!(
        app.post(&path, Some(&cast.planner.1), &ok).await.status,
        StatusCode::ACCEPTED
    );
    app.post(&path, Some(&cast.planner.1), &ok)
        .await
        .assert_problem(409, "pending_request_exists");
    let unknown = format!(
        "/api/v1/products/{}/price-change-requests",
        uuid::Uuid::now_v7()
    );
    app.post(&unknown, Some(&cast.planner.1), &ok)
        .await
        .assert_problem(404, "not_found");
}
dual!(r_prd_6_bad_price_requests_are_refused);

async fn r_prd_8_confidential_content_needs_the_marketing_director_then_the_general_manager(
    app: TestApp,
) {
    let cast = app.cast().await;
    let r = app
        .post("/api/v1/products", Some(&cast.planner.1),
            &json!({"sku": "SECRET-1", "title": "Formula", "category": "tea", "list_price_fen": 5000, "price_fen": 4000, "confidential": true}))
        .await;
    let id = r.body["id"].as_str().unwrap_or_default().to_owned();
    let version = r.body["version"].as_i64().unwrap_or_default();
    let edit = json!({"description": "new blend ratio", "reason": "supplier update"});
    let r = app
        .send(
            app.request(
                Method::PATCH,
                &format!("/api/v1/products/{id}"),
                Some(&cast.storefront.1),
            )
            .header("if-match", format!("\"v{version}\""))
            .json(&edit),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["kind"], "confidential_info");
    assert_eq!(
        r.body["chain"],
        json!([["marketing_director"], ["general_manager"]])
    );
    let req = r.body["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        app.product(&id, &cast.planner.1).await.body["description"],
        "",
        "nothing before approval"
    );
    app.decide(&req, &cast.gm.1, "approve")
        .await
        .assert_problem(403, "wrong_role");
    assert_eq!(
        app.decide(&req, &cast.marketing.1, "approve").await.body["state"],
        "pending"
    );
    assert_eq!(
        app.product(&id, &cast.planner.1).await.body["description"],
        ""
    );
    assert_eq!(
        app.decide(&req, &cast.gm.1, "approve").await.body["state"],
        "approved"
    );
    assert_eq!(
        app.product(&id, &cast.planner.1).await.body["description"],
        "new blend ratio"
    );
    // Without a reason the edit is refused outright.
    let r = app
        .patch(
            &format!("/api/v1/products/{id}"),
            &cast.storefront.1,
            &json!({"title": "x"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), vec!["reason".to_owned()]);
}
dual!(r_prd_8_confidential_content_needs_the_marketing_director_then_the_general_manager);

async fn descriptive_edits_are_recorded_and_honour_if_match(app: TestApp) {
    let cast = app.cast().await;
    let id = app.listed(&cast, "EDIT-1", 1000, 2).await;
    let p = app.product(&id, &cast.storefront.1).await;
    let etag = p.header("etag").unwrap_or_default().to_owned();
    // Out of draft only the storefront specialist edits.
    app.patch(
        &format!("/api/v1/products/{id}"),
        &cast.designer.1,
        &json!({"title": "x"}),
    )
    .await
    .assert_problem(403, "missing_role");
    let edit = |tag: &str, title: &str| {
        app.request(
            Method::PATCH,
            &format!("/api/v1/products/{id}"),
            Some(&cast.storefront.1),
        )
        .header("if-match", tag)
        .json(&json!({"title": title}))
    };
    let r = app.send(edit(&etag, "Spring Longjing 250g")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["title"], "Spring Longjing 250g");
    app.send(edit(&etag, "stale"))
        .await
        .assert_problem(412, "precondition_failed");
    let history = app
        .get(
            &format!("/api/v1/products/{id}/history"),
            &cast.storefront.1,
        )
        .await;
    assert!(history.body.as_array().is_some_and(|h| h
        .iter()
        .any(|e| e["kind"] == "edited" && e["actor_id"] == cast.storefront.0.to_string())));
}
dual!(descriptive_edits_are_recorded_and_honour_if_match);

async fn bad_product_input_is_refused(app: TestApp) {
    let cast = app.cast().await;
    app.draft(&cast, "DUP-1", 1000).await;
    let base = json!({"sku": "DUP-1", "title": "t", "category": "c", "list_price_fen": 100, "price_fen": 100});
    app.post("/api/v1/products", Some(&cast.planner.1), &base)
        .await
        .assert_problem(409, "duplicate_sku");
    let lower = json!({"sku": "dup-1", "title": "t", "category": "c", "list_price_fen": 100, "price_fen": 100});
    app.post("/api/v1/products", Some(&cast.planner.1), &lower)
        .await
        .assert_problem(409, "duplicate_sku");
    for (patch, field) in [
        (json!({"sku": "BAD SKU"}), "sku"),
        (json!({"sku": "OK-1", "price_fen": 0}), "price_fen"),
        (json!({"sku": "OK-1", "price_fen": -100}), "price_fen"),
        (
            json!({"sku": "OK-1", "price_fen": 5_000_000_000_i64}),
            "price_fen",
        ),
    ] {
        let mut body = base.clone();
        for (k, v) in patch.as_object().cloned().unwrap_or_default() {
            body[k] = v;
        }
        let r = app
            .post("/api/v1/products", Some(&cast.planner.1), &body)
            .await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.error_fields(), vec![field.to_owned()], "{}", r.text);
    }
    let r = app.post("/api/v1/products", Some(&cast.planner.1), &json!({"sku": "X", "title": "t", "category": "c", "list_price_fen": "ten", "price_fen": 1})).await;
    r.assert_problem(400, "invalid_body");
}
dual!(bad_product_input_is_refused);

async fn r_pub_3_attachments_are_size_limited(app: TestApp) {
    let cast = app.cast().await;
    let id = app.draft(&cast, "ATT-1", 1000).await;
    let sha = "a".repeat(64);
    let ok = app
        .post(&format!("/api/v1/products/{id}/attachments"), Some(&cast.designer.1),
            &json!({"kind": "image", "file_name": "front.jpg", "content_type": "image/jpeg", "size_bytes": 400_000, "sha256": sha}))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let big = app
        .post(&format!("/api/v1/products/{id}/attachments"), Some(&cast.designer.1),
            &json!({"kind": "image", "file_name": "huge.png", "content_type": "image/png", "size_bytes": 50_000_000, "sha256": sha}))
        .await;
    big.assert_problem(422, "file_too_large");
    assert_eq!(big.error_fields(), vec!["size_bytes".to_owned()]);
    assert_eq!(
        app.product(&id, &cast.designer.1).await.body["attachments"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}
dual!(r_pub_3_attachments_are_size_limited);

async fn imports_write_every_row_or_none(app: TestApp) {
    let cast = app.cast().await;
    let csv = "sku,title,description,category,list_price_fen,price_fen\nIMP-1,Green tea,,tea,3000,2500\nIMP-2,Black tea,strong,tea,3200,2800\n";
    let send = |body: &'static str, ct: &'static str, q: &str| {
        app.request(
            Method::POST,
            &format!("/api/v1/products/import{q}"),
            Some(&cast.planner.1),
        )
        .header("content-type", ct)
        .body(body)
    };
    let dry = app.send(send(csv, "text/csv", "?dry_run=true")).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text);
    assert_eq!(dry.body["rows"][1]["outcome"], "valid");
    assert_eq!(
        app.get("/api/v1/products?q=IMP", &cast.planner.1)
            .await
            .body["items"],
        json!([]),
        "a dry run writes nothing"
    );
    let bad = "sku,title,description,category,list_price_fen,price_fen\nIMP-1,Green tea,,tea,3000,2500\nIMP-3,Broken,,tea,3000,-4\nIMP 4,Bad sku,,tea,1,1\n";
    let r = app.send(send(bad, "text/csv", "")).await;
    r.assert_problem(422, "import_rejected");
    assert_eq!(
        r.error_fields(),
        vec!["rows.2.price_fen".to_owned(), "rows.3.sku".to_owned()]
    );
    assert_eq!(
        app.get("/api/v1/products?q=IMP", &cast.planner.1)
            .await
            .body["items"],
        json!([]),
        "no half-write"
    );
    let done = app.send(send(csv, "text/csv", "")).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.text);
    assert_eq!(done.body["created"], 2);
    let ndjson = "{\"sku\":\"IMP-5\",\"title\":\"Oolong\",\"category\":\"tea\",\"list_price_fen\":4000,\"price_fen\":3500}\n{\"sku\":\"IMP-1\",\"title\":\"dup\",\"category\":\"tea\",\"list_price_fen\":1,\"price_fen\":1}\n";
    let r = app.send(send(ndjson, "application/x-ndjson", "")).await;
    r.assert_problem(422, "import_rejected");
    assert_eq!(r.error_fields(), vec!["rows.2.sku".to_owned()]);
    app.send(send(csv, "application/xml", ""))
        .await
        .assert_problem(415, "unsupported_media_type");
    let listed = app.get("/api/v1/products?q=IMP", &cast.planner.1).await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(2));
    assert!(listed.body["items"]
        .as_array()
        .is_some_and(|a| a.iter().all(|p| p["status"] == "draft")));
}
dual!(imports_write_every_row_or_none);
