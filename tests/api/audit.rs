//! R-SEC-4: security-relevant actions are audited, append-only.

use diesel::RunQueryDsl;
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn r_sec_4_security_actions_are_written_to_the_audit_log(app: TestApp) {
    let admin = app.admin_token().await;
    app.login("admin", "Wrong-Password-9").await;
    app.login("ghost", "Wrong-Password-9").await;
    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "ann", "display_name": "Ann", "password": "Harbour-Lantern-42"}),
        )
        .await;
    let id = created.body["user"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.post(
        &format!("/api/v1/users/{id}/permission-level-requests"),
        Some(&admin),
        &json!({"permission_level": "operator", "reason": "r"}),
    )
    .await;
    let page = app.get("/api/v1/audit?limit=200", &admin).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let items = page.body["items"].as_array().cloned().unwrap_or_default();
    let has = |action: &str, outcome: &str| {
        items.iter().any(|e| {
            e["action"] == action && e["outcome"] == outcome && e["client_addr"] == "127.0.0.1"
        })
    };
    assert!(has("auth.login", "success"));
    assert!(has("auth.login", "failure"));
    assert!(has("user.create", "success"));
    assert!(has("user.permission_level_requested", "success"));
    let unknown = items
        .iter()
        .find(|e| e["actor_username"] == "ghost")
        .cloned()
        .unwrap_or_default();
    assert_eq!(unknown["detail"]["reason"], "unknown_user");
    // Filters work.
    let only = app.get("/api/v1/audit?action=user.create", &admin).await;
    assert!(only.body["items"]
        .as_array()
        .is_some_and(|a| a.iter().all(|e| e["action"] == "user.create")));
}
dual!(r_sec_4_security_actions_are_written_to_the_audit_log);

async fn r_sec_4_audit_entries_cannot_be_changed_or_deleted(app: TestApp) {
    let admin = app.admin_token().await;
    let page = app.get("/api/v1/audit", &admin).await;
    let id = page.body["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for method in [Method::PUT, Method::PATCH, Method::DELETE, Method::POST] {
        let r = app
            .send(
                app.request(method.clone(), "/api/v1/audit", Some(&admin))
                    .json(&json!({})),
            )
            .await;
        r.assert_problem(405, "method_not_allowed");
        let r = app
            .send(
                app.request(method, &format!("/api/v1/audit/{id}"), Some(&admin))
                    .json(&json!({})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    // Not even a direct statement gets through: the database refuses it on both backends.
    let (upd, del) = app
        .with_db(|conn| {
            let upd = diesel::sql_query("UPDATE audit_log SET outcome = 'success'").execute(conn);
            let del = diesel::sql_query("DELETE FROM audit_log").execute(conn);
            (upd.is_err(), del.is_err())
        })
        .await;
    assert!(
        upd && del,
        "the database must refuse UPDATE and DELETE on audit_log"
    );
    let after = app.get("/api/v1/audit", &admin).await;
    assert_eq!(after.body["items"][0]["id"], id.as_str());
}
dual!(r_sec_4_audit_entries_cannot_be_changed_or_deleted);

async fn only_it_admin_reads_the_audit_log(app: TestApp) {
    let (_, token) = app
        .user_token("bob", &[JobRole::DeptManager], PermissionLevel::DbAdmin)
        .await;
    app.get("/api/v1/audit", &token)
        .await
        .assert_problem(403, "missing_role");
}
dual!(only_it_admin_reads_the_audit_log);

/// R-SEC-4: the audit log as CSV for the filters the screen offers: one user's failed logins.
async fn r_sec_4_the_audit_log_exports_one_users_failed_logins_as_csv(app: TestApp) {
    let admin = app.admin_token().await;
    let (eve, _) = app
        .user_token("eve", &[JobRole::Designer], PermissionLevel::Viewer)
        .await;
    app.login("eve", "Wrong-Password-9").await;
    app.login("eve", "Wrong-Password-8").await;
    app.login("admin", "Wrong-Password-9").await;
    let r = app
        .get(
            &format!("/api/v1/audit/export?actor_id={eve}&action=auth.login&outcome=failure"),
            &admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/csv; charset=utf-8")
    );
    let mut rows = csv::Reader::from_reader(r.text.trim_start_matches('\u{feff}').as_bytes());
    let header = rows.headers().cloned().unwrap_or_default();
    assert_eq!(&header[0], "at");
    let records: Vec<csv::StringRecord> = rows.records().filter_map(Result::ok).collect();
    assert_eq!(records.len(), 2, "{}", r.text);
    for rec in &records {
        assert_eq!(&rec[1], "eve");
        assert_eq!(&rec[3], "auth.login");
        assert_eq!(&rec[6], "failure");
        assert!(rec[8].contains("wrong_password"), "{rec:?}");
    }
    // Taking the log out is itself on record.
    let trail = app.get("/api/v1/audit?action=audit.export", &admin).await;
    assert_eq!(
        trail.body["items"][0]["detail"]["rows"], 2,
        "{}",
        trail.text
    );
    // A name tried at the login cannot become a formula in a spreadsheet.
    app.login("=HYPERLINK(\"http://x\")", "Wrong-Password-9")
        .await;
    let planted = app
        .get(
            "/api/v1/audit/export?action=auth.login&outcome=failure",
            &admin,
        )
        .await;
    assert!(planted.text.contains("'=HYPERLINK"), "{}", planted.text);
    // The same filters through the paged log give the same entries.
    let page = app
        .get(
            &format!("/api/v1/audit?actor_id={eve}&action=auth.login&outcome=failure"),
            &admin,
        )
        .await;
    assert_eq!(page.body["items"].as_array().map(Vec::len), Some(2));
    let (_, manager) = app
        .user_token("bob", &[JobRole::DeptManager], PermissionLevel::DbAdmin)
        .await;
    app.get("/api/v1/audit/export", &manager)
        .await
        .assert_problem(403, "missing_role");
    app.get(
        "/api/v1/audit/export?outcome=failure&from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z",
        &admin,
    )
    .await
    .assert_problem(400, "invalid_query");
}
dual!(r_sec_4_the_audit_log_exports_one_users_failed_logins_as_csv);
