//! R-DUT-1..4: duty windows and roles, who is on duty now, the weekend rotation, and never on
//! duty during approved leave.

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

async fn shift(app: &TestApp, token: &str, user: Uuid, kind: &str, from: &str, to: &str) -> Value {
    let r = app
        .post(
            "/api/v1/duty/shifts",
            Some(token),
            &json!({"user_id": user, "kind": kind, "starts_at": local(from), "ends_at": local(to)}),
        )
        .await;
    json!({"status": r.status.as_u16(), "body": r.body})
}

/// Files leave for the owner of `token` and has the manager decide it; returns the decision.
async fn leave(
    app: &TestApp,
    token: &str,
    handover: Uuid,
    manager: &str,
    from: &str,
    to: &str,
) -> ecops_tests::Reply {
    let r = app
        .post(
            "/api/v1/leave-requests",
            Some(token),
            &json!({"kind": "annual", "starts_at": local(from), "ends_at": local(to),
                    "reason": "trip", "handover_to": handover, "handover_note": "queue and chats"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let req = r.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.decide(&req, manager, "approve").await
}

async fn r_dut_1_who_is_on_duty_at_any_moment_within_the_duty_windows(app: TestApp) {
    app.clock.set(local("2026-11-23 10:00"));
    let (_, manager) = app
        .user_token("de.pt", &[JobRole::DeptManager], PermissionLevel::Operator)
        .await;
    let (sup, _) = app
        .user_token(
            "cs.boss",
            &[JobRole::CsSupervisor],
            PermissionLevel::Operator,
        )
        .await;
    let (shop, shop_token) = app
        .user_token(
            "st.ore",
            &[JobRole::StorefrontSpecialist],
            PermissionLevel::Operator,
        )
        .await;
    let (planner, _) = app
        .user_token("pl.an", &[JobRole::Planner], PermissionLevel::Operator)
        .await;

    let night = shift(
        &app,
        &manager,
        sup,
        "hotline_manager",
        "2026-11-23 21:00",
        "2026-11-24 08:30",
    )
    .await;
    assert_eq!(night["status"], 201, "{night}");
    // R-DUT-3: the storefront's weekday duty is the evening; it needs the storefront role.
    let morning = shift(
        &app,
        &manager,
        shop,
        "storefront",
        "2026-11-23 09:00",
        "2026-11-23 12:00",
    )
    .await;
    assert_eq!(morning["status"], 422, "{morning}");
    assert_eq!(morning["body"]["errors"][0]["field"], "starts_at");
    let wrong = shift(
        &app,
        &manager,
        planner,
        "storefront",
        "2026-11-23 18:00",
        "2026-11-23 21:00",
    )
    .await;
    assert_eq!(wrong["status"], 422, "{wrong}");
    assert_eq!(wrong["body"]["errors"][0]["field"], "user_id");
    let evening = shift(
        &app,
        &manager,
        shop,
        "storefront",
        "2026-11-23 18:00",
        "2026-11-23 21:00",
    )
    .await;
    assert_eq!(evening["status"], 201, "{evening}");
    let twice = shift(
        &app,
        &manager,
        shop,
        "storefront",
        "2026-11-23 19:00",
        "2026-11-23 21:00",
    )
    .await;
    assert_eq!(twice["body"]["code"], "double_booked");
    // Only rosterers roster.
    let r = shift(
        &app,
        &shop_token,
        shop,
        "storefront",
        "2026-11-24 18:00",
        "2026-11-24 21:00",
    )
    .await;
    assert_eq!(r["status"], 403);

    let now = |at: &str| {
        let path = format!("/api/v1/duty/now?at={}", q(local(at)));
        let t = shop_token.clone();
        let app = &app;
        async move { app.get(&path, &t).await }
    };
    let r = now("2026-11-23 14:00").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["in_service_hours"], true);
    assert_eq!(r.body["hotline"], json!([]));
    assert_eq!(r.body["on_duty"], json!([]));
    let r = now("2026-11-23 19:00").await;
    assert_eq!(r.body["on_duty"][0]["user_id"], shop.to_string());
    let r = now("2026-11-23 22:00").await;
    assert_eq!(r.body["in_service_hours"], false);
    assert_eq!(r.body["hotline"][0]["user_id"], sup.to_string());
    assert_eq!(r.body["hotline"][0]["display_name"], "cs.boss");
    let r = now("2026-11-24 03:00").await;
    assert_eq!(
        r.body["hotline"][0]["user_id"],
        sup.to_string(),
        "past midnight"
    );
    let r = now("2026-11-24 22:00").await;
    assert_eq!(
        r.body["hotline"],
        json!([]),
        "nobody rostered: the gap shows"
    );

    let id = evening["body"]["id"].as_str().unwrap_or_default();
    let r = app
        .send(app.request(
            reqwest::Method::DELETE,
            &format!("/api/v1/duty/shifts/{id}"),
            Some(&manager),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body["cancelled_at"].is_string());
    let r = app
        .send(app.request(
            reqwest::Method::DELETE,
            &format!("/api/v1/duty/shifts/{id}"),
            Some(&manager),
        ))
        .await;
    r.assert_problem(409, "shift_cancelled");
    assert_eq!(now("2026-11-23 19:00").await.body["on_duty"], json!([]));
}
dual!(
    r_dut_1_who_is_on_duty_at_any_moment_within_the_duty_windows,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);

async fn r_dut_2_weekend_service_rotates_and_r_dut_4_never_during_leave(app: TestApp) {
    app.clock.set(local("2026-11-23 10:00"));
    let (_, manager) = app
        .user_token("de.pt", &[JobRole::DeptManager], PermissionLevel::Operator)
        .await;
    let op = PermissionLevel::Operator;
    let (a, a_token) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let (b, b_token) = app
        .user_token("cs.b", &[JobRole::CustomerService], op)
        .await;
    let (c, _) = app
        .user_token("cs.c", &[JobRole::CustomerService], op)
        .await;
    let (shop, shop_token) = app
        .user_token("st.ore", &[JobRole::StorefrontSpecialist], op)
        .await;

    // B is away on Saturday 28th.
    let d = leave(
        &app,
        &b_token,
        a,
        &manager,
        "2026-11-28 00:00",
        "2026-11-29 00:00",
    )
    .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let r = app
        .post(
            "/api/v1/duty/rotations",
            Some(&manager),
            &json!({"from": "2026-11-23", "to": "2026-12-07", "staff": [b, a, c]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let got: Vec<(String, String)> = r.body["shifts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|s| {
            (
                s["starts_at"].as_str().unwrap_or_default().to_owned(),
                s["user_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("2026-11-28 08:30", a),
        ("2026-11-29 08:30", c),
        ("2026-12-05 08:30", b),
        ("2026-12-06 08:30", a),
    ]
    .iter()
    .map(|(t, u)| {
        (
            local(t).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            u.to_string(),
        )
    })
    .collect();
    assert_eq!(got, want, "B skipped while away; the turn carries on");
    assert_eq!(r.body["uncovered_days"], json!([]));
    let again = app
        .post(
            "/api/v1/duty/rotations",
            Some(&manager),
            &json!({"from": "2026-11-23", "to": "2026-12-07", "staff": [a, b, c]}),
        )
        .await;
    again.assert_problem(409, "already_rostered");
    // The next rotation carries on after A (who had the last weekend day).
    let next = app
        .post(
            "/api/v1/duty/rotations",
            Some(&manager),
            &json!({"from": "2026-12-07", "to": "2026-12-14", "staff": [b, a, c]}),
        )
        .await;
    assert_eq!(next.status, StatusCode::CREATED, "{}", next.text);
    assert_eq!(next.body["shifts"][0]["user_id"], c.to_string());

    // R-DUT-4 both ways: no shift during approved leave; a leave approved over a shift
    // releases the shift as a clash to fill.
    let d = leave(
        &app,
        &shop_token,
        a,
        &manager,
        "2026-11-25 00:00",
        "2026-11-26 00:00",
    )
    .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let s = shift(
        &app,
        &manager,
        shop,
        "storefront",
        "2026-11-25 18:00",
        "2026-11-25 21:00",
    )
    .await;
    assert_eq!(s["body"]["code"], "on_leave", "{s}");
    let s = shift(
        &app,
        &manager,
        shop,
        "storefront",
        "2026-11-26 18:00",
        "2026-11-26 21:00",
    )
    .await;
    assert_eq!(s["status"], 201, "{s}");
    let storefront_shift = s["body"]["id"].clone();
    let d = leave(
        &app,
        &shop_token,
        a,
        &manager,
        "2026-11-26 12:00",
        "2026-11-27 00:00",
    )
    .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let on_the_26th = app
        .get(
            &format!(
                "/api/v1/duty/shifts?from={}&to={}",
                q(local("2026-11-26 00:00")),
                q(local("2026-11-27 00:00"))
            ),
            &manager,
        )
        .await;
    assert_eq!(on_the_26th.status, StatusCode::OK, "{}", on_the_26th.text);
    assert!(
        !on_the_26th
            .text
            .contains(storefront_shift.as_str().unwrap_or("-")),
        "the released shift is no longer live: {}",
        on_the_26th.text
    );
    // A goes on leave on Sunday 6 December, after the rotation gave it to A: the shift is
    // released and the next person of the rotation (A, C, B) who is free then is suggested.
    let d = leave(
        &app,
        &a_token,
        b,
        &manager,
        "2026-12-06 00:00",
        "2026-12-07 00:00",
    )
    .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let clashes = || async {
        let r = app
            .get(
                "/api/v1/duty/clashes?from=2026-11-23&to=2026-12-14",
                &manager,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.body
    };
    let found = clashes().await;
    assert_eq!(found.as_array().map(Vec::len), Some(2), "{found}");
    // Whose leave clashes with what is for rosterers and managers.
    app.get(
        "/api/v1/duty/clashes?from=2026-11-23&to=2026-12-14",
        &b_token,
    )
    .await
    .assert_problem(403, "missing_role");
    assert_eq!(found[0]["shift"]["id"], storefront_shift);
    assert_eq!(found[0]["shift"]["kind"], "storefront");
    assert_eq!(found[0]["filled_by"], Value::Null);
    assert_eq!(
        found[0]["suggested"],
        Value::Null,
        "nobody else is in the storefront rotation"
    );
    assert_eq!(found[1]["shift"]["user_id"], a.to_string());
    assert_eq!(found[1]["shift"]["kind"], "weekend_service");
    assert!(
        found[1]["shift"]["released_for_leave"].is_string(),
        "{found}"
    );
    assert_eq!(found[1]["suggested"], c.to_string(), "{found}");
    assert_eq!(found[1]["suggested_name"], "cs.c");
    // The manager takes the suggestion: the clash is filled.
    let s = shift(
        &app,
        &manager,
        c,
        "weekend_service",
        "2026-12-06 08:30",
        "2026-12-06 21:00",
    )
    .await;
    assert_eq!(s["status"], 201, "{s}");
    let found = clashes().await;
    assert_eq!(found[1]["filled_by"], c.to_string(), "{found}");
    assert_eq!(found[1]["suggested"], Value::Null);
    // Each release is audited.
    let audit = app
        .get(
            "/api/v1/audit?action=duty.released_for_leave",
            &app.admin_token().await,
        )
        .await;
    assert_eq!(
        audit.body["items"].as_array().map(Vec::len),
        Some(2),
        "{}",
        audit.text
    );
}
dual!(
    r_dut_2_weekend_service_rotates_and_r_dut_4_never_during_leave,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);

/// R-DUT-1: outside service hours the hotline goes to the manager on duty; the hotline's staff
/// see that manager's work phone, others do not; a phone number is checked when it is set.
async fn r_dut_1_the_hotline_staff_reach_whoever_is_on_duty_by_phone(app: TestApp) {
    app.clock.set(local("2026-11-23 10:00"));
    let admin = app.admin_token().await;
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (sup, sup_token) = app
        .user_token("cs.boss", &[JobRole::CsSupervisor], op)
        .await;
    let (_, cs) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let (_, designer) = app.user_token("de.sign", &[JobRole::Designer], op).await;
    let patch = |body: Value| {
        let (app, admin) = (&app, admin.clone());
        async move {
            app.send(
                app.request(
                    reqwest::Method::PATCH,
                    &format!("/api/v1/users/{sup}"),
                    Some(&admin),
                )
                .json(&body),
            )
            .await
        }
    };
    let bad = patch(json!({"phone": "call me"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(bad.error_fields(), vec!["phone".to_owned()]);
    let ok = patch(json!({"phone": "+86 138-0013-8000"})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["phone"], "+86 138-0013-8000");
    let night = shift(
        &app,
        &manager,
        sup,
        "hotline_manager",
        "2026-11-23 21:00",
        "2026-11-24 08:30",
    )
    .await;
    assert_eq!(night["status"], 201, "{night}");
    app.clock.set(local("2026-11-23 22:10"));
    let seen = app.get("/api/v1/duty/now", &cs).await;
    assert_eq!(seen.body["in_service_hours"], false);
    assert_eq!(
        seen.body["hotline"][0]["phone"], "+86 138-0013-8000",
        "{}",
        seen.text
    );
    let hidden = app.get("/api/v1/duty/now", &designer).await;
    assert_eq!(hidden.body["hotline"][0]["user_id"], sup.to_string());
    assert!(
        hidden.body["hotline"][0].get("phone").is_none(),
        "{}",
        hidden.text
    );
    // One's own number shows on /me; another's only to those who see staff records.
    let me = app.get("/api/v1/me", &sup_token).await;
    assert_eq!(me.body["phone"], "+86 138-0013-8000");
    let other = app.get(&format!("/api/v1/users/{sup}"), &cs).await;
    assert!(other.body.get("phone").is_none(), "{}", other.text);
    // An empty number clears it.
    let cleared = patch(json!({"phone": ""})).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert!(cleared.body.get("phone").is_none(), "{}", cleared.text);
}
dual!(
    r_dut_1_the_hotline_staff_reach_whoever_is_on_duty_by_phone,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);
