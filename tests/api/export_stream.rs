//! Streaming exports for integrators: what each dataset carries (as the API shows it), the
//! period, both formats, who may take data out (R-SEC-5) and what is on record. The 100,000-order
//! memory test is the `export` test binary.

use ecops_tests::{dual, ClockExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn ndjson(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

async fn each_dataset_streams_what_the_api_shows_for_the_period(app: TestApp) {
    let cast = app.cast().await;
    let product = app.listed(&cast, "EXP-1", 2_000, 20).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let o = app
            .order(&cast, &app.order_body(&format!("EXP-{i}"), "EXP-1", 1 + i))
            .await;
        assert_eq!(o.status, StatusCode::CREATED, "{}", o.text);
        ids.push(o.body["id"].as_str().unwrap_or_default().to_owned());
    }
    let case = app
        .post(
            "/api/v1/aftersales",
            Some(&cast.cs.1),
            &json!({"order_id": ids[0], "kind": "complaint", "description": "late, =SUM(A1)"}),
        )
        .await;
    assert_eq!(case.status, StatusCode::CREATED, "{}", case.text);
    let boss = &cast.dept.1;

    // Orders: each line the order as GET /orders/{id} shows it, oldest first.
    let r = app.get("/api/v1/exports/orders", boss).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    let rows = ndjson(&r.text);
    assert_eq!(rows.len(), 3);
    for (row, id) in rows.iter().zip(&ids) {
        let api = app.get(&format!("/api/v1/orders/{id}"), boss).await;
        assert_eq!(*row, api.body);
    }
    // A period: only what was created in it.
    let at = |m: i64| {
        (app.clock.now_utc() + chrono::Duration::minutes(m))
            .to_rfc3339()
            .replace('+', "%2B")
    };
    let r = app
        .get(
            &format!("/api/v1/exports/orders?from={}&to={}", at(1), at(60)),
            boss,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.text, "");
    // CSV: a header, one row per order line, formulas made inert.
    let r = app.get("/api/v1/exports/orders?format=csv", boss).await;
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    let lines: Vec<&str> = r.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.text);
    assert!(lines[0].starts_with("order_id,channel,channel_order_no"));
    let r = app
        .get("/api/v1/exports/aftersales-cases?format=csv", boss)
        .await;
    assert!(
        r.text.contains("'=SUM(A1)") || r.text.contains("late, =SUM(A1)"),
        "{}",
        r.text
    );
    let r = app.get("/api/v1/exports/aftersales-cases", boss).await;
    let cases = ndjson(&r.text);
    assert_eq!(cases.len(), 1);
    let api = app
        .get(
            &format!(
                "/api/v1/aftersales/{}",
                case.body["id"].as_str().unwrap_or_default()
            ),
            boss,
        )
        .await;
    assert_eq!(cases[0], api.body);
    // Products as GET /products/{id} shows them.
    let r = app.get("/api/v1/exports/products", boss).await;
    let products = ndjson(&r.text);
    let api = app.product(&product, boss).await;
    assert!(products.contains(&api.body), "{}", r.text);
    // Attendance summaries: every person-month the period touches.
    let from = (app.clock.now_utc() - chrono::Duration::days(40))
        .to_rfc3339()
        .replace('+', "%2B");
    let r = app
        .get(
            &format!("/api/v1/exports/attendance-summaries?from={from}"),
            boss,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let months = ndjson(&r.text);
    assert!(!months.is_empty());
    assert!(months
        .iter()
        .all(|m| m["month"].is_string() && m["summary"]["username"].is_string()));
    let r = app
        .get(
            &format!("/api/v1/exports/attendance-summaries?from={from}&format=csv"),
            boss,
        )
        .await;
    let csv: Vec<&str> = r.text.trim_start_matches('\u{feff}').lines().collect();
    assert!(csv[0].starts_with("month,username"), "{}", r.text);
    assert_eq!(csv.len(), months.len() + 1);

    // Bad input.
    app.get("/api/v1/exports/customers", boss)
        .await
        .assert_problem(400, "invalid_path_parameter");
    app.get("/api/v1/exports/orders?format=xml", boss)
        .await
        .assert_problem(400, "invalid_query");
    let r = app
        .get(
            "/api/v1/exports/orders?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
            boss,
        )
        .await;
    r.assert_problem(400, "invalid_query");
    assert_eq!(r.error_fields(), ["to"]);
    app.get("/api/v1/exports/attendance-summaries", boss)
        .await
        .assert_problem(400, "invalid_query");
}
dual!(each_dataset_streams_what_the_api_shows_for_the_period);

async fn r_sec_5_only_exporters_take_data_out_and_every_export_is_on_record(app: TestApp) {
    let cast = app.cast().await;
    app.get("/api/v1/exports/orders", &cast.cs.1)
        .await
        .assert_problem(403, "missing_role");
    // A supervisor's token needs `exports:read`.
    let admin = app.admin_token().await;
    let sup = app
        .seed_user(
            "sup.export",
            &[ecops_domain::JobRole::CsSupervisor],
            ecops_domain::PermissionLevel::Operator,
        )
        .await;
    let token = |scopes: Value| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let r = app
                .post(
                    "/api/v1/api-tokens",
                    Some(&admin),
                    &json!({"name": "erp", "user_id": sup, "scopes": scopes}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            r.body["token"].as_str().unwrap_or_default().to_owned()
        }
    };
    let narrow = token(json!(["orders:read"])).await;
    app.get("/api/v1/exports/orders", &narrow)
        .await
        .assert_problem(403, "missing_scope");
    let wide = token(json!(["exports:read"])).await;
    let r = app.get("/api/v1/exports/orders?format=csv", &wide).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let audit = app.get("/api/v1/audit?action=export.stream", &admin).await;
    let entries = audit.body["items"].as_array().cloned().unwrap_or_default();
    let outcomes: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["outcome"].as_str())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == "refused").count(),
        2,
        "{}",
        audit.text
    );
    assert_eq!(
        outcomes.iter().filter(|o| **o == "success").count(),
        1,
        "{}",
        audit.text
    );
}
dual!(r_sec_5_only_exporters_take_data_out_and_every_export_is_on_record);
