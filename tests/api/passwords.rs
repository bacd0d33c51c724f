//! R-ACL-5 through the API: every clause of the password policy, expiry and reuse.

use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, TestApp, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

async fn change(app: &TestApp, token: &str, current: &str, new: &str) -> ecops_tests::Reply {
    app.post(
        "/api/v1/me/password",
        Some(token),
        &json!({"current_password": current, "new_password": new}),
    )
    .await
}

async fn r_acl_5_every_policy_clause_is_enforced_on_change(app: TestApp) {
    let (_, token) = app
        .user_token("frank", &[JobRole::Designer], PermissionLevel::Operator)
        .await;
    for (candidate, clause) in [
        ("Ab1-xyz", "at least 8 characters"),
        ("9Harbour-Lantern", "must not begin with a digit"),
        ("harbourlantern", "must mix at least 3"),
        ("Password1!", "too common"),
        ("Xx-Frank-2026", "must not contain the user name"),
    ] {
        let r = change(&app, &token, USER_PASSWORD, candidate).await;
        r.assert_problem(422, "password_policy");
        assert!(
            r.error_fields().iter().all(|f| f == "new_password"),
            "{}",
            r.text
        );
        assert!(
            r.text.contains(clause),
            "{candidate}: expected `{clause}` in {}",
            r.text
        );
    }
    // The current password must be right.
    change(&app, &token, "Wrong-Current-1", "Harbour-Lantern-42")
        .await
        .assert_problem(422, "validation_failed");
}
dual!(r_acl_5_every_policy_clause_is_enforced_on_change);

async fn r_acl_5_minimum_length_is_configurable(app: TestApp) {
    let (_, token) = app
        .user_token("gina", &[JobRole::Designer], PermissionLevel::Operator)
        .await;
    change(&app, &token, USER_PASSWORD, "Ab1-xyzq")
        .await
        .assert_problem(422, "password_policy");
    let r = change(&app, &token, USER_PASSWORD, "Ab1-xyzqrstu").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
}
dual!(
    r_acl_5_minimum_length_is_configurable,
    |c: &mut ecops_server::config::Config| {
        c.password.min_length = 10;
    }
);

async fn r_acl_5_the_last_three_passwords_cannot_be_reused(app: TestApp) {
    app.seed_user("hank", &[JobRole::Planner], PermissionLevel::Operator)
        .await;
    let sequence = ["Amber-Falcon-11", "Brisk-Otter-22", "Cedar-Lynx-33"];
    let mut current = USER_PASSWORD.to_owned();
    for next in sequence {
        let token = app.token("hank", &current).await;
        let r = change(&app, &token, &current, next).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        current = next.to_owned();
    }
    let token = app.token("hank", &current).await;
    for old in ["Amber-Falcon-11", "Brisk-Otter-22", "Cedar-Lynx-33"] {
        let r = change(&app, &token, &current, old).await;
        r.assert_problem(422, "password_policy");
        assert!(r.text.contains("last 3"), "{}", r.text);
    }
    // The fourth-newest (the seed password) is old enough to come back.
    let r = change(&app, &token, &current, USER_PASSWORD).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
}
dual!(r_acl_5_the_last_three_passwords_cannot_be_reused);

async fn r_acl_5_an_expired_password_can_only_be_changed(app: TestApp) {
    app.seed_user(
        "iris",
        &[JobRole::CustomerService],
        PermissionLevel::Operator,
    )
    .await;
    app.clock.advance(chrono::Duration::days(90));
    let login = app.login("iris", USER_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(login.body["password_expired"], true);
    let token = login.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.get("/api/v1/users", &token)
        .await
        .assert_problem(403, "password_expired");
    assert_eq!(app.get("/api/v1/me", &token).await.status, StatusCode::OK);
    let r = change(&app, &token, USER_PASSWORD, "Harbour-Lantern-42").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    // The change ended the session; the new password gives a normal one.
    app.get("/api/v1/me", &token)
        .await
        .assert_problem(401, "unauthorized");
    let fresh = app.login("iris", "Harbour-Lantern-42").await;
    assert_eq!(fresh.body["password_expired"], false);
    let t = fresh.body["access_token"].as_str().unwrap_or_default();
    assert_eq!(app.get("/api/v1/users", t).await.status, StatusCode::OK);
}
dual!(r_acl_5_an_expired_password_can_only_be_changed);

async fn r_acl_5_new_accounts_must_pass_the_policy(app: TestApp) {
    let admin = app.admin_token().await;
    let before = app.user_count().await;
    let r = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "jack", "display_name": "Jack", "password": "1password"}),
        )
        .await;
    r.assert_problem(422, "password_policy");
    assert!(r.text.contains("must not begin with a digit"));
    assert_eq!(
        app.user_count().await,
        before,
        "a refused account must not be written"
    );
}
dual!(r_acl_5_new_accounts_must_pass_the_policy);
