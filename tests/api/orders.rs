//! Orders (R-ORD-1..8) over HTTP, on both databases.

use chrono::{Duration, TimeZone, Utc};
use diesel::RunQueryDsl;
use ecops_tests::{dual, ClockExt, Reply, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn r_ord_7_concurrent_orders_never_sell_more_than_there_is(app: TestApp) {
    let cast = app.cast().await;
    let product = app.listed(&cast, "HOT-1", 1000, 10).await;
    // A customer to order for (one, so concurrent orders do not race to create it).
    let first = app
        .order(&cast, &app.order_body("warmup", "HOT-1", 1))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let customer = first.body["customer_id"].clone();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let mut body = app.order_body(&format!("burst-{i}"), "HOT-1", 1);
            body["customer"] = serde_json::Value::Null;
            body.as_object_mut().map(|o| o.remove("customer"));
            body["customer_id"] = customer.clone();
            let rb = app
                .request(Method::POST, "/api/v1/orders", Some(&cast.cs.1))
                .json(&body);
            tokio::spawn(async move {
                Reply::read(rb.send().await.unwrap_or_else(|e| panic!("{e}"))).await
            })
        })
        .collect();
    let (mut created, mut refused) = (0, 0);
    for t in tasks {
        let r = t.await.unwrap_or_else(|e| panic!("{e}"));
        match r.status.as_u16() {
            201 => created += 1,
            409 | 422 => {
                refused += 1;
                assert_eq!(r.header("content-type"), Some("application/problem+json"));
            }
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    assert_eq!(
        (created, refused),
        (9, 91),
        "9 left after the warm-up order"
    );
    let p = app.product(&product, &cast.cs.1).await;
    assert_eq!(p.body["stock"], 0);
    assert_eq!(p.body["status"], "delisted", "R-PRD-4 through orders");
    let all = app
        .get("/api/v1/orders?limit=200&sku=HOT-1", &cast.cs.1)
        .await;
    assert_eq!(all.body["items"].as_array().map(Vec::len), Some(10));
}
dual!(r_ord_7_concurrent_orders_never_sell_more_than_there_is);

async fn r_ord_1_an_order_takes_prices_at_that_instant_and_honours_idempotency(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "TEA-9", 2500, 20).await;
    let body = app.order_body("tb-1001", "TEA-9", 2);
    let send = |b: &serde_json::Value| {
        app.request(Method::POST, "/api/v1/orders", Some(&cast.cs.1))
            .header("Idempotency-Key", "tb-1001")
            .json(b)
    };
    let r = app.send(send(&body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["total_fen"], 5000);
    assert_eq!(r.body["paid_fen"], 5000);
    assert_eq!(r.body["lines"][0]["unit_price_fen"], 2500);
    assert_eq!(r.body["status"], "accepted");
    assert_eq!(r.body["events"][0]["kind"], "accepted");
    let again = app.send(send(&body)).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(
        again.body["id"], r.body["id"],
        "the retry returns the same order"
    );
    let mut other = body.clone();
    other["lines"][0]["quantity"] = json!(3);
    app.send(send(&other))
        .await
        .assert_problem(422, "idempotency_key_reused");
    // Without the key, the same channel order number is a duplicate.
    app.order(&cast, &body)
        .await
        .assert_problem(409, "duplicate_channel_order");
    // The channel may supply its own price.
    let mut own = app.order_body("tb-1002", "TEA-9", 1);
    own["lines"][0]["unit_price_fen"] = json!(1999);
    assert_eq!(app.order(&cast, &own).await.body["total_fen"], 1999);
    let p = app.get("/api/v1/products?q=TEA-9", &cast.cs.1).await;
    assert_eq!(p.body["items"][0]["stock"], 17);
}
dual!(r_ord_1_an_order_takes_prices_at_that_instant_and_honours_idempotency);

async fn r_ord_1_bad_orders_are_refused_and_write_nothing(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "OK-1", 1000, 5).await;
    app.draft(&cast, "DRAFT-1", 1000).await;
    let cases = [
        (
            json!({"lines": [{"sku": "NOPE-1", "quantity": 1}]}),
            422,
            "validation_failed",
            Some("lines.0.sku"),
        ),
        (
            json!({"lines": [{"sku": "OK-1", "quantity": 0}]}),
            422,
            "validation_failed",
            Some("lines.0.quantity"),
        ),
        (
            json!({"lines": [{"sku": "OK-1", "quantity": -2}]}),
            422,
            "validation_failed",
            Some("lines.0.quantity"),
        ),
        (
            json!({"lines": []}),
            422,
            "validation_failed",
            Some("lines"),
        ),
        (
            json!({"lines": [{"sku": "OK-1", "quantity": 6}]}),
            422,
            "insufficient_stock",
            None,
        ),
        (
            json!({"lines": [{"sku": "DRAFT-1", "quantity": 1}]}),
            422,
            "not_for_sale",
            None,
        ),
        (
            json!({"payment_status": "maybe"}),
            422,
            "validation_failed",
            Some("payment_status"),
        ),
        (
            json!({"channel": "Tao Bao"}),
            422,
            "validation_failed",
            Some("channel"),
        ),
    ];
    for (i, (patch, status, code, field)) in cases.into_iter().enumerate() {
        let mut body = app.order_body(&format!("bad-{i}"), "OK-1", 1);
        for (k, v) in patch.as_object().cloned().unwrap_or_default() {
            body[k] = v;
        }
        let r = app.order(&cast, &body).await;
        r.assert_problem(status, code);
        if let Some(f) = field {
            assert_eq!(r.error_fields(), vec![f.to_owned()], "{}", r.text);
        }
    }
    // A price beyond any integer the API takes.
    let huge = app.order_body("bad-huge", "OK-1", 1).to_string().replace(
        "\"quantity\":1",
        "\"quantity\":1,\"unit_price_fen\":99999999999999999999999",
    );
    let r = app
        .send(
            app.request(Method::POST, "/api/v1/orders", Some(&cast.cs.1))
                .header("content-type", "application/json")
                .body(huge),
        )
        .await;
    r.assert_problem(400, "invalid_body");
    assert_eq!(
        r.error_fields(),
        vec!["lines[0].unit_price_fen".to_owned()],
        "{}",
        r.text
    );
    assert_eq!(
        app.get("/api/v1/orders", &cast.cs.1).await.body["items"],
        json!([]),
        "nothing was written"
    );
    assert_eq!(
        app.get("/api/v1/products?q=OK-1", &cast.cs.1).await.body["items"][0]["stock"],
        5
    );
    app.post(
        "/api/v1/orders",
        Some(&cast.warehouse.1),
        &app.order_body("x", "OK-1", 1),
    )
    .await
    .assert_problem(403, "missing_role");
}
dual!(r_ord_1_bad_orders_are_refused_and_write_nothing);

async fn r_ord_2_no_call_changes_an_order_and_attempts_are_audited(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "IMM-1", 1000, 5).await;
    let o = app.order(&cast, &app.order_body("imm-1", "IMM-1", 1)).await;
    let id = o.body["id"].as_str().unwrap_or_default().to_owned();
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let r = app
            .send(
                app.request(method, &format!("/api/v1/orders/{id}"), Some(&cast.cs.1))
                    .json(&json!({"total_fen": 1})),
            )
            .await;
        r.assert_problem(405, "order_immutable");
    }
    let audit = app
        .get(
            &format!("/api/v1/audit?action=order.change_refused&subject_id={id}"),
            &cast.it.1,
        )
        .await;
    assert_eq!(
        audit.body["items"].as_array().map(Vec::len),
        Some(3),
        "{}",
        audit.text
    );
    assert_eq!(audit.body["items"][0]["outcome"], "refused");
    let after = app.get(&format!("/api/v1/orders/{id}"), &cast.cs.1).await;
    assert_eq!(after.body["total_fen"], o.body["total_fen"]);
    // The database refuses too, whatever the code does.
    let key = id.clone();
    let refused = app
        .with_db(move |conn| {
            [
                format!("UPDATE orders SET total_fen = 1 WHERE id = '{key}'"),
                format!("DELETE FROM orders WHERE id = '{key}'"),
                format!("UPDATE order_lines SET quantity = 9 WHERE order_id = '{key}'"),
                format!("DELETE FROM order_lines WHERE order_id = '{key}'"),
                format!("UPDATE order_events SET data = '{{}}' WHERE order_id = '{key}'"),
                format!("DELETE FROM order_events WHERE order_id = '{key}'"),
            ]
            .iter()
            .map(|sql| diesel::sql_query(sql).execute(conn).is_err())
            .collect::<Vec<_>>()
        })
        .await;
    assert_eq!(refused, vec![true; 6]);
}
dual!(r_ord_2_no_call_changes_an_order_and_attempts_are_audited);

async fn r_ord_2_the_hash_chain_detects_a_row_altered_in_the_database(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "HASH-1", 1000, 5).await;
    let o = app
        .order(&cast, &app.order_body("hash-1", "HASH-1", 2))
        .await;
    let id = o.body["id"].as_str().unwrap_or_default().to_owned();
    app.event(
        &id,
        &cast.cs.1,
        json!({"kind": "remark_added", "text": "gift wrap"}),
    )
    .await;
    let ok = app
        .get(&format!("/api/v1/orders/{id}/verification"), &cast.cs.1)
        .await;
    assert_eq!(ok.body["valid"], true, "{}", ok.text);
    assert_eq!(ok.body["events_checked"], 2);
    // Someone with database access bypasses the triggers and rewrites a line.
    let key = id.clone();
    let sqlite = app.backend == ecops_tests::Backend::Sqlite;
    app.with_db(move |conn| {
        let statements: Vec<String> = if sqlite {
            vec![
                "DROP TRIGGER order_lines_no_update".into(),
                format!("UPDATE order_lines SET quantity = 1 WHERE order_id = '{key}'"),
            ]
        } else {
            vec![
                "ALTER TABLE order_lines DISABLE TRIGGER order_lines_no_update".into(),
                format!("UPDATE order_lines SET quantity = 1 WHERE order_id = '{key}'"),
                "ALTER TABLE order_lines ENABLE TRIGGER order_lines_no_update".into(),
            ]
        };
        for sql in statements {
            diesel::sql_query(sql)
                .execute(conn)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    })
    .await;
    let bad = app
        .get(&format!("/api/v1/orders/{id}/verification"), &cast.cs.1)
        .await;
    assert_eq!(bad.body["valid"], false, "{}", bad.text);
    assert!(bad.text.contains("core data"), "{}", bad.text);
}
dual!(r_ord_2_the_hash_chain_detects_a_row_altered_in_the_database);

async fn r_ord_4_to_6_events_follow_the_order_of_work_and_the_roles(app: TestApp) {
    let cast = app.cast().await;
    let product = app.listed(&cast, "FLOW-1", 1000, 10).await;
    let mut body = app.order_body("flow-1", "FLOW-1", 2);
    body["lines"] = json!([{"sku": "FLOW-1", "quantity": 2}, {"sku": "FLOW-1", "quantity": 1}]);
    let o = app.order(&cast, &body).await;
    let id = o.body["id"].as_str().unwrap_or_default().to_owned();
    let (cs, wh) = (cast.cs.1.clone(), cast.warehouse.1.clone());
    // Shipping an unverified, unchecked order is refused.
    app.event(
        &id,
        &wh,
        json!({"kind": "shipped", "carrier": "SF", "tracking_no": "SF1"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    // Roles: the warehouse does not verify payments; customer service does not ship.
    app.event(&id, &wh, json!({"kind": "payment_verified", "note": null}))
        .await
        .assert_problem(403, "missing_role");
    app.event(
        &id,
        &cs,
        json!({"kind": "customer_contacted", "outcome": "confirmed", "note": "called"}),
    )
    .await;
    app.event(
        &id,
        &cs,
        json!({"kind": "payment_abnormal", "reason": "amount differs"}),
    )
    .await;
    let held = app.event(&id, &wh, json!({"kind": "picked_checked", "lines": [{"line_no": 1, "quantity": 2}, {"line_no": 2, "quantity": 1}]})).await;
    held.assert_problem(409, "invalid_transition");
    app.event(
        &id,
        &cs,
        json!({"kind": "payment_verified", "note": "bank confirmed"}),
    )
    .await;
    let wrong = app
        .event(
            &id,
            &wh,
            json!({"kind": "picked_checked", "lines": [{"line_no": 1, "quantity": 1}]}),
        )
        .await;
    wrong.assert_problem(422, "check_mismatch");
    assert!(wrong.text.contains("line 2"), "{}", wrong.text);
    let checked = app.event(&id, &wh, json!({"kind": "picked_checked", "lines": [{"line_no": 1, "quantity": 2}, {"line_no": 2, "quantity": 1}]})).await;
    assert_eq!(checked.body["status"], "checked", "{}", checked.text);
    app.event(
        &id,
        &cs,
        json!({"kind": "shipped", "carrier": "SF", "tracking_no": "SF1"}),
    )
    .await
    .assert_problem(403, "missing_role");
    app.event(
        &id,
        &wh,
        json!({"kind": "shipped", "carrier": "", "tracking_no": "SF1"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let shipped = app
        .event(
            &id,
            &wh,
            json!({"kind": "shipped", "carrier": "SF Express", "tracking_no": "SF1234567890"}),
        )
        .await;
    assert_eq!(shipped.body["status"], "shipped");
    app.event(&id, &cs, json!({"kind": "cancelled", "reason": "too late"}))
        .await
        .assert_problem(409, "invalid_transition");
    app.event(
        &id,
        &cs,
        json!({"kind": "remark_added", "text": "customer asked for a call on arrival"}),
    )
    .await;
    let delivered = app
        .event(&id, &wh, json!({"kind": "delivered", "note": null}))
        .await;
    assert_eq!(delivered.body["status"], "delivered");
    let kinds: Vec<_> = delivered.body["events"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        vec![
            json!("accepted"),
            json!("customer_contacted"),
            json!("payment_abnormal"),
            json!("payment_verified"),
            json!("picked_checked"),
            json!("shipped"),
            json!("remark_added"),
            json!("delivered")
        ]
    );
    app.event(&id, &cs, json!({"kind": "refunded"}))
        .await
        .assert_problem(400, "invalid_body");
    // Cancelling another order releases its stock.
    let o2 = app
        .order(&cast, &app.order_body("flow-2", "FLOW-1", 4))
        .await;
    assert_eq!(app.product(&product, &cs).await.body["stock"], 3);
    let id2 = o2.body["id"].as_str().unwrap_or_default();
    let c = app
        .event(
            id2,
            &cs,
            json!({"kind": "cancelled", "reason": "customer changed mind"}),
        )
        .await;
    assert_eq!(c.body["status"], "cancelled");
    assert_eq!(app.product(&product, &cs).await.body["stock"], 7);
}
dual!(r_ord_4_to_6_events_follow_the_order_of_work_and_the_roles);

async fn r_ord_3_the_contact_deadline_shows_who_is_late(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "CALL-1", 1000, 10).await;
    let a = app
        .order(&cast, &app.order_body("call-a", "CALL-1", 1))
        .await;
    app.clock.advance(Duration::minutes(3));
    let b = app
        .order(&cast, &app.order_body("call-b", "CALL-1", 1))
        .await;
    let (ida, idb) = (
        a.body["id"].as_str().unwrap_or_default().to_owned(),
        b.body["id"].as_str().unwrap_or_default().to_owned(),
    );
    let created =
        chrono::DateTime::parse_from_rfc3339(a.body["created_at"].as_str().unwrap_or_default())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
    let due =
        chrono::DateTime::parse_from_rfc3339(a.body["contact_due_at"].as_str().unwrap_or_default())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
    assert_eq!(due - created, Duration::minutes(10));
    assert_eq!(a.body["contact_deadline"], "open");
    app.event(
        &idb,
        &cast.cs.1,
        json!({"kind": "customer_contacted", "outcome": "confirmed", "note": ""}),
    )
    .await;
    app.clock.advance(Duration::minutes(8));
    let overdue = app.get("/api/v1/orders?overdue=true", &cast.cs.1).await;
    let ids: Vec<_> = overdue.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|o| o["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(ida)], "{}", overdue.text);
    assert_eq!(overdue.body["items"][0]["contact_deadline"], "overdue");
    let late = app
        .event(
            &ida,
            &cast.cs.1,
            json!({"kind": "customer_contacted", "outcome": "confirmed", "note": "late"}),
        )
        .await;
    assert_eq!(late.body["contact_deadline"], "missed");
    assert_eq!(
        app.get(&format!("/api/v1/orders/{idb}"), &cast.cs.1)
            .await
            .body["contact_deadline"],
        "met"
    );
    let queue = app.get("/api/v1/orders?sort=contact_due", &cast.cs.1).await;
    assert_eq!(queue.body["items"][0]["id"], ida.as_str());
}
dual!(
    r_ord_3_the_contact_deadline_shows_who_is_late,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 86_400
);

async fn r_ord_8_the_daily_export_runs_at_18_00_and_is_verifiable(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "EXP-1", 1000, 50).await;
    // 2026-12-20 17:30 in Shanghai.
    let t = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2026, 12, 20, 17, 30, 0)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    app.clock.set(t);
    let cast = relogin(&app, cast).await;
    for i in 0..3 {
        assert_eq!(
            app.order(&cast, &app.order_body(&format!("exp-{i}"), "EXP-1", 1))
                .await
                .status,
            StatusCode::CREATED
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let early = app.get("/api/v1/order-exports", &cast.cs.1).await;
    let dates: Vec<_> = early.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| e["date"].clone())
        .collect();
    assert!(
        !dates.contains(&json!("2026-12-20")),
        "not before 18:00: {dates:?}"
    );
    assert!(
        dates.contains(&json!("2026-12-19")),
        "days missed while the server was not running are caught up"
    );
    app.clock.set(t + Duration::minutes(31));
    let mut items = json!([]);
    for _ in 0..100 {
        items = app.get("/api/v1/order-exports", &cast.cs.1).await.body["items"].clone();
        if items
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["date"] == "2026-12-20"))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let days: Vec<_> = items
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| e["date"].clone())
        .collect();
    assert!(days.contains(&json!("2026-12-20")), "{items}");
    let e = items
        .as_array()
        .and_then(|a| a.iter().find(|e| e["date"] == "2026-12-20").cloned())
        .unwrap_or_default();
    assert_eq!(e["order_count"], 3, "{e}");
    let jsonl = app
        .send(app.request(
            Method::GET,
            "/api/v1/order-exports/2026-12-20/jsonl",
            Some(&cast.dept.1),
        ))
        .await;
    assert_eq!(jsonl.text.lines().count(), 3, "{}", jsonl.text);
    assert!(jsonl.text.contains("exp-1") && jsonl.text.contains("core_hash"));
    let csv = app
        .send(app.request(
            Method::GET,
            "/api/v1/order-exports/2026-12-20/csv",
            Some(&cast.dept.1),
        ))
        .await;
    assert_eq!(csv.text.lines().count(), 4, "header and one row per line");
    let v = app
        .post(
            "/api/v1/order-exports/2026-12-20/verify",
            Some(&cast.cs.1),
            &json!({}),
        )
        .await;
    assert_eq!(v.body["valid"], true, "{}", v.text);
    // A damaged file is detected.
    let path = app
        .with_db(|conn| {
            use diesel::prelude::*;
            ecops_persistence::schema::order_exports::table
                .select(ecops_persistence::schema::order_exports::csv_path)
                .filter(ecops_persistence::schema::order_exports::export_date.eq("2026-12-20"))
                .first::<String>(conn)
                .unwrap_or_default()
        })
        .await;
    std::fs::write(&path, "tampered").unwrap_or_else(|e| panic!("{e}"));
    let v = app
        .post(
            "/api/v1/order-exports/2026-12-20/verify",
            Some(&cast.cs.1),
            &json!({}),
        )
        .await;
    assert_eq!(v.body["valid"], false, "{}", v.text);
    app.post(
        "/api/v1/order-exports/2026-01-01/verify",
        Some(&cast.cs.1),
        &json!({}),
    )
    .await
    .assert_problem(404, "not_found");
}
dual!(
    r_ord_8_the_daily_export_runs_at_18_00_and_is_verifiable,
    |c: &mut ecops_server::config::Config| {
        c.orders.scheduler_tick_ms = 20;
        c.auth.access_ttl_secs = 400 * 86_400;
    }
);

/// Logs the cast in again after the clock moved (their tokens were issued at the old time).
async fn relogin(app: &TestApp, cast: ecops_tests::Cast) -> ecops_tests::Cast {
    let t = |name: &'static str| async move { app.token(name, ecops_tests::USER_PASSWORD).await };
    ecops_tests::Cast {
        planner: (cast.planner.0, t("pl.anner").await),
        storefront: (cast.storefront.0, t("st.orefront").await),
        marketing: (cast.marketing.0, t("ma.rketing").await),
        dept: (cast.dept.0, t("de.pt").await),
        gm: (cast.gm.0, t("gm.boss").await),
        it: (cast.it.0, t("it.lead").await),
        warehouse: (cast.warehouse.0, t("wa.rehouse").await),
        designer: (cast.designer.0, t("de.signer").await),
        cs: (cast.cs.0, t("cs.agent").await),
    }
}

async fn r_ord_9_a_bad_customer_is_confirmed_by_the_department_manager(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "CUST-1", 1000, 5).await;
    let o = app
        .order(&cast, &app.order_body("cust-1", "CUST-1", 1))
        .await;
    let customer = o.body["customer_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = app
        .post(
            &format!("/api/v1/customers/{customer}/bad-customer-requests"),
            Some(&cast.cs.1),
            &json!({"reason": "repeated false complaints"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["chain"], json!([["dept_manager"]]));
    assert_eq!(
        app.get(&format!("/api/v1/customers/{customer}"), &cast.cs.1)
            .await
            .body["bad_customer"],
        false
    );
    app.decide(
        r.body["id"].as_str().unwrap_or_default(),
        &cast.dept.1,
        "approve",
    )
    .await;
    let c = app
        .get(&format!("/api/v1/customers/{customer}"), &cast.cs.1)
        .await;
    assert_eq!(c.body["bad_customer"], true);
    assert_eq!(c.body["bad_customer_reason"], "repeated false complaints");
    let history = app
        .get(
            &format!("/api/v1/orders?customer_id={customer}"),
            &cast.cs.1,
        )
        .await;
    assert_eq!(history.body["items"].as_array().map(Vec::len), Some(1));
    let stats = app.get("/api/v1/customers/statistics", &cast.cs.1).await;
    assert_eq!(
        stats.body,
        json!([{"classification": "retail", "customers": 1}])
    );
}
dual!(r_ord_9_a_bad_customer_is_confirmed_by_the_department_manager);

/// Reads SSE `order_event`s from a streaming response until `n` arrived; returns (id, data).
async fn read_events(resp: reqwest::Response, n: usize) -> Vec<(String, serde_json::Value)> {
    use futures_util::StreamExt;
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while out.len() < n {
        let next = tokio::time::timeout_at(deadline, stream.next()).await;
        let Ok(Some(Ok(chunk))) = next else { break };
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let id = block
                .lines()
                .find_map(|l| l.strip_prefix("id: "))
                .map(str::to_owned);
            let data = block
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .and_then(|d| serde_json::from_str(d).ok());
            if let (Some(id), Some(data)) = (id, data) {
                out.push((id, data));
            }
        }
    }
    out
}

async fn r_ord_3_the_live_stream_resumes_after_a_dropped_connection_without_losing_events(
    app: TestApp,
) {
    let cast = app.cast().await;
    app.listed(&cast, "LIVE-1", 1000, 50).await;
    let open = |last: Option<String>| {
        let mut rb = app.request(Method::GET, "/api/v1/orders/stream", Some(&cast.cs.1));
        if let Some(l) = last {
            rb = rb.header("Last-Event-ID", l);
        }
        rb.send()
    };
    let first = open(None).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.status(), StatusCode::OK);
    assert!(first
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/event-stream")));
    let mut ids = Vec::new();
    for i in 0..3 {
        let o = app
            .order(&cast, &app.order_body(&format!("live-{i}"), "LIVE-1", 1))
            .await;
        ids.push(o.body["id"].as_str().unwrap_or_default().to_owned());
    }
    let seen = read_events(first, 2).await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].1["order_id"], ids[0].as_str());
    assert_eq!(seen[0].1["kind"], "accepted");
    // The connection drops (the response is gone); more happens meanwhile.
    for i in 3..5 {
        let o = app
            .order(&cast, &app.order_body(&format!("live-{i}"), "LIVE-1", 1))
            .await;
        ids.push(o.body["id"].as_str().unwrap_or_default().to_owned());
    }
    app.event(
        &ids[0],
        &cast.cs.1,
        json!({"kind": "remark_added", "text": "fragile"}),
    )
    .await;
    let resumed = open(Some(seen[1].0.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let rest = read_events(resumed, 4).await;
    let orders: Vec<_> = rest
        .iter()
        .map(|(_, d)| d["order_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        orders,
        vec![
            ids[2].clone(),
            ids[3].clone(),
            ids[4].clone(),
            ids[0].clone()
        ],
        "nothing lost, nothing repeated"
    );
    assert_eq!(rest[3].1["kind"], "remark_added");
    app.send(
        app.request(Method::GET, "/api/v1/orders/stream", Some(&cast.cs.1))
            .header("Last-Event-ID", "garbage"),
    )
    .await
    .assert_problem(400, "invalid_header");
}
dual!(r_ord_3_the_live_stream_resumes_after_a_dropped_connection_without_losing_events);

async fn r_ord_1_channel_orders_are_imported_in_bulk_with_per_order_results(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "BULK-1", 1000, 10).await;
    app.listed(&cast, "BULK-2", 500, 10).await;
    let csv = "channel,channel_order_no,customer_name,customer_phone,customer_address,shipping_address,payment_method,payment_status,sku,quantity,unit_price_fen\n\
jd,JD-1,Li Lei,13900000001,Beijing 1,Beijing 1,jdpay,paid,BULK-1,2,\n\
jd,JD-1,Li Lei,13900000001,Beijing 1,Beijing 1,jdpay,paid,BULK-2,1,450\n\
jd,JD-2,Han Mei,13900000002,Beijing 2,Beijing 2,jdpay,paid,NOPE-1,1,\n\
jd,JD-3,Han Mei,13900000002,Beijing 2,Beijing 2,jdpay,paid,BULK-2,x,\n";
    let send = |q: &str| {
        app.request(
            Method::POST,
            &format!("/api/v1/orders/import{q}"),
            Some(&cast.cs.1),
        )
        .header("content-type", "text/csv")
        .body(csv)
    };
    let dry = app.send(send("?dry_run=true")).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text);
    assert_eq!(dry.body["rows"][0]["outcome"], "valid");
    assert_eq!(dry.body["failed"], 2);
    assert_eq!(
        app.get("/api/v1/orders", &cast.cs.1).await.body["items"],
        json!([]),
        "a dry run writes nothing"
    );
    let r = app.send(send("")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (
            r.body["total"].clone(),
            r.body["created"].clone(),
            r.body["failed"].clone()
        ),
        (json!(3), json!(1), json!(2))
    );
    assert_eq!(r.body["rows"][0]["key"], "JD-1");
    assert_eq!(
        r.body["rows"][1]["errors"][0]["field"],
        "rows.3.lines.0.sku"
    );
    assert_eq!(r.body["rows"][2]["errors"][0]["field"], "rows.4.quantity");
    let id = r.body["rows"][0]["id"].as_str().unwrap_or_default();
    let o = app.get(&format!("/api/v1/orders/{id}"), &cast.cs.1).await;
    assert_eq!(
        o.body["total_fen"], 2450,
        "two lines, the channel's price on the second"
    );
    let ndjson = format!(
        "{}\n{}\n",
        app.order_body("nd-1", "BULK-1", 1),
        app.order_body("JD-1", "BULK-1", 1)
            .to_string()
            .replace("taobao", "jd")
    );
    let r = app
        .send(
            app.request(Method::POST, "/api/v1/orders/import", Some(&cast.cs.1))
                .header("content-type", "application/x-ndjson")
                .body(ndjson),
        )
        .await;
    assert_eq!(r.body["created"], 1, "{}", r.text);
    assert!(
        r.text.contains("already exists"),
        "a duplicate channel order is that row's error: {}",
        r.text
    );
}
dual!(r_ord_1_channel_orders_are_imported_in_bulk_with_per_order_results);

async fn deadlines_are_one_mechanism_reported_per_person(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "DL-1", 1000, 10).await;
    let a = app.order(&cast, &app.order_body("dl-a", "DL-1", 1)).await;
    app.order(&cast, &app.order_body("dl-b", "DL-1", 1)).await;
    let ida = a.body["id"].as_str().unwrap_or_default().to_owned();
    app.event(
        &ida,
        &cast.cs.1,
        json!({"kind": "customer_contacted", "outcome": "confirmed", "note": ""}),
    )
    .await;
    app.post(
        "/api/v1/aftersales",
        Some(&cast.cs.1),
        &json!({"order_id": ida, "kind": "complaint", "description": "slow"}),
    )
    .await;
    app.clock.advance(chrono::Duration::hours(25));
    let day = Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let path = format!(
        "/api/v1/reports/deadlines?from={}&to={}",
        day - chrono::Duration::days(1),
        day + chrono::Duration::days(2)
    );
    let r = app.get(&path, &cast.dept.1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let contact = r
        .body
        .as_array()
        .and_then(|a| a.iter().find(|x| x["deadline"] == "contact").cloned())
        .unwrap_or_default();
    assert_eq!(
        (
            contact["due"].clone(),
            contact["met"].clone(),
            contact["overdue"].clone()
        ),
        (json!(2), json!(1), json!(1)),
        "{}",
        r.text
    );
    assert_eq!(contact["username"], "cs.agent");
    assert_eq!(contact["escalation_role"], "cs_supervisor");
    let complaint = r
        .body
        .as_array()
        .and_then(|a| a.iter().find(|x| x["deadline"] == "complaint").cloned())
        .unwrap_or_default();
    assert_eq!(complaint["overdue"], 1);
    app.get(&path, &cast.cs.1)
        .await
        .assert_problem(403, "missing_role");
}
dual!(
    deadlines_are_one_mechanism_reported_per_person,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 7 * 86_400
);

async fn r_ord_8_the_export_history_starts_with_the_database(app: TestApp) {
    let cast = app.cast().await;
    let began = app.clock.now_utc();
    let end_of = |date: &str| {
        let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap_or_default();
        chrono_tz::Asia::Shanghai
            .from_local_datetime(&d.and_hms_opt(18, 0, 0).unwrap_or_default())
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    };
    let dates = |body: &serde_json::Value| -> Vec<String> {
        body["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e["date"].as_str().map(str::to_owned))
            .collect()
    };
    // Two days on: the scheduler catches up, but only from the day the database began.
    app.clock.set(began + Duration::days(2));
    let cast = relogin(&app, cast).await;
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = dates(&app.get("/api/v1/order-exports", &cast.cs.1).await.body);
        if seen.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        seen.len() >= 2,
        "the days since the start are exported: {seen:?}"
    );
    for d in &seen {
        assert!(
            end_of(d) > began,
            "{d} ended before the database existed (began {began}): {seen:?}"
        );
    }
}
dual!(
    r_ord_8_the_export_history_starts_with_the_database,
    |c: &mut ecops_server::config::Config| {
        c.orders.scheduler_tick_ms = 20;
        c.auth.access_ttl_secs = 400 * 86_400;
    }
);

async fn r_ord_10_an_agreed_price_beyond_the_creators_limit_holds_the_order(app: TestApp) {
    use ecops_domain::{JobRole, PermissionLevel};
    let cast = app.cast().await;
    app.listed(&cast, "AGREE-1", 10_000, 50).await;
    let (_, supervisor) = app
        .user_token(
            "cs.super",
            &[JobRole::CsSupervisor],
            PermissionLevel::Operator,
        )
        .await;
    let priced = |no: &str, unit: i64| {
        let mut b = app.order_body(no, "AGREE-1", 1);
        b["lines"][0]["unit_price_fen"] = json!(unit);
        b
    };
    // Within customer service's 5 %: accepted at once, at the agreed price.
    let ok = app.order(&cast, &priced("agree-1", 9_500)).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.body["status"], "accepted");
    assert_eq!(ok.body["total_fen"], 9_500);
    // 6 % off: created (stock reserved, never changed later) but held for its price.
    let held = app.order(&cast, &priced("agree-2", 9_400)).await;
    assert_eq!(held.status, StatusCode::CREATED, "{}", held.text);
    assert_eq!(held.body["status"], "price_hold");
    assert_eq!(held.body["total_fen"], 9_400);
    let id = held.body["id"].as_str().unwrap_or_default().to_owned();
    app.event(&id, &cast.cs.1, json!({"kind": "payment_verified"}))
        .await
        .assert_problem(409, "invalid_transition");
    let release = json!({"kind": "price_released", "note": "platform price match agreed"});
    app.event(&id, &cast.cs.1, release.clone())
        .await
        .assert_problem(403, "missing_role");
    let r = app.event(&id, &supervisor, release.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["status"], "accepted");
    assert_eq!(
        r.body["total_fen"], 9_400,
        "the order itself never changes (R-ORD-2)"
    );
    // 20 % off is beyond the supervisor: only the department manager releases it.
    let deep = app.order(&cast, &priced("agree-3", 8_000)).await;
    let deep = deep.body["id"].as_str().unwrap_or_default().to_owned();
    app.event(&deep, &supervisor, release.clone())
        .await
        .assert_problem(403, "discount_beyond_limit");
    let r = app.event(&deep, &cast.dept.1, release).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["status"], "accepted");
    let kinds: Vec<String> = r.body["events"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["kind"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(kinds, vec!["accepted", "price_held", "price_released"]);
    // The chain still verifies with the hold and its release in it.
    let v = app
        .get(&format!("/api/v1/orders/{deep}/verification"), &cast.cs.1)
        .await;
    assert_eq!(v.body["valid"], true, "{}", v.text);
}
dual!(r_ord_10_an_agreed_price_beyond_the_creators_limit_holds_the_order);

async fn r_sec_5_taking_order_data_out_is_a_privilege_and_every_export_is_audited(app: TestApp) {
    let cast = app.cast().await;
    let admin = app.admin_token().await;
    let token = |scopes: serde_json::Value| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let r = app
                .post(
                    "/api/v1/api-tokens",
                    Some(&admin),
                    &json!({"name": "factory sync", "scopes": scopes}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            r.body["token"].as_str().unwrap_or_default().to_owned()
        }
    };
    let without = token(json!(["orders:read"])).await;
    let with = token(json!(["orders:read", "exports:read"])).await;
    let began = app.clock.now_utc();
    app.clock.set(began + Duration::days(2));
    let cast = relogin(&app, cast).await;
    let admin = app.token("admin", ecops_tests::ADMIN_PASSWORD).await;
    let mut day = String::new();
    for _ in 0..100 {
        let list = app.get("/api/v1/order-exports", &cast.dept.1).await;
        if let Some(d) = list.body["items"][0]["date"].as_str() {
            day = d.to_owned();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!day.is_empty(), "an export exists");
    let path = format!("/api/v1/order-exports/{day}/csv");
    let fetch = |t: &str| app.send(app.request(Method::GET, &path, Some(t)));
    fetch(&cast.cs.1).await.assert_problem(403, "missing_role");
    fetch(&without).await.assert_problem(403, "missing_scope");
    for allowed in [&cast.dept.1, &with] {
        let r = fetch(allowed).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert!(r.header("x-checksum-sha256").is_some());
    }
    let log = app
        .get(
            &format!("/api/v1/audit?action=order_export.download&subject_id={day}"),
            &admin,
        )
        .await;
    let mut outcomes: Vec<&str> = log.body["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["outcome"].as_str()).collect())
        .unwrap_or_default();
    outcomes.sort_unstable();
    assert_eq!(
        outcomes,
        vec!["refused", "refused", "success", "success"],
        "{}",
        log.text
    );
}
dual!(
    r_sec_5_taking_order_data_out_is_a_privilege_and_every_export_is_audited,
    |c: &mut ecops_server::config::Config| {
        c.orders.scheduler_tick_ms = 20;
        c.auth.access_ttl_secs = 400 * 86_400;
    }
);
