//! Shift swaps: the person on a shift asks a colleague, the colleague accepts, the department
//! manager approves through the approvals engine, and only then does the roster change; refused
//! with oneself, for a colleague without the duty's role or on leave, and twice for one shift.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

fn local(s: &str) -> DateTime<Utc> {
    let naive =
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("{s}: {e}"));
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("{s}"))
}

fn q(t: DateTime<Utc>) -> String {
    t.to_rfc3339().replace('+', "%2B")
}

/// The manager rosters `user` on Saturday 28 November's weekend service; returns the shift id.
async fn saturday_shift(app: &TestApp, manager: &str, user: Uuid) -> String {
    let r = app
        .post(
            "/api/v1/duty/shifts",
            Some(manager),
            &json!({"user_id": user, "kind": "weekend_service",
                    "starts_at": local("2026-11-28 08:30"), "ends_at": local("2026-11-28 21:00")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_str().unwrap_or_default().to_owned()
}

async fn ask(app: &TestApp, token: &str, shift: &str, colleague: Uuid) -> ecops_tests::Reply {
    app.post(
        "/api/v1/duty/swaps",
        Some(token),
        &json!({"shift_id": shift, "colleague_id": colleague, "reason": "family dinner"}),
    )
    .await
}

async fn saturday(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app
        .get(
            &format!(
                "/api/v1/duty/shifts?from={}&to={}",
                q(local("2026-11-28 00:00")),
                q(local("2026-11-29 00:00"))
            ),
            token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body.as_array().cloned().unwrap_or_default()
}

async fn r_dut_4_a_swap_changes_the_roster_only_when_the_colleague_accepts_and_the_manager_approves(
    app: TestApp,
) {
    app.clock.set(local("2026-11-23 10:00"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (a, a_token) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let (b, b_token) = app
        .user_token("cs.b", &[JobRole::CustomerService], op)
        .await;
    let (c, c_token) = app
        .user_token("cs.c", &[JobRole::CustomerService], op)
        .await;
    let (shop, shop_token) = app
        .user_token("st.ore", &[JobRole::StorefrontSpecialist], op)
        .await;
    let shift = saturday_shift(&app, &manager, a).await;

    ask(&app, &a_token, &shift, a)
        .await
        .assert_problem(422, "swap_with_self");
    let r = ask(&app, &a_token, &shift, shop).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["colleague_id".to_owned()]);
    // Only the person on the shift offers it.
    let r = ask(&app, &b_token, &shift, c).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["shift_id".to_owned()]);

    // B is on approved leave on Saturday: B cannot accept.
    let l = app
        .post(
            "/api/v1/leave-requests",
            Some(&b_token),
            &json!({"kind": "annual", "starts_at": local("2026-11-28 00:00"),
                    "ends_at": local("2026-11-29 00:00"), "reason": "trip", "handover_to": c,
                    "handover_note": "queue"}),
        )
        .await;
    let req = l.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        app.decide(&req, &manager, "approve").await.status,
        StatusCode::OK
    );
    let to_b = ask(&app, &a_token, &shift, b).await;
    assert_eq!(to_b.status, StatusCode::CREATED, "{}", to_b.text);
    assert_eq!(to_b.body["state"], "requested");
    let to_b = to_b.body["id"].as_str().unwrap_or_default().to_owned();
    app.post(
        &format!("/api/v1/duty/swaps/{to_b}/answer"),
        Some(&b_token),
        &json!({"accept": true}),
    )
    .await
    .assert_problem(422, "on_leave");

    // C accepts; the roster is unchanged until the manager approves.
    let to_c = ask(&app, &a_token, &shift, c).await;
    let to_c = to_c.body["id"].as_str().unwrap_or_default().to_owned();
    app.post(
        &format!("/api/v1/duty/swaps/{to_c}/answer"),
        Some(&shop_token),
        &json!({"accept": true}),
    )
    .await
    .assert_problem(403, "not_your_swap");
    let accepted = app
        .post(
            &format!("/api/v1/duty/swaps/{to_c}/answer"),
            Some(&c_token),
            &json!({"accept": true}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    assert_eq!(accepted.body["state"], "accepted");
    app.post(
        &format!("/api/v1/duty/swaps/{to_c}/answer"),
        Some(&c_token),
        &json!({"accept": false}),
    )
    .await
    .assert_problem(409, "swap_answered");
    let before = saturday(&app, &manager).await;
    assert_eq!(before.len(), 1);
    assert_eq!(before[0]["user_id"], a.to_string());

    let req = accepted.body["approval_request_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let approval = app.get(&format!("/api/v1/approvals/{req}"), &manager).await;
    assert_eq!(approval.body["kind"], "shift_swap", "{}", approval.text);
    let d = app.decide(&req, &manager, "approve").await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let after = saturday(&app, &manager).await;
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0]["user_id"], c.to_string());
    assert_eq!(after[0]["starts_at"], before[0]["starts_at"]);

    let mine = app.get("/api/v1/duty/swaps", &a_token).await;
    let state_of = |id: &str| {
        mine.body
            .as_array()
            .and_then(|v| v.iter().find(|s| s["id"] == id))
            .map(|s| s["state"].clone())
    };
    assert_eq!(state_of(&to_c), Some(json!("approved")), "{}", mine.text);
    assert_eq!(state_of(&to_b), Some(json!("superseded")), "{}", mine.text);
    // The old shift is gone from A: nothing left to offer.
    let r = ask(&app, &a_token, &shift, b).await;
    assert_eq!(r.error_fields(), vec!["shift_id".to_owned()], "{}", r.text);
}
dual!(r_dut_4_a_swap_changes_the_roster_only_when_the_colleague_accepts_and_the_manager_approves);
