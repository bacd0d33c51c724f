//! The error contract of API.md: bad input gets a problem document and writes nothing.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ecops_tests::{dual, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn bad_bodies_are_problems_and_write_nothing(app: TestApp) {
    let admin = app.admin_token().await;
    let before = app.user_count().await;
    let post_raw = |body: &'static str, ct: &'static str| {
        app.request(Method::POST, "/api/v1/users", Some(&admin))
            .header("content-type", ct)
            .body(body)
    };
    app.send(post_raw("{\"username\": ", "application/json"))
        .await
        .assert_problem(400, "malformed_json");
    let wrong_type = app
        .send(post_raw(
            r#"{"username": 5, "display_name": "x", "password": "Harbour-Lantern-42"}"#,
            "application/json",
        ))
        .await;
    wrong_type.assert_problem(400, "invalid_body");
    assert_eq!(wrong_type.error_fields(), vec!["username".to_owned()]);
    let missing = app
        .send(post_raw(
            r#"{"username": "abc", "display_name": "x"}"#,
            "application/json",
        ))
        .await;
    missing.assert_problem(400, "invalid_body");
    assert_eq!(missing.error_fields(), vec!["password".to_owned()]);
    let unknown = app
        .send(post_raw(
            r#"{"username": "abc", "display_name": "x", "password": "Harbour-Lantern-42", "is_admin": true}"#,
            "application/json",
        ))
        .await;
    unknown.assert_problem(400, "invalid_body");
    assert_eq!(unknown.error_fields(), vec!["is_admin".to_owned()]);
    let invalid = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "ab", "display_name": "", "password": "Harbour-Lantern-42"}),
        )
        .await;
    invalid.assert_problem(422, "validation_failed");
    assert_eq!(
        invalid.error_fields(),
        vec!["display_name".to_owned(), "username".to_owned()]
    );
    app.send(post_raw(
        "username=abc",
        "application/x-www-form-urlencoded",
    ))
    .await
    .assert_problem(415, "unsupported_media_type");
    let huge = format!(
        r#"{{"username": "abc", "display_name": "{}", "password": "x"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let r = app
        .send(
            app.request(Method::POST, "/api/v1/users", Some(&admin))
                .header("content-type", "application/json")
                .body(huge),
        )
        .await;
    r.assert_problem(413, "payload_too_large");
    assert_eq!(app.user_count().await, before, "no bad request may write");
}
dual!(bad_bodies_are_problems_and_write_nothing);

async fn bad_paths_queries_methods_and_routes_are_problems(app: TestApp) {
    let admin = app.admin_token().await;
    app.get("/api/v1/users/not-a-uuid", &admin)
        .await
        .assert_problem(400, "invalid_path_parameter");
    app.get("/api/v1/users/0191f6a8-0000-7000-8000-000000000000", &admin)
        .await
        .assert_problem(404, "not_found");
    for q in ["limit=-1", "limit=0", "limit=100000", "limit=abc"] {
        let r = app.get(&format!("/api/v1/users?{q}"), &admin).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.text);
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert_eq!(r.error_fields(), vec!["limit".to_owned()], "{q}");
    }
    app.get("/api/v1/users?cursor=garbage", &admin)
        .await
        .assert_problem(400, "invalid_cursor");
    // Cursors are opaque and authenticated: an edited one that still decodes is refused.
    for name in ["ann.a", "bob.b", "cat.c"] {
        app.seed_user(name, &[], ecops_domain::PermissionLevel::Viewer)
            .await;
    }
    let first = app.get("/api/v1/users?limit=1", &admin).await;
    let cursor = first.body["next_cursor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        app.get(&format!("/api/v1/users?limit=1&cursor={cursor}"), &admin)
            .await
            .status,
        StatusCode::OK
    );
    let (_, tag) = cursor.split_once('.').unwrap_or_default();
    let edited = format!("{}.{tag}", URL_SAFE_NO_PAD.encode("bob.b"));
    app.get(&format!("/api/v1/users?limit=1&cursor={edited}"), &admin)
        .await
        .assert_problem(400, "invalid_cursor");
    let unsigned = URL_SAFE_NO_PAD.encode("c1:bob.b");
    app.get(&format!("/api/v1/users?limit=1&cursor={unsigned}"), &admin)
        .await
        .assert_problem(400, "invalid_cursor");
    app.get("/api/v1/audit?cursor=%%%", &admin).await;
    app.get("/api/v1/users?color=red", &admin)
        .await
        .assert_problem(400, "invalid_query");
    let r = app
        .send(app.request(Method::DELETE, "/api/v1/users", Some(&admin)))
        .await;
    r.assert_problem(405, "method_not_allowed");
    assert!(r
        .header("allow")
        .is_some_and(|a| a.contains("GET") && a.contains("POST")));
    app.get("/api/v1/no-such-thing", &admin)
        .await
        .assert_problem(404, "not_found");
    app.get("/api/nothing", &admin)
        .await
        .assert_problem(404, "not_found");
}
dual!(bad_paths_queries_methods_and_routes_are_problems);

async fn every_response_carries_a_request_id_and_security_headers(app: TestApp) {
    let r = app.send(app.request(Method::GET, "/healthz", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("x-request-id").is_some_and(|v| v.len() == 36));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(r.header("content-security-policy").is_some());
    let r = app.send(app.request(Method::GET, "/readyz", None)).await;
    assert_eq!(r.body["status"], "ready");
    let page = app.send(app.request(Method::GET, "/orders/42", None)).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "client routes fall back to the dashboard"
    );
    assert!(page
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/html")));
}
dual!(every_response_carries_a_request_id_and_security_headers);

async fn metrics_expose_request_counts_latency_and_pool_usage(app: TestApp) {
    let admin = app.admin_token().await;
    app.get("/api/v1/users", &admin).await;
    let r = app.send(app.request(Method::GET, "/metrics", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("ecops_http_requests_total"), "{}", r.text);
    assert!(r.text.contains("endpoint=\"/api/v1/users\""));
    assert!(r
        .text
        .contains("ecops_http_requests_duration_seconds_bucket"));
    assert!(r.text.contains("ecops_db_pool_connections_max"));
}
dual!(metrics_expose_request_counts_latency_and_pool_usage);

async fn api_docs_are_served_offline(app: TestApp) {
    let r = app
        .send(app.request(Method::GET, "/api/openapi.json", None))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["openapi"], "3.1.0");
    let docs = app.send(app.request(Method::GET, "/api/docs/", None)).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.text.contains("swagger"), "{}", docs.text);
    assert!(
        !docs.text.contains("https://"),
        "the reference must not load anything from the internet"
    );
}
dual!(api_docs_are_served_offline);

async fn cors_allows_configured_origins_and_refuses_others_as_problems(app: TestApp) {
    let preflight = |origin: &'static str| {
        app.send(
            app.request(Method::OPTIONS, "/api/v1/me", None)
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization"),
        )
    };
    let ok = preflight("https://ops.example.com").await;
    assert!(ok.status.is_success(), "{}", ok.text);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://ops.example.com")
    );
    let refused = preflight("https://evil.example.net").await;
    refused.assert_problem(400, "cors_rejected");
    assert_eq!(refused.header("access-control-allow-origin"), None);
}
dual!(
    cors_allows_configured_origins_and_refuses_others_as_problems,
    |c: &mut ecops_server::config::Config| c.cors_origins =
        vec!["https://ops.example.com".to_owned()]
);

async fn the_api_reference_answers_at_the_address_api_md_gives(app: TestApp) {
    let r = app.send(app.request(Method::GET, "/api/docs", None)).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text);
    assert_eq!(r.header("location"), Some("/api/docs/"));
    let page = app.send(app.request(Method::GET, "/api/docs/", None)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("swagger"), "{}", page.text);
}
dual!(the_api_reference_answers_at_the_address_api_md_gives);

async fn fixed_routes_beside_param_routes_answer_with_their_own_methods(app: TestApp) {
    let admin = app.admin_token().await;
    for (method, path, allow) in [
        (Method::OPTIONS, "/api/v1/orders/stream", "GET"),
        (
            Method::OPTIONS,
            "/api/v1/order-exports/2026-11-30/verify",
            "POST",
        ),
        (Method::PATCH, "/api/v1/customers/statistics", "GET"),
    ] {
        let r = app
            .send(app.request(method.clone(), path, Some(&admin)))
            .await;
        r.assert_problem(405, "method_not_allowed");
        assert_eq!(r.header("allow"), Some(allow), "{method} {path}");
    }
}
dual!(fixed_routes_beside_param_routes_answer_with_their_own_methods);
