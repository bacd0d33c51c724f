//! User administration and the access rules (R-ACL-1..4).

use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, Reply, TestApp, USER_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn new_user(name: &str) -> Value {
    json!({"username": name, "display_name": name.to_uppercase(), "password": "Harbour-Lantern-42",
           "roles": ["customer_service"], "monthly_wage_fen": 650000})
}

async fn admin_creates_a_user_who_can_log_in(app: TestApp) {
    let admin = app.admin_token().await;
    let r = app
        .post("/api/v1/users", Some(&admin), &new_user("kate"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let user = &r.body["user"];
    assert_eq!(user["username"], "kate");
    assert_eq!(user["permission_level"], "viewer");
    assert_eq!(user["roles"], json!(["customer_service"]));
    assert_eq!(r.body["permission_request"], Value::Null);
    let token = app.token("kate", "Harbour-Lantern-42").await;
    let me = app.get("/api/v1/me", &token).await;
    assert_eq!(me.body["username"], "kate");
    // Duplicate usernames are a conflict.
    app.post("/api/v1/users", Some(&admin), &new_user("kate"))
        .await
        .assert_problem(409, "username_taken");
}
dual!(admin_creates_a_user_who_can_log_in);

async fn r_acl_1_a_viewer_cannot_write(app: TestApp) {
    let (_, token) = app
        .user_token("leo", &[JobRole::ItAdmin], PermissionLevel::Viewer)
        .await;
    let before = app.user_count().await;
    app.post("/api/v1/users", Some(&token), &new_user("mia"))
        .await
        .assert_problem(403, "insufficient_level");
    assert_eq!(app.user_count().await, before);
    // Browsing is allowed.
    assert_eq!(
        app.get("/api/v1/users", &token).await.status,
        StatusCode::OK
    );
}
dual!(r_acl_1_a_viewer_cannot_write);

async fn r_acl_2_an_operator_cannot_act_outside_its_job_roles(app: TestApp) {
    let (_, token) = app
        .user_token(
            "nina",
            &[JobRole::CustomerService],
            PermissionLevel::Operator,
        )
        .await;
    let before = app.user_count().await;
    app.post("/api/v1/users", Some(&token), &new_user("omar"))
        .await
        .assert_problem(403, "missing_role");
    assert_eq!(app.user_count().await, before);
    let (_, it) = app
        .user_token("oscar", &[JobRole::ItAdmin], PermissionLevel::Operator)
        .await;
    assert_eq!(
        app.post("/api/v1/users", Some(&it), &new_user("omar"))
            .await
            .status,
        StatusCode::CREATED
    );
}
dual!(r_acl_2_an_operator_cannot_act_outside_its_job_roles);

async fn r_acl_4_a_permission_level_change_does_not_take_effect_without_approval(app: TestApp) {
    let admin = app.admin_token().await;
    let (id, token) = app
        .user_token("pat", &[JobRole::Planner], PermissionLevel::Viewer)
        .await;
    let r = app
        .post(
            &format!("/api/v1/users/{id}/permission-level-requests"),
            Some(&admin),
            &json!({"permission_level": "operator", "reason": "takes over pricing"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["state"], "pending");
    assert_eq!(r.body["kind"], "permission_level");
    assert_eq!(r.body["chain"], json!([["marketing_director", "it_admin"]]));
    assert_eq!(
        r.body["payload"],
        json!({"from": "viewer", "to": "operator"})
    );
    // Nothing changed: still a viewer, still unable to write.
    let me = app.get("/api/v1/me", &token).await;
    assert_eq!(me.body["permission_level"], "viewer");
    let list = app
        .get(
            &format!("/api/v1/users/{id}/permission-level-requests"),
            &admin,
        )
        .await;
    assert_eq!(list.body.as_array().map(Vec::len), Some(1));
    // A second request while one is pending is a conflict.
    app.post(
        &format!("/api/v1/users/{id}/permission-level-requests"),
        Some(&admin),
        &json!({"permission_level": "db_admin", "reason": "again"}),
    )
    .await
    .assert_problem(409, "pending_request_exists");
    // There is no direct edit of the level.
    let patch = app
        .send(
            app.request(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&admin))
                .json(&json!({"permission_level": "operator"})),
        )
        .await;
    patch.assert_problem(400, "invalid_body");
    assert_eq!(patch.error_fields(), vec!["permission_level".to_owned()]);
    assert_eq!(
        app.get("/api/v1/me", &token).await.body["permission_level"],
        "viewer"
    );
}
dual!(r_acl_4_a_permission_level_change_does_not_take_effect_without_approval);

async fn r_acl_4_asking_for_a_level_at_creation_files_a_request(app: TestApp) {
    let admin = app.admin_token().await;
    let mut body = new_user("quinn");
    body["permission_level"] = json!("operator");
    body["is_special"] = json!(true);
    let r = app.post("/api/v1/users", Some(&admin), &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["user"]["permission_level"], "viewer");
    assert_eq!(r.body["permission_request"]["state"], "pending");
    // A special account also needs the general manager.
    assert_eq!(
        r.body["permission_request"]["chain"],
        json!([["marketing_director", "it_admin"], ["general_manager"]])
    );
}
dual!(r_acl_4_asking_for_a_level_at_creation_files_a_request);

async fn no_response_ever_contains_a_password_or_token_hash(app: TestApp) {
    let admin = app.admin_token().await;
    let created = app
        .post("/api/v1/users", Some(&admin), &new_user("rita"))
        .await;
    let id = created.body["user"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let token = app
        .post(
            "/api/v1/api-tokens",
            Some(&admin),
            &json!({"name": "shop sync", "scopes": ["users:read"]}),
        )
        .await;
    let mut bodies = vec![created.text.clone(), token.text.clone()];
    for path in [
        "/api/v1/users",
        "/api/v1/me",
        "/api/v1/audit?limit=200",
        "/api/v1/api-tokens",
        &format!("/api/v1/users/{id}"),
    ] {
        bodies.push(app.get(path, &admin).await.text);
    }
    let secret = token.body["token"].as_str().unwrap_or_default();
    let listing = app.get("/api/v1/api-tokens", &admin).await.text;
    assert!(!listing.contains(secret), "a token must be shown only once");
    for body in bodies {
        assert!(!body.contains("$argon2"), "a password hash leaked: {body}");
        assert!(
            !body.contains("password_hash") && !body.contains("token_hash"),
            "{body}"
        );
    }
}
dual!(no_response_ever_contains_a_password_or_token_hash);

async fn wages_are_visible_only_to_managers_and_it(app: TestApp) {
    let (id, _) = app
        .user_token("sam", &[JobRole::Warehouse], PermissionLevel::Operator)
        .await;
    let (_, planner) = app
        .user_token(
            "tina",
            &[JobRole::Planner, JobRole::MarketingDirector],
            PermissionLevel::Operator,
        )
        .await;
    let (_, manager) = app
        .user_token("uma", &[JobRole::DeptManager], PermissionLevel::Viewer)
        .await;
    let hidden = app.get(&format!("/api/v1/users/{id}"), &planner).await;
    assert_eq!(hidden.status, StatusCode::OK);
    assert!(
        hidden.body.get("monthly_wage_fen").is_none(),
        "{}",
        hidden.text
    );
    let shown = app.get(&format!("/api/v1/users/{id}"), &manager).await;
    assert_eq!(shown.body["monthly_wage_fen"], 800_000);
}
dual!(wages_are_visible_only_to_managers_and_it);

async fn updates_honour_if_match(app: TestApp) {
    let admin = app.admin_token().await;
    let id = app
        .seed_user("vera", &[JobRole::Designer], PermissionLevel::Operator)
        .await;
    let read = app.get(&format!("/api/v1/users/{id}"), &admin).await;
    let etag = read.header("etag").unwrap_or_default().to_owned();
    assert_eq!(etag, "\"v1\"");
    let patch = |tag: &str, name: &str| {
        app.request(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&admin))
            .header("if-match", tag)
            .json(&json!({"display_name": name}))
    };
    let ok = app.send(patch(&etag, "Vera V.")).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["display_name"], "Vera V.");
    assert_eq!(ok.header("etag"), Some("\"v2\""));
    let stale = app.send(patch(&etag, "Someone else")).await;
    stale.assert_problem(412, "precondition_failed");
    assert_eq!(
        app.get(&format!("/api/v1/users/{id}"), &admin).await.body["display_name"],
        "Vera V."
    );
}
dual!(updates_honour_if_match);

async fn roles_are_assigned_and_audited(app: TestApp) {
    let admin = app.admin_token().await;
    let id = app
        .seed_user("will", &[JobRole::Designer], PermissionLevel::Operator)
        .await;
    let r = app
        .send(
            app.request(
                Method::PUT,
                &format!("/api/v1/users/{id}/roles"),
                Some(&admin),
            )
            .json(&json!({"roles": ["planner", "designer"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["roles"], json!(["planner", "designer"]));
    let bad = app
        .send(
            app.request(
                Method::PUT,
                &format!("/api/v1/users/{id}/roles"),
                Some(&admin),
            )
            .json(&json!({"roles": ["boss"]})),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), vec!["roles.0".to_owned()]);
    let audit = app
        .get(
            &format!("/api/v1/audit?action=user.roles_set&subject_id={id}"),
            &admin,
        )
        .await;
    assert_eq!(
        audit.body["items"][0]["detail"]["granted"],
        json!(["planner"])
    );
}
dual!(roles_are_assigned_and_audited);

async fn user_lists_paginate_with_cursors(app: TestApp) {
    let admin = app.admin_token().await;
    for name in ["ua1", "ua2", "ua3", "ua4", "ua5"] {
        app.seed_user(name, &[JobRole::Warehouse], PermissionLevel::Viewer)
            .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=2&role=warehouse&cursor={c}"),
            None => "/api/v1/users?limit=2&role=warehouse".to_owned(),
        };
        let page = app.get(&path, &admin).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        for u in page.body["items"].as_array().cloned().unwrap_or_default() {
            seen.push(u["username"].as_str().unwrap_or_default().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    // The bootstrap admin holds every role, warehouse too.
    assert_eq!(seen, vec!["admin", "ua1", "ua2", "ua3", "ua4", "ua5"]);
}
dual!(user_lists_paginate_with_cursors);

async fn idempotent_creation_returns_the_first_answer(app: TestApp) {
    let admin = app.admin_token().await;
    let send = |body: Value| {
        app.request(Method::POST, "/api/v1/users", Some(&admin))
            .header("Idempotency-Key", "create-xena-1")
            .json(&body)
    };
    let first = app.send(send(new_user("xena"))).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let again = app.send(send(new_user("xena"))).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.body["user"]["id"], first.body["user"]["id"]);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let other = app.send(send(new_user("yuri"))).await;
    other.assert_problem(422, "idempotency_key_reused");
}
dual!(idempotent_creation_returns_the_first_answer);

async fn concurrent_duplicates_with_one_key_create_once(app: TestApp) {
    let admin = app.admin_token().await;
    let before = app.user_count().await;
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let rb = app
                .request(Method::POST, "/api/v1/users", Some(&admin))
                .header("Idempotency-Key", "burst-zoe")
                .json(&new_user("zoe"));
            tokio::spawn(async move {
                Reply::read(rb.send().await.unwrap_or_else(|e| panic!("{e}"))).await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        let r = t.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "every duplicate gets the first answer: {}",
            r.text
        );
        ids.push(r.body["user"]["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "all answers name the same user");
    assert_eq!(app.user_count().await, before + 1);
}
dual!(concurrent_duplicates_with_one_key_create_once);

async fn self_deactivation_is_refused(app: TestApp) {
    let admin = app.admin_token().await;
    let me = app.get("/api/v1/me", &admin).await;
    let id = me.body["id"].as_str().unwrap_or_default();
    app.post(
        &format!("/api/v1/users/{id}/deactivate"),
        Some(&admin),
        &json!({}),
    )
    .await
    .assert_problem(422, "self_deactivation");
    let _ = USER_PASSWORD;
}
dual!(self_deactivation_is_refused);

async fn r_acl_4_a_permission_level_request_is_seen_only_by_who_may_see_it(app: TestApp) {
    let cast = app.cast().await;
    let subject = cast.designer.0;
    let r = app
        .post(
            &format!("/api/v1/users/{subject}/permission-level-requests"),
            Some(&cast.it.1),
            &json!({"permission_level": "db_admin", "reason": "runs the backups"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap_or_default().to_owned();
    let (_, outsider) = app
        .user_token("vi.ewer", &[JobRole::Planner], PermissionLevel::Viewer)
        .await;
    // Every route that returns approval requests or their payloads, walked as the outsider.
    app.get(&format!("/api/v1/approvals/{id}"), &outsider)
        .await
        .assert_problem(404, "not_found");
    let list = app
        .get(
            &format!("/api/v1/users/{subject}/permission-level-requests"),
            &outsider,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.body,
        json!([]),
        "another user's requests leak: {}",
        list.text
    );
    for view in ["waiting", "mine"] {
        let page = app
            .get(
                &format!("/api/v1/approvals?view={view}&kind=permission_level"),
                &outsider,
            )
            .await;
        assert_eq!(page.body["items"], json!([]), "{view}: {}", page.text);
    }
    app.get("/api/v1/approvals?view=all", &outsider)
        .await
        .assert_problem(403, "missing_role");
    let publications = app.get("/api/v1/approvals/publications", &outsider).await;
    assert_eq!(publications.body["items"], json!([]));
    // Those who may: the subject themself, the proposer and the chain's roles.
    for token in [&cast.designer.1, &cast.it.1, &cast.marketing.1] {
        let mine = app
            .get(
                &format!("/api/v1/users/{subject}/permission-level-requests"),
                token,
            )
            .await;
        assert_eq!(mine.body.as_array().map(Vec::len), Some(1), "{}", mine.text);
        assert_eq!(
            app.get(&format!("/api/v1/approvals/{id}"), token)
                .await
                .status,
            StatusCode::OK
        );
    }
}
dual!(r_acl_4_a_permission_level_request_is_seen_only_by_who_may_see_it);
