//! API tokens for integrations: scopes, revocation, last use.

use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn api_tokens_act_within_their_scopes_until_revoked(app: TestApp) {
    let admin = app.admin_token().await;
    let svc = app
        .seed_user("shop-sync", &[JobRole::ItAdmin], PermissionLevel::Operator)
        .await;
    let created = app
        .post(
            "/api/v1/api-tokens",
            Some(&admin),
            &json!({"name": "shop sync", "user_id": svc, "scopes": ["users:read"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let token = created.body["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let id = created.body["id"].as_str().unwrap_or_default().to_owned();
    assert!(token.starts_with("ecops_"));

    let list = app.get("/api/v1/users", &token).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    // Writing needs users:write even though the account's role would allow it.
    let r = app
        .post(
            "/api/v1/users",
            Some(&token),
            &json!({"username": "abe", "display_name": "Abe", "password": "Harbour-Lantern-42"}),
        )
        .await;
    r.assert_problem(403, "missing_scope");
    // Tokens cannot mint tokens.
    app.post(
        "/api/v1/api-tokens",
        Some(&token),
        &json!({"name": "x", "scopes": ["users:read"]}),
    )
    .await
    .assert_problem(403, "session_required");

    let listed = app.get("/api/v1/api-tokens", &admin).await;
    assert!(
        listed.body["items"][0]["last_used_at"].is_string(),
        "{}",
        listed.text
    );

    let revoked = app
        .send(app.request(
            Method::DELETE,
            &format!("/api/v1/api-tokens/{id}"),
            Some(&admin),
        ))
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    app.get("/api/v1/users", &token)
        .await
        .assert_problem(401, "unauthorized");
    app.send(app.request(
        Method::DELETE,
        &format!("/api/v1/api-tokens/{id}"),
        Some(&admin),
    ))
    .await
    .assert_problem(409, "already_revoked");
}
dual!(api_tokens_act_within_their_scopes_until_revoked);

async fn unknown_scopes_are_refused(app: TestApp) {
    let admin = app.admin_token().await;
    let r = app
        .post(
            "/api/v1/api-tokens",
            Some(&admin),
            &json!({"name": "x", "scopes": ["users:read", "root"]}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), vec!["scopes.1".to_owned()]);
}
dual!(unknown_scopes_are_refused);

/// Each token has its own rate (or the server's default): beyond it 429 with `Retry-After`, and
/// every answer to a token says where it stands (`RateLimit-Policy`, `RateLimit`).
async fn each_token_is_held_to_its_own_rate(app: TestApp) {
    let admin = app.admin_token().await;
    let make = |rate: Option<u32>| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let mut body = json!({"name": "erp", "scopes": ["orders:read"]});
            if let Some(r) = rate {
                body["rate_per_minute"] = json!(r);
            }
            let r = app.post("/api/v1/api-tokens", Some(&admin), &body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            (
                r.body["token"].as_str().unwrap_or_default().to_owned(),
                r.body["rate_per_minute"].clone(),
            )
        }
    };
    let (slow, rate) = make(Some(3)).await;
    assert_eq!(rate, 3);
    let (other, default_rate) = make(None).await;
    assert_eq!(default_rate, 600);
    for left in [2, 1, 0] {
        let r = app.get("/api/v1/orders", &slow).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.header("ratelimit-policy"), Some("\"token\";q=3;w=60"));
        let now = r.header("ratelimit").unwrap_or_default().to_owned();
        assert!(now.starts_with(&format!("\"token\";r={left};t=")), "{now}");
    }
    let refused = app.get("/api/v1/orders", &slow).await;
    refused.assert_problem(429, "rate_limited");
    let wait: u64 = refused
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    assert!((1..=20).contains(&wait), "Retry-After {wait}");
    assert_eq!(
        refused.header("ratelimit-policy"),
        Some("\"token\";q=3;w=60")
    );
    // Another token is not held back by the first.
    let r = app.get("/api/v1/orders", &other).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.header("ratelimit-policy"), Some("\"token\";q=600;w=60"));
    // Out of range.
    let r = app
        .post(
            "/api/v1/api-tokens",
            Some(&admin),
            &json!({"name": "x", "scopes": ["orders:read"], "rate_per_minute": 0}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), ["rate_per_minute"], "{}", r.text);
    // A login session is not rate limited per token.
    let r = app.get("/api/v1/orders", &admin).await;
    assert_eq!(r.header("ratelimit"), None);
}
dual!(each_token_is_held_to_its_own_rate);
