//! R-ATT-7: a person asks for a punch of their own to be corrected (补卡); the department manager
//! decides, and the approval records the correction; and today's clock-in is judged at once.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn local(s: &str) -> DateTime<Utc> {
    let naive =
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("{s}: {e}"));
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("{s}"))
}

fn day<'a>(month: &'a Value, d: &str) -> &'a Value {
    month[0]["days"]
        .as_array()
        .and_then(|days| days.iter().find(|x| x["day"] == d))
        .unwrap_or(&Value::Null)
}

async fn r_att_7_a_forgotten_clock_out_is_asked_for_and_corrected_on_approval(app: TestApp) {
    app.clock.set(local("2026-11-13 07:58"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (me, token) = app
        .user_token("cs.a", &[JobRole::CustomerService], PermissionLevel::Viewer)
        .await;
    let hired = app
        .send(
            app.request(
                reqwest::Method::PUT,
                &format!("/api/v1/users/{me}/employment"),
                Some(&app.admin_token().await),
            )
            .json(&json!({"started_on": "2026-11-02"})),
        )
        .await;
    assert_eq!(hired.status, StatusCode::OK, "{}", hired.text);
    // Friday the 13th: clocked in, forgot to clock out.
    let punch = || async {
        let r = app
            .post(
                "/api/v1/attendance/punches",
                Some(&token),
                &json!({"direction": "in"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    };
    punch().await;

    // Monday: today's clock-in is judged at once, before the day is over.
    app.clock.set(local("2026-11-16 08:55"));
    punch().await;
    let month = app.get("/api/v1/attendance/months/2026-11", &token).await;
    let today = day(&month.body, "2026-11-16");
    assert_eq!(today["status"], "upcoming", "{today}");
    assert_eq!(
        today["arrival"]["kind"], "absent",
        "55 minutes late: {today}"
    );
    assert_eq!(day(&month.body, "2026-11-13")["missing_punch"], true);

    let ask = |body: Value| {
        let token = token.clone();
        let app = &app;
        async move {
            app.post(
                "/api/v1/attendance/correction-requests",
                Some(&token),
                &body,
            )
            .await
        }
    };
    // Bad input: a time to come, no reason; nothing filed.
    ask(json!({"direction": "out", "at": local("2026-11-16 18:00"), "reason": "x"}))
        .await
        .assert_problem(422, "validation_failed");
    let r = ask(json!({"direction": "out", "at": local("2026-11-13 17:35"), "reason": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["reason".to_owned()]);

    let filed = ask(
        json!({"direction": "out", "at": local("2026-11-13 17:35"), "reason": "forgot to clock out"}),
    )
    .await;
    assert_eq!(filed.status, StatusCode::ACCEPTED, "{}", filed.text);
    assert_eq!(filed.body["kind"], "punch_correction");
    assert_eq!(filed.body["chain"], json!([["dept_manager"]]));
    ask(json!({"direction": "out", "at": local("2026-11-13 17:40"), "reason": "again"}))
        .await
        .assert_problem(409, "pending_request_exists");
    // Nothing changes before the decision.
    let month = app.get("/api/v1/attendance/months/2026-11", &token).await;
    assert_eq!(day(&month.body, "2026-11-13")["missing_punch"], true);
    // It waits in the manager's inbox; the proposer cannot decide it.
    let id = filed.body["id"].as_str().unwrap_or_default().to_owned();
    let inbox = app.get("/api/v1/approvals?view=waiting", &manager).await;
    assert!(inbox.text.contains(&id), "{}", inbox.text);
    let d = app.decide(&id, &manager, "approve").await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let month = app.get("/api/v1/attendance/months/2026-11", &token).await;
    let fri = day(&month.body, "2026-11-13");
    assert_eq!(fri["missing_punch"], false, "{fri}");
    assert_eq!(fri["clock_out"], "17:35:00");
    let punches = fri["punches"].as_array().cloned().unwrap_or_default();
    let corrected = punches
        .iter()
        .find(|p| p["source"] == "correction")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(corrected["reason"], "forgot to clock out", "{fri}");
}
dual!(
    r_att_7_a_forgotten_clock_out_is_asked_for_and_corrected_on_approval,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);
