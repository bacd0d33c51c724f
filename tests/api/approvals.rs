//! The approvals engine (R-APR-1..5, R-ACL-4) over HTTP, on both databases.

use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, Reply, TestApp, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

async fn permission_request(app: &TestApp, admin: &str, user: &str, level: &str) -> String {
    let r = app
        .post(
            &format!("/api/v1/users/{user}/permission-level-requests"),
            Some(admin),
            &json!({"permission_level": level, "reason": "needs it"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    r.body["id"].as_str().unwrap_or_default().to_owned()
}

async fn r_acl_4_a_permission_level_change_takes_effect_with_both_approvals(app: TestApp) {
    let cast = app.cast().await;
    let (target, token) = app
        .user_token("tom", &[JobRole::Planner], PermissionLevel::Viewer)
        .await;
    let req = permission_request(&app, &cast.it.1, &target.to_string(), "operator").await;
    // Marketing approves: the step still waits for IT; nothing changes yet.
    let r = app.decide(&req, &cast.marketing.1, "approve").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["state"], "pending");
    assert_eq!(r.body["waiting_for"], json!(["it_admin"]));
    assert_eq!(
        app.get("/api/v1/me", &token).await.body["permission_level"],
        "viewer"
    );
    // The proposer holds it_admin but may not decide their own request.
    app.decide(&req, &cast.it.1, "approve")
        .await
        .assert_problem(403, "own_request");
    // Another IT admin completes it: the level changes in the same transaction.
    let (_, it2) = app
        .user_token("it.two", &[JobRole::ItAdmin], PermissionLevel::Operator)
        .await;
    let r = app.decide(&req, &it2, "approve").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["state"], "approved");
    assert_eq!(r.body["decisions"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        app.get("/api/v1/me", &token).await.body["permission_level"],
        "operator"
    );
    let audit = app
        .get(
            &format!("/api/v1/audit?action=user.permission_level_changed&subject_id={target}"),
            &cast.it.1,
        )
        .await;
    assert_eq!(
        audit.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        audit.text
    );
}
dual!(r_acl_4_a_permission_level_change_takes_effect_with_both_approvals);

async fn r_apr_2_the_two_role_step_accepts_either_order(app: TestApp) {
    let cast = app.cast().await;
    let (a, _) = app
        .user_token("ann.a", &[JobRole::Planner], PermissionLevel::Viewer)
        .await;
    let (_, it2) = app
        .user_token("it.two", &[JobRole::ItAdmin], PermissionLevel::Operator)
        .await;
    let req = permission_request(&app, &cast.it.1, &a.to_string(), "operator").await;
    let r = app.decide(&req, &it2, "approve").await;
    assert_eq!(r.body["waiting_for"], json!(["marketing_director"]));
    let r = app.decide(&req, &cast.marketing.1, "approve").await;
    assert_eq!(r.body["state"], "approved", "{}", r.text);
}
dual!(r_apr_2_the_two_role_step_accepts_either_order);

async fn r_apr_3_self_approval_is_refused_even_holding_every_role(app: TestApp) {
    let admin = app.admin_token().await; // admin holds every role
    let cast = app.cast().await;
    let product = app.draft(&cast, "SELF-1", 1000).await;
    app.receive(&cast, &product, 5).await;
    let r = app
        .post(
            &format!("/api/v1/products/{product}/listing-requests"),
            Some(&admin),
            &json!({"reason": "mine"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let req = r.body["id"].as_str().unwrap_or_default();
    app.decide(req, &admin, "approve")
        .await
        .assert_problem(403, "own_request");
    assert_eq!(
        app.product(&product, &admin).await.body["status"],
        "pending_listing"
    );
}
dual!(r_apr_3_self_approval_is_refused_even_holding_every_role);

async fn r_apr_3_wrong_role_is_403_and_a_rejected_step_ends_the_request(app: TestApp) {
    let cast = app.cast().await;
    let product = app.draft(&cast, "REJ-1", 1000).await;
    app.receive(&cast, &product, 5).await;
    let r = app
        .post(
            &format!("/api/v1/products/{product}/listing-requests"),
            Some(&cast.planner.1),
            &json!({"reason": "try"}),
        )
        .await;
    let req = r.body["id"].as_str().unwrap_or_default().to_owned();
    app.decide(&req, &cast.dept.1, "approve")
        .await
        .assert_problem(403, "wrong_role");
    let r = app.decide(&req, &cast.marketing.1, "reject").await;
    assert_eq!(r.body["state"], "rejected", "{}", r.text);
    // Final: a second decision is a conflict; the product is back to draft.
    let (_, md2) = app
        .user_token(
            "md.two",
            &[JobRole::MarketingDirector],
            PermissionLevel::Operator,
        )
        .await;
    app.decide(&req, &md2, "approve")
        .await
        .assert_problem(409, "request_not_pending");
    assert_eq!(
        app.product(&product, &cast.planner.1).await.body["status"],
        "draft"
    );
    // The proposer may submit a new one.
    let again = app
        .post(
            &format!("/api/v1/products/{product}/listing-requests"),
            Some(&cast.planner.1),
            &json!({"reason": "again"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
}
dual!(r_apr_3_wrong_role_is_403_and_a_rejected_step_ends_the_request);

async fn r_apr_3_decisions_need_a_comment_and_withdrawal_is_the_proposers(app: TestApp) {
    let cast = app.cast().await;
    let product = app.draft(&cast, "WD-1", 1000).await;
    let r = app
        .post(
            &format!("/api/v1/products/{product}/listing-requests"),
            Some(&cast.planner.1),
            &json!({"reason": "try"}),
        )
        .await;
    let req = r.body["id"].as_str().unwrap_or_default().to_owned();
    let r = app
        .post(
            &format!("/api/v1/approvals/{req}/decisions"),
            Some(&cast.marketing.1),
            &json!({"verdict": "approve", "comment": ""}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), vec!["comment".to_owned()]);
    app.post(
        &format!("/api/v1/approvals/{req}/withdraw"),
        Some(&cast.storefront.1),
        &json!({}),
    )
    .await
    .assert_problem(403, "not_proposer");
    let w = app
        .post(
            &format!("/api/v1/approvals/{req}/withdraw"),
            Some(&cast.planner.1),
            &json!({}),
        )
        .await;
    assert_eq!(w.body["state"], "withdrawn", "{}", w.text);
    // Deciding a withdrawn request is a conflict.
    app.decide(&req, &cast.marketing.1, "approve")
        .await
        .assert_problem(409, "request_not_pending");
    app.post(
        &format!("/api/v1/approvals/{req}/withdraw"),
        Some(&cast.planner.1),
        &json!({}),
    )
    .await
    .assert_problem(409, "request_not_pending");
    assert_eq!(
        app.product(&product, &cast.planner.1).await.body["status"],
        "draft"
    );
}
dual!(r_apr_3_decisions_need_a_comment_and_withdrawal_is_the_proposers);

async fn r_apr_4_approve_and_reject_at_the_same_instant_exactly_one_wins(app: TestApp) {
    let cast = app.cast().await;
    let (_, md2) = app
        .user_token(
            "md.two",
            &[JobRole::MarketingDirector],
            PermissionLevel::Operator,
        )
        .await;
    for round in 0..10 {
        let product = app.draft(&cast, &format!("RACE-{round}"), 1000).await;
        app.receive(&cast, &product, 3).await;
        let r = app
            .post(
                &format!("/api/v1/products/{product}/listing-requests"),
                Some(&cast.planner.1),
                &json!({"reason": "race"}),
            )
            .await;
        let req = r.body["id"].as_str().unwrap_or_default().to_owned();
        let approve = app
            .request(
                reqwest::Method::POST,
                &format!("/api/v1/approvals/{req}/decisions"),
                Some(&cast.marketing.1),
            )
            .json(&json!({"verdict": "approve", "comment": "yes"}));
        let reject = app
            .request(
                reqwest::Method::POST,
                &format!("/api/v1/approvals/{req}/decisions"),
                Some(&md2),
            )
            .json(&json!({"verdict": "reject", "comment": "no"}));
        let (a, b) = tokio::join!(
            async { Reply::read(approve.send().await.unwrap_or_else(|e| panic!("{e}"))).await },
            async { Reply::read(reject.send().await.unwrap_or_else(|e| panic!("{e}"))).await }
        );
        let statuses = [a.status.as_u16(), b.status.as_u16()];
        assert!(
            statuses.contains(&200) && statuses.contains(&409),
            "round {round}: {statuses:?} {} {}",
            a.text,
            b.text
        );
        let detail = app
            .get(&format!("/api/v1/approvals/{req}"), &cast.marketing.1)
            .await;
        assert_eq!(
            detail.body["decisions"].as_array().map(Vec::len),
            Some(1),
            "exactly one decision"
        );
        let status = app.product(&product, &cast.planner.1).await.body["status"].clone();
        if a.status == StatusCode::OK {
            assert_eq!(detail.body["state"], "approved");
            assert_eq!(status, "listed");
        } else {
            assert_eq!(detail.body["state"], "rejected");
            assert_eq!(status, "draft");
        }
        let history = app
            .get(
                &format!("/api/v1/products/{product}/history"),
                &cast.planner.1,
            )
            .await;
        let changes = history
            .body
            .as_array()
            .map(|h| h.iter().filter(|e| e["kind"] == "status_changed").count());
        assert_eq!(
            changes,
            Some(2),
            "the effect is applied at most once: {}",
            history.text
        );
    }
}
dual!(r_apr_4_approve_and_reject_at_the_same_instant_exactly_one_wins);

async fn r_apr_4_a_failing_effect_leaves_the_request_pending_and_the_subject_untouched(
    app: TestApp,
) {
    let cast = app.cast().await;
    // A listing of a product with no stock cannot take effect.
    let product = app.draft(&cast, "EMPTY-1", 1000).await;
    let r = app
        .post(
            &format!("/api/v1/products/{product}/listing-requests"),
            Some(&cast.planner.1),
            &json!({"reason": "list"}),
        )
        .await;
    let req = r.body["id"].as_str().unwrap_or_default().to_owned();
    app.decide(&req, &cast.marketing.1, "approve")
        .await
        .assert_problem(422, "out_of_stock");
    let detail = app
        .get(&format!("/api/v1/approvals/{req}"), &cast.marketing.1)
        .await;
    assert_eq!(detail.body["state"], "pending");
    assert_eq!(
        detail.body["decisions"],
        json!([]),
        "the refused decision is not recorded"
    );
    assert_eq!(
        app.product(&product, &cast.planner.1).await.body["status"],
        "pending_listing"
    );
    // Once stock arrives the same approver can approve.
    app.receive(&cast, &product, 2).await;
    assert_eq!(
        app.decide(&req, &cast.marketing.1, "approve").await.body["state"],
        "approved"
    );

    // A permission change whose subject changed meanwhile fails with subject_changed.
    let (target, _) = app
        .user_token("sub.ject", &[JobRole::Planner], PermissionLevel::Viewer)
        .await;
    let req = permission_request(&app, &cast.it.1, &target.to_string(), "operator").await;
    app.with_db(move |conn| {
        ecops_persistence::repo::users::set_permission_level(
            conn,
            target,
            PermissionLevel::DbAdmin,
            chrono::Utc::now(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    })
    .await;
    app.decide(&req, &cast.marketing.1, "approve").await;
    let (_, it2) = app
        .user_token("it.two", &[JobRole::ItAdmin], PermissionLevel::Operator)
        .await;
    app.decide(&req, &it2, "approve")
        .await
        .assert_problem(422, "subject_changed");
    let me = app.token("sub.ject", USER_PASSWORD).await;
    assert_eq!(
        app.get("/api/v1/me", &me).await.body["permission_level"],
        "db_admin"
    );
}
dual!(r_apr_4_a_failing_effect_leaves_the_request_pending_and_the_subject_untouched);

async fn r_apr_1_inboxes_show_what_waits_for_me_what_i_proposed_and_all(app: TestApp) {
    let cast = app.cast().await;
    let product = app.draft(&cast, "INBOX-1", 1000).await;
    let r = app
        .post(
            &format!("/api/v1/products/{product}/listing-requests"),
            Some(&cast.planner.1),
            &json!({"reason": "inbox"}),
        )
        .await;
    let req = r.body["id"].as_str().unwrap_or_default().to_owned();
    let waiting = app.get("/api/v1/approvals", &cast.marketing.1).await;
    assert_eq!(
        waiting.body["items"][0]["id"],
        req.as_str(),
        "{}",
        waiting.text
    );
    assert_eq!(
        app.get("/api/v1/approvals", &cast.dept.1).await.body["items"],
        json!([]),
        "not the manager's step"
    );
    assert_eq!(
        app.get("/api/v1/approvals?view=mine", &cast.planner.1)
            .await
            .body["items"][0]["id"],
        req.as_str()
    );
    let all = app
        .get(
            "/api/v1/approvals?view=all&kind=listing&state=pending",
            &cast.dept.1,
        )
        .await;
    assert_eq!(all.body["items"].as_array().map(Vec::len), Some(1));
    app.get("/api/v1/approvals?view=all", &cast.cs.1)
        .await
        .assert_problem(403, "missing_role");
    app.get("/api/v1/approvals?kind=nonsense", &cast.cs.1)
        .await
        .assert_problem(400, "invalid_query");
    // Someone with no part in it does not see it.
    app.get(&format!("/api/v1/approvals/{req}"), &cast.cs.1)
        .await
        .assert_problem(404, "not_found");
}
dual!(r_apr_1_inboxes_show_what_waits_for_me_what_i_proposed_and_all);

async fn chains_are_versioned_and_pending_requests_keep_theirs(app: TestApp) {
    let cast = app.cast().await;
    let product = app.draft(&cast, "CHAIN-1", 1000).await;
    app.receive(&cast, &product, 1).await;
    let r = app
        .post(
            &format!("/api/v1/products/{product}/listing-requests"),
            Some(&cast.planner.1),
            &json!({"reason": "before"}),
        )
        .await;
    let before = r.body["id"].as_str().unwrap_or_default().to_owned();
    let now = chrono::Utc::now() - chrono::Duration::seconds(5);
    let set = app
        .put("/api/v1/approval-chains/listing", &cast.it.1, &json!({"steps": [{"all_of": ["dept_manager"]}, {"all_of": ["marketing_director"]}], "effective_from": now}))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(
        set.body["in_force"]["steps"],
        json!([["dept_manager"], ["marketing_director"]])
    );
    assert_eq!(
        set.body["default"]["steps"],
        json!([["marketing_director"]])
    );
    // The pending request keeps the chain it was submitted under.
    assert_eq!(
        app.decide(&before, &cast.marketing.1, "approve").await.body["state"],
        "approved"
    );
    let other = app.draft(&cast, "CHAIN-2", 1000).await;
    let r = app
        .post(
            &format!("/api/v1/products/{other}/listing-requests"),
            Some(&cast.planner.1),
            &json!({"reason": "after"}),
        )
        .await;
    assert_eq!(
        r.body["chain"],
        json!([["dept_manager"], ["marketing_director"]])
    );
    app.put(
        "/api/v1/approval-chains/listing",
        &cast.planner.1,
        &json!({"steps": [{"all_of": ["planner"]}], "effective_from": now}),
    )
    .await
    .assert_problem(403, "missing_role");
    app.get("/api/v1/approval-chains/nonsense", &cast.it.1)
        .await
        .assert_problem(404, "not_found");
}
dual!(chains_are_versioned_and_pending_requests_keep_theirs);

async fn every_decision_is_audited(app: TestApp) {
    let cast = app.cast().await;
    let product = app.listed(&cast, "AUD-1", 1000, 2).await;
    let audit = app
        .get("/api/v1/audit?action=approval.decide", &cast.it.1)
        .await;
    let item = &audit.body["items"][0];
    assert_eq!(item["detail"]["verdict"], "approve", "{}", audit.text);
    assert_eq!(item["detail"]["role"], "marketing_director");
    assert_eq!(item["actor_id"], cast.marketing.0.to_string());
    let _ = product;
}
dual!(every_decision_is_audited);
