//! Approval steps nobody at work can take: while the only holder of a step's role is on approved
//! leave, the department manager sees the request as unattended; when the leave ends it is not.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;
use serde_json::json;

fn local(s: &str) -> DateTime<Utc> {
    let naive =
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("{s}: {e}"));
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("{s}"))
}

async fn unattended(app: &TestApp, token: &str) -> ecops_tests::Reply {
    app.get("/api/v1/approvals?view=unattended", token).await
}

async fn a_step_whose_only_holder_is_on_leave_is_listed_for_the_department_manager(app: TestApp) {
    app.clock.set(local("2026-11-23 10:00"));
    let cast = app.cast().await;
    // The installation's administrator holds every role; this department has left it unused.
    app.with_db(|c| {
        let admin = ecops_persistence::repo::users::find_by_username(c, "admin")
            .ok()
            .flatten()
            .map(|u| u.id)
            .unwrap_or_default();
        ecops_persistence::repo::users::deactivate(c, admin, chrono::Utc::now())
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    // The marketing director is away on the 24th and 25th.
    let l = app
        .post(
            "/api/v1/leave-requests",
            Some(&cast.marketing.1),
            &json!({"kind": "annual", "starts_at": local("2026-11-24 00:00"),
                    "ends_at": local("2026-11-26 00:00"), "reason": "trip",
                    "handover_to": cast.dept.0, "handover_note": "listings"}),
        )
        .await;
    let req = l.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        app.decide(&req, &cast.dept.1, "approve").await.status,
        StatusCode::OK
    );

    app.clock.set(local("2026-11-24 10:00"));
    let product = app.draft(&cast, "UNAT-1", 1000).await;
    app.receive(&cast, &product, 5).await;
    let r = app
        .post(
            &format!("/api/v1/products/{product}/listing-requests"),
            Some(&cast.planner.1),
            &json!({"reason": "ready for the shop"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let listing = r.body["id"].as_str().unwrap_or_default().to_owned();
    let r = unattended(&app, &cast.dept.1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ids: Vec<String> = r.body["items"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(ids, vec![listing.clone()], "{}", r.text);
    unattended(&app, &cast.planner.1)
        .await
        .assert_problem(403, "missing_role");

    // Back from leave: someone can take it again.
    app.clock.set(local("2026-11-26 09:00"));
    let r = unattended(&app, &cast.dept.1).await;
    assert_eq!(r.body["items"], json!([]), "{}", r.text);
}
dual!(
    a_step_whose_only_holder_is_on_leave_is_listed_for_the_department_manager,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);
