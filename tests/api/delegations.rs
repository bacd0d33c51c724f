//! R-ACC-1: delegated access. Job roles lent for a task and a period, approved by the department
//! manager, used on the lender's behalf, ending by themselves; nobody shares a password.

use chrono::Duration;
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, ClockExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn id_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// Asks for a delegation as `token`; returns the answer.
async fn ask(
    app: &TestApp,
    token: &str,
    delegate: uuid::Uuid,
    roles: &[&str],
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> ecops_tests::Reply {
    app.post(
        "/api/v1/delegations",
        Some(token),
        &json!({"delegate_id": delegate, "task": "cover the chat desk during the trade fair",
                "roles": roles, "starts_at": from, "ends_at": to}),
    )
    .await
}

async fn r_acc_1_a_delegation_works_only_inside_its_period_and_roles_on_behalf_of_the_lender(
    app: TestApp,
) {
    let cast = app.cast().await;
    app.listed(&cast, "TEA-1", 5_000, 50).await;
    // A temporary colleague with a viewer's account and no role of their own.
    let (temp, temp_token) = app
        .user_token("temp.zhao", &[], PermissionLevel::Viewer)
        .await;
    let now = app.clock.now_utc();
    let r = ask(
        &app,
        &cast.cs.1,
        temp,
        &["customer_service"],
        now + Duration::hours(1),
        now + Duration::days(2),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["standing"], "pending");
    let id = id_of(&r.body["id"]);
    let request = id_of(&r.body["approval_request_id"]);
    let order = |no: &str| {
        let body = app.order_body(no, "TEA-1", 1);
        let token = temp_token.clone();
        let app = &app;
        async move { app.post("/api/v1/orders", Some(&token), &body).await }
    };
    // Waiting for approval: nothing lent.
    order("D-1").await.assert_problem(403, "insufficient_level");
    // The department manager approves; the period has not begun.
    let d = app.decide(&request, &cast.dept.1, "approve").await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let path = format!("/api/v1/delegations/{id}");
    assert_eq!(
        app.get(&path, &temp_token).await.body["standing"],
        "scheduled"
    );
    order("D-2").await.assert_problem(403, "insufficient_level");
    // Inside the period: the colleague takes orders as customer service, for the lender.
    app.clock.set(now + Duration::hours(2));
    let me = app.get("/api/v1/me", &temp_token).await;
    assert_eq!(me.body["roles"], json!([]), "own roles stay their own");
    assert_eq!(me.body["acting_for"][0]["delegator_id"], json!(cast.cs.0));
    assert_eq!(
        me.body["acting_for"][0]["roles"],
        json!(["customer_service"])
    );
    let placed = order("D-3").await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.text);
    // Only the roles lent, at most an operator: no product drafting, no backups.
    app.post(
        "/api/v1/products",
        Some(&temp_token),
        &json!({"sku": "X-1", "title": "x", "category": "tea", "list_price_fen": 100, "price_fen": 100}),
    )
    .await
    .assert_problem(403, "insufficient_level");
    app.get("/api/v1/backups", &temp_token)
        .await
        .assert_problem(403, "insufficient_level");
    // The audit log names both: the actor and the lender, and the delegation's whole chain.
    let trail = app
        .get(&format!("/api/v1/audit?delegation_id={id}"), &cast.it.1)
        .await;
    assert_eq!(trail.status, StatusCode::OK, "{}", trail.text);
    let entries = trail.body["items"].as_array().cloned().unwrap_or_default();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default())
        .collect();
    assert!(actions.contains(&"delegation.request"), "{actions:?}");
    assert!(actions.contains(&"delegation.granted"), "{actions:?}");
    let created = entries
        .iter()
        .find(|e| e["action"] == "order.create")
        .unwrap_or_else(|| panic!("no order.create in {actions:?}"));
    assert_eq!(created["actor_id"], json!(temp));
    assert_eq!(created["on_behalf_of"], json!(cast.cs.0));
    assert_eq!(created["delegation_id"], json!(id));
    assert_eq!(app.get(&path, &cast.cs.1).await.body["actions"], 1);
    // The lender's own work is theirs alone.
    let own = app.order(&cast, &app.order_body("D-4", "TEA-1", 1)).await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.text);
    // The period ends: the roles go back by themselves.
    app.clock.set(now + Duration::days(2));
    assert_eq!(
        app.get(&path, &temp_token).await.body["standing"],
        "expired"
    );
    order("D-5").await.assert_problem(403, "insufficient_level");
    assert!(app.get("/api/v1/me", &temp_token).await.body["acting_for"].is_null());
    // The chain verifies with the on-behalf-of entries in it.
    let chain = app.get("/api/v1/audit/verify", &cast.it.1).await;
    assert_eq!(chain.body["intact"], true, "{}", chain.text);
}
dual!(
    r_acc_1_a_delegation_works_only_inside_its_period_and_roles_on_behalf_of_the_lender,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 30 * 86_400
);

async fn r_acc_1_a_delegate_cannot_approve_a_request_the_delegator_proposed(app: TestApp) {
    let op = PermissionLevel::Operator;
    let dept = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    // A deputy who also decides what waits for the department manager lends that role.
    let deputy = app
        .user_token(
            "de.puty",
            &[JobRole::CsSupervisor, JobRole::DeptManager],
            op,
        )
        .await;
    let stand_in = app.user_token("st.andin", &[JobRole::Planner], op).await;
    let sup = app
        .user_token("cs.boss", &[JobRole::CsSupervisor], op)
        .await;
    let now = app.clock.now_utc();
    // The stand-in cannot approve the delegation to themselves, whatever their roles; the
    // department manager does.
    let r = ask(
        &app,
        &deputy.1,
        stand_in.0,
        &["dept_manager"],
        now - Duration::minutes(1),
        now + Duration::days(3),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let request = id_of(&r.body["approval_request_id"]);
    app.decide(&request, &deputy.1, "approve")
        .await
        .assert_problem(403, "own_request");
    let ok = app.decide(&request, &dept.1, "approve").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let delegation = id_of(&r.body["id"]);
    // The deputy proposes a service phrase (it waits for the department manager): the stand-in
    // holds that role only through the deputy, so it cannot decide the deputy's own request.
    let phrase = |token: String, text: &'static str| {
        let app = &app;
        async move {
            app.post(
                "/api/v1/qa/phrases",
                Some(&token),
                &json!({"situation": "greeting", "language": "zh", "text": text}),
            )
            .await
        }
    };
    let own = phrase(deputy.1.clone(), "您好，欢迎光临茶园旗舰店，很高兴为您服务").await;
    assert_eq!(own.status, StatusCode::ACCEPTED, "{}", own.text);
    let own_request = id_of(&own.body["approval_request_id"]);
    let inbox = app.get("/api/v1/approvals?view=waiting", &stand_in.1).await;
    let waiting: Vec<String> = inbox.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| id_of(&i["id"]))
        .collect();
    assert!(!waiting.contains(&own_request), "not offered: {waiting:?}");
    app.decide(&own_request, &stand_in.1, "approve")
        .await
        .assert_problem(403, "delegator_request");
    // A colleague's proposal: the stand-in decides it, on the deputy's behalf.
    let other = phrase(sup.1.clone(), "亲，您的包裹已发出，请注意查收").await;
    let other_request = id_of(&other.body["approval_request_id"]);
    let inbox = app.get("/api/v1/approvals?view=waiting", &stand_in.1).await;
    assert!(
        inbox.body["items"]
            .as_array()
            .is_some_and(|l| l.iter().any(|i| id_of(&i["id"]) == other_request)),
        "{}",
        inbox.text
    );
    let decided = app.decide(&other_request, &stand_in.1, "approve").await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.text);
    assert_eq!(
        decided.body["decisions"][0]["on_behalf_of"],
        json!(deputy.0),
        "{}",
        decided.text
    );
    let it = app.admin_token().await;
    let trail = app
        .get(&format!("/api/v1/audit?delegation_id={delegation}"), &it)
        .await;
    assert!(
        trail.body["items"].as_array().is_some_and(|l| l
            .iter()
            .any(|e| e["action"] == "approval.decide" && e["on_behalf_of"] == json!(deputy.0))),
        "{}",
        trail.text
    );
}
dual!(r_acc_1_a_delegate_cannot_approve_a_request_the_delegator_proposed);

async fn r_acc_1_bad_delegations_are_refused_with_their_field(app: TestApp) {
    let op = PermissionLevel::Operator;
    let lender = app
        .user_token("cs.li", &[JobRole::CustomerService], op)
        .await;
    let mate = app.user_token("cs.wu", &[], op).await;
    let now = app.clock.now_utc();
    let bad = [
        // Longer than the maximum (7 days).
        (
            ask(
                &app,
                &lender.1,
                mate.0,
                &["customer_service"],
                now,
                now + Duration::days(8),
            )
            .await,
            "ends_at",
        ),
        // A role the lender does not hold.
        (
            ask(
                &app,
                &lender.1,
                mate.0,
                &["dept_manager"],
                now,
                now + Duration::days(1),
            )
            .await,
            "roles",
        ),
        // To oneself.
        (
            ask(
                &app,
                &lender.1,
                lender.0,
                &["customer_service"],
                now,
                now + Duration::days(1),
            )
            .await,
            "delegate_id",
        ),
        // Nobody by that id.
        (
            ask(
                &app,
                &lender.1,
                uuid::Uuid::now_v7(),
                &["customer_service"],
                now,
                now + Duration::days(1),
            )
            .await,
            "delegate_id",
        ),
        // Over before it starts.
        (
            ask(
                &app,
                &lender.1,
                mate.0,
                &["customer_service"],
                now,
                now - Duration::hours(1),
            )
            .await,
            "ends_at",
        ),
    ];
    for (r, field) in bad {
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.error_fields(), [field], "{}", r.text);
    }
    // Nothing was filed.
    let mine = app.get("/api/v1/delegations", &lender.1).await;
    assert_eq!(mine.body, json!([]), "{}", mine.text);
    // Never with an API token.
    let admin = app.admin_token().await;
    let t = app
        .post(
            "/api/v1/api-tokens",
            Some(&admin),
            &json!({"name": "bridge", "user_id": lender.0, "scopes": ["orders:write"]}),
        )
        .await;
    let token = id_of(&t.body["token"]);
    ask(
        &app,
        &token,
        mate.0,
        &["customer_service"],
        now,
        now + Duration::days(1),
    )
    .await
    .assert_problem(403, "session_required");
    // Everyone's list is for managers.
    app.get("/api/v1/delegations?view=all", &lender.1)
        .await
        .assert_problem(403, "missing_role");
}
dual!(r_acc_1_bad_delegations_are_refused_with_their_field);

async fn r_acc_1_a_revoked_delegation_ends_at_once(app: TestApp) {
    let cast = app.cast().await;
    let (temp, temp_token) = app
        .user_token("temp.qian", &[], PermissionLevel::Operator)
        .await;
    let now = app.clock.now_utc();
    let r = ask(
        &app,
        &cast.cs.1,
        temp,
        &["customer_service"],
        now - Duration::minutes(5),
        now + Duration::days(1),
    )
    .await;
    let id = id_of(&r.body["id"]);
    let path = format!("/api/v1/delegations/{id}");
    // Pending: withdrawn through its request, not revoked.
    app.post(
        &format!("{path}/revoke"),
        Some(&cast.cs.1),
        &json!({"reason": "no longer needed"}),
    )
    .await
    .assert_problem(409, "not_active");
    app.decide(
        &id_of(&r.body["approval_request_id"]),
        &cast.dept.1,
        "approve",
    )
    .await;
    assert_eq!(app.get(&path, &temp_token).await.body["standing"], "active");
    // With the lent role the order is judged on its merits (no such product here), not refused.
    let body = app.order_body("R-1", "TEA-9", 1);
    let judged = app.post("/api/v1/orders", Some(&temp_token), &body).await;
    assert_ne!(judged.status, StatusCode::FORBIDDEN, "{}", judged.text);
    // Someone outside it does not see it.
    app.post(
        &format!("{path}/revoke"),
        Some(&cast.planner.1),
        &json!({"reason": "not mine"}),
    )
    .await
    .assert_problem(404, "not_found");
    let revoked = app
        .post(
            &format!("{path}/revoke"),
            Some(&cast.cs.1),
            &json!({"reason": "back from the fair early"}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    assert_eq!(revoked.body["standing"], "revoked");
    assert_eq!(revoked.body["revoked_by"], json!(cast.cs.0));
    app.post("/api/v1/orders", Some(&temp_token), &body)
        .await
        .assert_problem(403, "missing_role");
    app.post(
        &format!("{path}/revoke"),
        Some(&cast.dept.1),
        &json!({"reason": "twice"}),
    )
    .await
    .assert_problem(409, "not_active");
    // The managers see everyone's.
    let all = app.get("/api/v1/delegations?view=all", &cast.dept.1).await;
    assert_eq!(all.body[0]["id"], json!(id), "{}", all.text);
    let revoked_list = app
        .get(
            "/api/v1/delegations?view=all&standing=revoked",
            &cast.dept.1,
        )
        .await;
    assert_eq!(revoked_list.body.as_array().map(Vec::len), Some(1));
}
dual!(r_acc_1_a_revoked_delegation_ends_at_once);

/// What a lending must never open (found in review): IT administration is never lent; roles lent
/// by the one a request is for never decide it (a delegation to the lender, a level of the
/// lender's); one person never counts twice among a chain's distinct deciders through a delegate.
async fn r_acc_1_lent_roles_never_decide_for_their_lender_or_count_the_lender_twice(app: TestApp) {
    let op = PermissionLevel::Operator;
    let dept = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let deputy = app
        .user_token(
            "de.puty",
            &[
                JobRole::DeptManager,
                JobRole::MarketingDirector,
                JobRole::ItAdmin,
            ],
            op,
        )
        .await;
    let stand_in = app.user_token("st.andin", &[], op).await;
    let other = app
        .user_token("cs.boss", &[JobRole::CsSupervisor], op)
        .await;
    let now = app.clock.now_utc();
    // IT administration is never lent.
    let it = ask(
        &app,
        &deputy.1,
        stand_in.0,
        &["it_admin"],
        now,
        now + Duration::days(1),
    )
    .await;
    it.assert_problem(422, "validation_failed");
    assert_eq!(it.error_fields(), ["roles"]);
    // The deputy lends the department manager's and the marketing director's roles.
    let r = ask(
        &app,
        &deputy.1,
        stand_in.0,
        &["dept_manager", "marketing_director"],
        now - Duration::minutes(1),
        now + Duration::days(2),
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let ok = app
        .decide(&id_of(&r.body["approval_request_id"]), &dept.1, "approve")
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    // A colleague asks to lend roles to the deputy: the stand-in cannot approve it with the
    // deputy's own role.
    let to_deputy = ask(
        &app,
        &other.1,
        deputy.0,
        &["cs_supervisor"],
        now,
        now + Duration::days(1),
    )
    .await;
    assert_eq!(to_deputy.status, StatusCode::ACCEPTED, "{}", to_deputy.text);
    app.decide(
        &id_of(&to_deputy.body["approval_request_id"]),
        &stand_in.1,
        "approve",
    )
    .await
    .assert_problem(403, "delegator_request");
    // A permission level for a colleague needs the marketing director and IT, two people: the
    // deputy decides as IT; the stand-in cannot add the deputy's marketing-director role.
    let viewer = app
        .user_token("pat", &[JobRole::Planner], PermissionLevel::Viewer)
        .await;
    let admin = app.admin_token().await;
    let level = app
        .post(
            &format!("/api/v1/users/{}/permission-level-requests", viewer.0),
            Some(&admin),
            &json!({"permission_level": "operator", "reason": "takes over pricing"}),
        )
        .await;
    assert_eq!(level.status, StatusCode::ACCEPTED, "{}", level.text);
    let request = id_of(&level.body["id"]);
    let first = app
        .post(
            &format!("/api/v1/approvals/{request}/decisions"),
            Some(&deputy.1),
            &json!({"verdict": "approve", "comment": "IT agrees", "as_role": "it_admin"}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let twice = app.decide(&request, &stand_in.1, "approve").await;
    assert_eq!(twice.status, StatusCode::FORBIDDEN, "{}", twice.text);
    assert_eq!(
        app.get(&format!("/api/v1/approvals/{request}"), &admin)
            .await
            .body["state"],
        "pending"
    );
    // A level of the deputy's own is not decided with the deputy's lent role either.
    let own_level = app
        .post(
            &format!("/api/v1/users/{}/permission-level-requests", deputy.0),
            Some(&admin),
            &json!({"permission_level": "db_admin", "reason": "backups"}),
        )
        .await;
    assert_eq!(own_level.status, StatusCode::ACCEPTED, "{}", own_level.text);
    app.decide(&id_of(&own_level.body["id"]), &stand_in.1, "approve")
        .await
        .assert_problem(403, "delegator_request");
}
dual!(r_acc_1_lent_roles_never_decide_for_their_lender_or_count_the_lender_twice);

/// A vacant post (临时代理): a departed colleague's superior covers it with the post's roles for a
/// period, approved by the department manager; what is done is recorded for the post.
/// A vacant post (临时代理): a departed colleague's superior asks for a colleague to cover it with
/// the post's roles for a period, approved by the department manager; what is done is recorded
/// for the post.
async fn r_acc_1_a_vacant_post_is_covered_by_the_superior_for_a_period(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "TEA-2", 5_000, 50).await;
    let op = PermissionLevel::Operator;
    let sup = app
        .user_token("cs.boss", &[JobRole::CsSupervisor], op)
        .await;
    let (leaver, _) = app
        .user_token("cs.leaver", &[JobRole::CustomerService], op)
        .await;
    let admin = app.admin_token().await;
    let r = app
        .put(
            &format!("/api/v1/users/{leaver}/manager"),
            &admin,
            &json!({"manager_id": sup.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The planner works at the same level as the leaver (the same manager).
    let r = app
        .put(
            &format!("/api/v1/users/{}/manager", cast.planner.0),
            &admin,
            &json!({"manager_id": sup.0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let now = app.clock.now_utc();
    let cover = |token: String, post: uuid::Uuid| {
        let app = &app;
        let delegate = cast.planner.0;
        let now = app.clock.now_utc();
        async move {
            app.post(
                "/api/v1/delegations",
                Some(&token),
                &json!({"delegate_id": delegate, "vacant_post_of": post,
                        "task": "answer the shop's chats until the post is filled",
                        "roles": ["customer_service"], "starts_at": now,
                        "ends_at": now + Duration::days(5)}),
            )
            .await
        }
    };
    // Not vacant while its holder is active, nor when the account was closed without a
    // resignation.
    let active = cover(sup.1.clone(), leaver).await;
    active.assert_problem(422, "validation_failed");
    assert_eq!(active.error_fields(), ["vacant_post_of"]);
    let (closed, _) = app
        .user_token("cs.closed", &[JobRole::CustomerService], op)
        .await;
    app.post(
        &format!("/api/v1/users/{closed}/deactivate"),
        Some(&admin),
        &json!({}),
    )
    .await;
    cover(sup.1.clone(), closed)
        .await
        .assert_problem(422, "validation_failed");
    // The leaver resigns with the witnessed handover (R-ATT-10), effective in 31 days.
    let leaver_token = app.token("cs.leaver", ecops_tests::USER_PASSWORD).await;
    let effective = (now + Duration::days(31))
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let resigned = app
        .post(
            "/api/v1/departures",
            Some(&leaver_token),
            &json!({"kind": "resignation", "effective_on": effective, "reason": "moving away",
                    "successor_id": sup.0, "items": ["the chat queue"]}),
        )
        .await;
    assert_eq!(resigned.status, StatusCode::CREATED, "{}", resigned.text);
    let departure = id_of(&resigned.body["id"]);
    let confirmed = app
        .post(
            &format!("/api/v1/departures/{departure}/items/1/confirm"),
            Some(&cast.dept.1),
            &json!({"note": "seen together"}),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    app.clock.set(now + Duration::days(32));
    let done = app
        .post(
            &format!("/api/v1/departures/{departure}/complete"),
            Some(&cast.dept.1),
            &json!({}),
        )
        .await;
    assert_eq!(done.body["state"], "completed", "{}", done.text);
    let now = now + Duration::days(32);
    // Someone who is not the holder's manager does not cover it.
    cover(cast.designer.1.clone(), leaver)
        .await
        .assert_problem(403, "not_the_manager");
    let asked = cover(sup.1.clone(), leaver).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.text);
    assert_eq!(asked.body["covers_vacancy"], true);
    assert_eq!(asked.body["delegator_id"], json!(leaver));
    assert_eq!(asked.body["requested_by"], json!(sup.0));
    // Never self-approved: the supervisor asked and is the delegate; the department manager
    // decides.
    app.decide(
        &id_of(&asked.body["approval_request_id"]),
        &sup.1,
        "approve",
    )
    .await
    .assert_problem(403, "own_request");
    let ok = app
        .decide(
            &id_of(&asked.body["approval_request_id"]),
            &cast.dept.1,
            "approve",
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let body = app.order_body("V-1", "TEA-2", 1);
    // A same-level colleague covers the chats: the planner takes an order, for the post.
    let placed = app
        .post("/api/v1/orders", Some(&cast.planner.1), &body)
        .await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.text);
    let id = id_of(&asked.body["id"]);
    let trail = app
        .get(&format!("/api/v1/audit?delegation_id={id}"), &cast.it.1)
        .await;
    let created = trail.body["items"]
        .as_array()
        .and_then(|l| l.iter().find(|e| e["action"] == "order.create").cloned())
        .unwrap_or_else(|| panic!("{}", trail.text));
    assert_eq!(created["actor_id"], json!(cast.planner.0));
    assert_eq!(created["on_behalf_of"], json!(leaver));
    // The period ends: the cover ends with it.
    app.clock.set(now + Duration::days(5));
    let body = app.order_body("V-2", "TEA-2", 1);
    app.post("/api/v1/orders", Some(&cast.planner.1), &body)
        .await
        .assert_problem(403, "missing_role");
}
dual!(
    r_acc_1_a_vacant_post_is_covered_by_the_superior_for_a_period,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);
