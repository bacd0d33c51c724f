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
