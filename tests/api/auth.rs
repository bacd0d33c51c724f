//! Login, lockout, rate limiting, token rotation and token verification (R-ACL-5, R-SEC-4).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, ClockExt, Reply, TestApp, ADMIN_PASSWORD, USER_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Instant;

async fn login_succeeds_with_the_bootstrap_admin(app: TestApp) {
    let r = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 900);
    assert!(r.body["refresh_token"]
        .as_str()
        .is_some_and(|t| t.len() >= 32));
    let me = app
        .get(
            "/api/v1/me",
            r.body["access_token"].as_str().unwrap_or_default(),
        )
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["username"], "admin");
    assert_eq!(me.body["permission_level"], "db_admin");
    // Every job role: the ten of SPEC §1 and the quality inspector (R-QA-2).
    assert_eq!(me.body["roles"].as_array().map(Vec::len), Some(11));
}
dual!(login_succeeds_with_the_bootstrap_admin);

async fn r_acl_5_unknown_user_and_wrong_password_get_the_same_answer(app: TestApp) {
    app.seed_user("carol", &[JobRole::Planner], PermissionLevel::Operator)
        .await;
    let mut unknown_ms = Vec::new();
    let mut wrong_ms = Vec::new();
    let mut answers = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let a = app.login("nobody-here", "Whatever-123").await;
        unknown_ms.push(t.elapsed().as_millis());
        let t = Instant::now();
        let b = app.login("carol", "Wrong-Password-1").await;
        wrong_ms.push(t.elapsed().as_millis());
        answers.push((a, b));
    }
    for (a, b) in &answers {
        a.assert_problem(401, "invalid_credentials");
        b.assert_problem(401, "invalid_credentials");
        assert_eq!(a.body, b.body, "the two answers must be identical");
    }
    // Both paths verify an argon2 hash: their times are of one order, not 0 ms against 30 ms.
    let (u, w) = (median(&mut unknown_ms), median(&mut wrong_ms));
    assert!(
        u * 5 >= w && w * 5 >= u,
        "unknown user {u} ms vs wrong password {w} ms"
    );
}
dual!(r_acl_5_unknown_user_and_wrong_password_get_the_same_answer);

fn median(v: &mut [u128]) -> u128 {
    v.sort_unstable();
    v[v.len() / 2].max(1)
}

async fn r_acl_5_five_failures_lock_the_account_for_fifteen_minutes(app: TestApp) {
    app.seed_user("dave", &[JobRole::Warehouse], PermissionLevel::Operator)
        .await;
    for _ in 0..5 {
        app.login("dave", "Wrong-Password-1")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    // Locked: even the right password is refused, with the same answer.
    app.login("dave", USER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    app.clock.advance(chrono::Duration::minutes(14));
    app.login("dave", USER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    app.clock.advance(chrono::Duration::minutes(1));
    let r = app.login("dave", USER_PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "lock must expire after 15 minutes: {}",
        r.text
    );
    let admin = app.admin_token().await;
    let audit = app
        .get("/api/v1/audit?action=auth.account_locked", &admin)
        .await;
    assert_eq!(audit.body["items"].as_array().map(Vec::len), Some(1));
}
dual!(r_acl_5_five_failures_lock_the_account_for_fifteen_minutes);

async fn login_is_rate_limited_per_client_address(app: TestApp) {
    for _ in 0..3 {
        assert_eq!(
            app.login("admin", "Wrong-Password-1").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = app.login("admin", ADMIN_PASSWORD).await;
    r.assert_problem(429, "rate_limited");
    let retry: u64 = r
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(retry >= 1, "Retry-After must say how long to wait");
}
dual!(
    login_is_rate_limited_per_client_address,
    |c: &mut ecops_server::config::Config| {
        c.auth.login_rate_per_minute = 3;
    }
);

async fn refresh_rotates_and_reuse_revokes_the_whole_family(app: TestApp) {
    let first = app.login("admin", ADMIN_PASSWORD).await;
    let r1 = first.body["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let second = app
        .post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    let r2 = second.body["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let a2 = second.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_ne!(r1, r2);
    assert_eq!(app.get("/api/v1/me", &a2).await.status, StatusCode::OK);
    // The rotated token is replayed: the family is revoked, the newest tokens die with it.
    app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await
        .assert_problem(401, "unauthorized");
    app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r2}))
        .await
        .assert_problem(401, "unauthorized");
    app.get("/api/v1/me", &a2)
        .await
        .assert_problem(401, "unauthorized");
    // Another login is unaffected.
    let other = app.admin_token().await;
    assert_eq!(app.get("/api/v1/me", &other).await.status, StatusCode::OK);
}
dual!(refresh_rotates_and_reuse_revokes_the_whole_family);

async fn concurrent_refreshes_with_one_token_let_at_most_one_through(app: TestApp) {
    let login = app.login("admin", ADMIN_PASSWORD).await;
    let token = login.body["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let rb = app
                .request(Method::POST, "/api/v1/auth/refresh", None)
                .json(&json!({"refresh_token": token}));
            tokio::spawn(async move {
                Reply::read(rb.send().await.unwrap_or_else(|e| panic!("{e}"))).await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        let r = t.await.unwrap_or_else(|e| panic!("{e}"));
        match r.status.as_u16() {
            200 => ok += 1,
            401 => {}
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    assert!(ok <= 1, "{ok} refreshes succeeded with one token");
}
dual!(concurrent_refreshes_with_one_token_let_at_most_one_through);

async fn logout_revokes_the_session(app: TestApp) {
    let login = app.login("admin", ADMIN_PASSWORD).await;
    let access = login.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let refresh = login.body["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = app
        .send(app.request(Method::POST, "/api/v1/auth/logout", Some(&access)))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    app.get("/api/v1/me", &access)
        .await
        .assert_problem(401, "unauthorized");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": refresh}),
    )
    .await
    .assert_problem(401, "unauthorized");
}
dual!(logout_revokes_the_session);

fn forge(header: serde_json::Value, claims: serde_json::Value, key: &[u8]) -> String {
    use jsonwebtoken::{encode, EncodingKey, Header};
    let alg = header["alg"].as_str().unwrap_or("HS256");
    if alg == "none" {
        let h = URL_SAFE_NO_PAD.encode(header.to_string());
        let c = URL_SAFE_NO_PAD.encode(claims.to_string());
        return format!("{h}.{c}.");
    }
    let alg = match alg {
        "HS512" => jsonwebtoken::Algorithm::HS512,
        _ => jsonwebtoken::Algorithm::HS256,
    };
    encode(&Header::new(alg), &claims, &EncodingKey::from_secret(key)).unwrap_or_default()
}

async fn tokens_with_another_key_algorithm_audience_or_expired_are_refused(app: TestApp) {
    let good = app.admin_token().await;
    let payload = good.split('.').nth(1).unwrap_or_default();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap_or_default())
            .unwrap_or_default();
    let secret = b"test-secret-0123456789-abcdefghijklmnop";
    // Sanity: re-signing the same claims with the right key and algorithm works.
    let resigned = forge(json!({"alg": "HS256"}), claims.clone(), secret);
    assert_eq!(
        app.get("/api/v1/me", &resigned).await.status,
        StatusCode::OK
    );

    let other_key = forge(
        json!({"alg": "HS256"}),
        claims.clone(),
        b"another-secret-another-secret-00",
    );
    let other_alg = forge(json!({"alg": "HS512"}), claims.clone(), secret);
    let none = forge(json!({"alg": "none", "typ": "JWT"}), claims.clone(), secret);
    let mut wrong_aud = claims.clone();
    wrong_aud["aud"] = json!("someone-else");
    let wrong_aud = forge(json!({"alg": "HS256"}), wrong_aud, secret);
    let mut wrong_iss = claims.clone();
    wrong_iss["iss"] = json!("evil");
    let wrong_iss = forge(json!({"alg": "HS256"}), wrong_iss, secret);
    // RFC 7519 §4.1.5: not before `nbf`, beyond the configured leeway (60 s by default).
    let now = app.clock.now_utc().timestamp();
    let mut later = claims.clone();
    later["nbf"] = json!(now + 120);
    let not_yet = forge(json!({"alg": "HS256"}), later, secret);
    let mut within = claims.clone();
    within["nbf"] = json!(now + 30);
    let within = forge(json!({"alg": "HS256"}), within, secret);
    assert_eq!(
        app.get("/api/v1/me", &within).await.status,
        StatusCode::OK,
        "an nbf within the leeway is accepted"
    );
    for (what, token) in [
        ("nbf in the future", not_yet),
        ("another key", other_key),
        ("another algorithm", other_alg),
        ("alg none", none),
        ("wrong audience", wrong_aud),
        ("wrong issuer", wrong_iss),
        ("garbage", "not.a.token".to_owned()),
    ] {
        let r = app.get("/api/v1/me", &token).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{what} must be refused: {}",
            r.text
        );
        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    }
    app.clock.advance(chrono::Duration::minutes(15));
    app.get("/api/v1/me", &good)
        .await
        .assert_problem(401, "unauthorized");
}
dual!(tokens_with_another_key_algorithm_audience_or_expired_are_refused);

async fn missing_credentials_are_401(app: TestApp) {
    let r = app.send(app.request(Method::GET, "/api/v1/me", None)).await;
    r.assert_problem(401, "unauthorized");
    let r = app
        .send(
            app.request(Method::GET, "/api/v1/users", None)
                .header("authorization", "Basic YTpi"),
        )
        .await;
    r.assert_problem(401, "unauthorized");
}
dual!(missing_credentials_are_401);

async fn a_deactivated_users_tokens_stop_working(app: TestApp) {
    let (id, token) = app
        .user_token(
            "erin",
            &[JobRole::CustomerService],
            PermissionLevel::Operator,
        )
        .await;
    assert_eq!(app.get("/api/v1/me", &token).await.status, StatusCode::OK);
    let admin = app.admin_token().await;
    let r = app
        .post(
            &format!("/api/v1/users/{id}/deactivate"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["active"], false);
    app.get("/api/v1/me", &token)
        .await
        .assert_problem(401, "unauthorized");
    app.login("erin", USER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    // Never deleted: the account is still listed, inactive.
    let r = app.get(&format!("/api/v1/users/{id}"), &admin).await;
    assert_eq!(r.body["username"], "erin");
}
dual!(a_deactivated_users_tokens_stop_working);

async fn orders_now(app: &TestApp) -> usize {
    app.with_db(|c| {
        use ecops_persistence::repo::orders::{self, OrderFilter, OrderSort};
        orders::search(c, &OrderFilter::default(), OrderSort::Newest, None, 100)
            .map(|rows| rows.len())
            .unwrap_or(usize::MAX)
    })
    .await
}

/// The caller is resolved in the same blocking call as the work (one hop per request): a change
/// to the account still governs the very next request made with an unchanged access token.
async fn role_changes_deactivation_and_logout_govern_the_next_request(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "HOP-1", 1000, 50).await;
    let admin = app.admin_token().await;
    let (cs_id, cs) = cast.cs.clone();
    let r = app
        .post(
            "/api/v1/orders",
            Some(&cs),
            &app.order_body("HOP-A", "HOP-1", 1),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    // Role taken away: the same token is refused on its next request, and nothing is written.
    let r = app
        .put(
            &format!("/api/v1/users/{cs_id}/roles"),
            &admin,
            &json!({"roles": ["warehouse"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let before = orders_now(&app).await;
    app.post(
        "/api/v1/orders",
        Some(&cs),
        &app.order_body("HOP-B", "HOP-1", 1),
    )
    .await
    .assert_problem(403, "missing_role");
    assert_eq!(orders_now(&app).await, before);

    // Role given back: the same token works again at once.
    let r = app
        .put(
            &format!("/api/v1/users/{cs_id}/roles"),
            &admin,
            &json!({"roles": ["customer_service"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .post(
            "/api/v1/orders",
            Some(&cs),
            &app.order_body("HOP-C", "HOP-1", 1),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    // Deactivated: the next write is unauthenticated and writes nothing.
    let r = app
        .post(
            &format!("/api/v1/users/{cs_id}/deactivate"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let before = orders_now(&app).await;
    app.post(
        "/api/v1/orders",
        Some(&cs),
        &app.order_body("HOP-D", "HOP-1", 1),
    )
    .await
    .assert_problem(401, "unauthorized");
    assert_eq!(orders_now(&app).await, before);

    // Logged out: the next request with that session's token is refused too.
    let planner = cast.planner.1.clone();
    let r = app
        .send(app.request(Method::POST, "/api/v1/auth/logout", Some(&planner)))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    app.get("/api/v1/orders", &planner)
        .await
        .assert_problem(401, "unauthorized");
}
dual!(role_changes_deactivation_and_logout_govern_the_next_request);

fn refresh_cookie_of(r: &Reply) -> Option<String> {
    r.header("set-cookie")
        .filter(|c| c.starts_with("ecops_refresh="))
        .map(str::to_owned)
}

/// The dashboard's refresh token lives in an HttpOnly, SameSite=Strict cookie scoped to the
/// refresh endpoint; it is honoured only with the dashboard's header, rotates on every use, and
/// a replayed one ends the session.
async fn the_dashboard_refreshes_through_an_httponly_cookie(app: TestApp) {
    let login = app
        .send(
            app.request(Method::POST, "/api/v1/auth/login", None)
                .header("X-Ecops-Client", "dashboard")
                .json(&json!({"username": "admin", "password": ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    assert!(login.body.get("refresh_token").is_none(), "{}", login.text);
    let cookie = refresh_cookie_of(&login).unwrap_or_default();
    for part in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth/refresh",
        "Max-Age=",
    ] {
        assert!(cookie.contains(part), "{part} missing in {cookie}");
    }
    let pair = cookie.split(';').next().unwrap_or_default().to_owned();

    // Without the header the cookie counts for nothing.
    app.send(
        app.request(Method::POST, "/api/v1/auth/refresh", None)
            .header("Cookie", pair.clone())
            .json(&json!({})),
    )
    .await
    .assert_problem(422, "validation_failed");

    let refresh = |c: String| {
        app.request(Method::POST, "/api/v1/auth/refresh", None)
            .header("X-Ecops-Client", "dashboard")
            .header("Cookie", c)
            .json(&json!({}))
    };
    let next = app.send(refresh(pair.clone())).await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.text);
    assert!(next.body.get("refresh_token").is_none());
    let access = next.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(app.get("/api/v1/me", &access).await.status, StatusCode::OK);
    let rotated = refresh_cookie_of(&next).unwrap_or_default();
    assert_ne!(rotated.split(';').next(), Some(pair.as_str()));

    // The first cookie again: a replay, and the whole session ends.
    app.send(refresh(pair))
        .await
        .assert_problem(401, "unauthorized");
    app.get("/api/v1/me", &access)
        .await
        .assert_problem(401, "unauthorized");

    // Logging out clears the cookie.
    let fresh = app
        .send(
            app.request(Method::POST, "/api/v1/auth/login", None)
                .header("X-Ecops-Client", "dashboard")
                .json(&json!({"username": "admin", "password": ADMIN_PASSWORD})),
        )
        .await;
    let token = fresh.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let out = app
        .send(app.request(Method::POST, "/api/v1/auth/logout", Some(&token)))
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
    let cleared = refresh_cookie_of(&out).unwrap_or_default();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}
dual!(the_dashboard_refreshes_through_an_httponly_cookie);
