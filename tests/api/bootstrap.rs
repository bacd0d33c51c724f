//! The first run (R-ACL-4 on a fresh install): the deciders of the permission-level chain are
//! raised once, without touching the database; then the window closes for good.

use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "Harbour-Lantern-42";

/// Creates a viewer through the API as `admin`; returns its id.
async fn create(app: &TestApp, admin: &str, username: &str, roles: &[&str]) -> String {
    let r = app
        .post(
            "/api/v1/users",
            Some(admin),
            &json!({"username": username, "display_name": username, "password": PASSWORD, "roles": roles}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["user"]["id"].as_str().unwrap_or_default().to_owned()
}

async fn grant(app: &TestApp, token: &str, user: &str, level: &str) -> ecops_tests::Reply {
    app.post(
        "/api/v1/bootstrap/permission-levels",
        Some(token),
        &json!({"user_id": user, "permission_level": level, "reason": "first run"}),
    )
    .await
}

async fn r_acl_4_a_fresh_install_raises_its_deciders_once_then_only_the_joint_approval_remains(
    app: TestApp,
) {
    let admin = app.admin_token().await;
    let state = app.get("/api/v1/bootstrap", &admin).await;
    assert_eq!(state.status, StatusCode::OK, "{}", state.text);
    assert_eq!(state.body["open"], true);
    assert_eq!(
        state.body["roles_needed"],
        json!(["marketing_director", "it_admin"])
    );
    assert_eq!(state.body["deciders"], json!([]));

    let mei = create(&app, &admin, "mei", &["marketing_director"]).await;
    let wang = create(&app, &admin, "wang", &["it_admin"]).await;
    let li = create(&app, &admin, "li.na", &["customer_service"]).await;

    // Only the chain's roles, only `operator`, only by an IT admin.
    grant(&app, &admin, &li, "operator")
        .await
        .assert_problem(422, "validation_failed");
    grant(&app, &admin, &mei, "db_admin")
        .await
        .assert_problem(422, "validation_failed");
    let viewer = app.token("wang", PASSWORD).await;
    grant(&app, &viewer, &mei, "operator")
        .await
        .assert_problem(403, "insufficient_level");

    let first = grant(&app, &admin, &mei, "operator").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["user"]["permission_level"], "operator");
    assert_eq!(
        first.body["bootstrap"]["open"], true,
        "one decider is not enough"
    );
    let second = grant(&app, &admin, &wang, "operator").await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_eq!(second.body["bootstrap"]["open"], false);
    assert!(second.body["bootstrap"]["closed_at"].is_string());

    // Closed for good: nobody else is raised this way, not even a decider role.
    let zhao = create(&app, &admin, "zhao", &["it_admin"]).await;
    grant(&app, &admin, &zhao, "operator")
        .await
        .assert_problem(409, "bootstrap_closed");
    grant(&app, &admin, &li, "operator")
        .await
        .assert_problem(409, "bootstrap_closed");

    // From now on: the joint approval of the two deciders (R-ACL-4).
    let req = app
        .post(
            &format!("/api/v1/users/{li}/permission-level-requests"),
            Some(&admin),
            &json!({"permission_level": "operator", "reason": "takes orders"}),
        )
        .await;
    assert_eq!(req.status, StatusCode::ACCEPTED, "{}", req.text);
    let id = req.body["id"].as_str().unwrap_or_default().to_owned();
    let mei_token = app.token("mei", PASSWORD).await;
    let wang_token = app.token("wang", PASSWORD).await;
    assert_eq!(
        app.decide(&id, &mei_token, "approve").await.status,
        StatusCode::OK
    );
    let done = app.decide(&id, &wang_token, "approve").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["state"], "approved");
    let li_view = app.get(&format!("/api/v1/users/{li}"), &admin).await;
    assert_eq!(li_view.body["permission_level"], "operator");

    // Deactivating a decider does not reopen the window.
    let d = app
        .post(
            &format!("/api/v1/users/{wang}/deactivate"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert!(d.status.is_success(), "{}", d.text);
    grant(&app, &admin, &zhao, "operator")
        .await
        .assert_problem(409, "bootstrap_closed");

    // Each grant and the closing are in the audit log as bootstrap actions.
    let audit = app
        .get("/api/v1/audit?action=bootstrap.permission_level", &admin)
        .await;
    let subjects: Vec<&Value> = audit.body["items"]
        .as_array()
        .map(|a| a.iter().map(|e| &e["subject_id"]).collect())
        .unwrap_or_default();
    assert_eq!(subjects.len(), 2, "{}", audit.text);
    let closed = app
        .get("/api/v1/audit?action=bootstrap.closed", &admin)
        .await;
    assert_eq!(
        closed.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        closed.text
    );
}
dual!(r_acl_4_a_fresh_install_raises_its_deciders_once_then_only_the_joint_approval_remains);

async fn r_acl_4_concurrent_first_run_grants_raise_no_more_than_the_chain_needs(app: TestApp) {
    let admin = app.admin_token().await;
    let mei = create(&app, &admin, "mei", &["marketing_director"]).await;
    assert_eq!(
        grant(&app, &admin, &mei, "operator").await.status,
        StatusCode::OK
    );
    let mut it = Vec::new();
    for i in 0..10 {
        it.push(create(&app, &admin, &format!("it.{i}"), &["it_admin"]).await);
    }
    let replies =
        futures_util::future::join_all(it.iter().map(|u| grant(&app, &admin, u, "operator"))).await;
    let ok = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(ok, 1, "exactly one IT lead completes the chain");
    for r in replies.iter().filter(|r| r.status != StatusCode::OK) {
        r.assert_problem(409, "bootstrap_closed");
    }
    let operators = app.get("/api/v1/bootstrap", &admin).await;
    assert_eq!(operators.body["deciders"].as_array().map(Vec::len), Some(2));
}
dual!(r_acl_4_concurrent_first_run_grants_raise_no_more_than_the_chain_needs);
