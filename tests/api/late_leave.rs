//! Leave after the fact (R-ATT-8 with the policy's after-the-fact kinds): sick leave filed within
//! the policy's days of its start is approved like other leave; for a day of a closed month its
//! approval is an adjustment in the next open month, the closed figures untouched.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use ecops_domain::{JobRole, PermissionLevel};
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

async fn month(app: &TestApp, manager: &str, user: uuid::Uuid, month: &str) -> ecops_tests::Reply {
    let r = app
        .get(
            &format!("/api/v1/attendance/months/{month}?user_id={user}"),
            manager,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r
}

async fn r_att_8_late_sick_leave_is_filed_within_the_policys_days_and_adjusts_a_closed_month(
    app: TestApp,
) {
    app.clock.set(local("2026-09-30 10:00"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (me, token) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let (mate, _) = app
        .user_token("cs.b", &[JobRole::CustomerService], op)
        .await;
    // October is closed on 2 November; cs.a never clocked in on Friday 30 October.
    app.clock.set(local("2026-11-02 09:00"));
    let closed = app
        .post(
            "/api/v1/attendance/months/2026-10/close",
            Some(&manager),
            &json!({"confirm_missing_punches": true}),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    let frozen = month(&app, &manager, me, "2026-10").await;
    let absences = frozen.body[0]["absences"].clone();
    let deductions = frozen.body[0]["deductions_fen"]
        .as_i64()
        .unwrap_or_default();
    assert!(deductions > 0, "{}", frozen.text);

    let file = |kind: &str, from: &str, to: &str| {
        json!({"kind": kind, "starts_at": local(from), "ends_at": local(to), "reason": "fever",
               "handover_to": mate, "handover_note": "the chat queue"})
    };
    // Personal leave is asked in advance; sick leave may come later, but within three days.
    let r = app
        .post(
            "/api/v1/leave-requests",
            Some(&token),
            &file("personal", "2026-10-30 00:00", "2026-10-31 00:00"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["starts_at".to_owned()]);
    let r = app
        .post(
            "/api/v1/leave-requests",
            Some(&token),
            &file("sick", "2026-10-29 00:00", "2026-10-30 00:00"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("within 3 days"), "{}", r.text);
    let r = app
        .post(
            "/api/v1/leave-requests",
            Some(&token),
            &file("sick", "2026-10-30 00:00", "2026-10-31 00:00"),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let req = r.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let d = app.decide(&req, &manager, "approve").await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);

    let still = month(&app, &manager, me, "2026-10").await;
    assert_eq!(
        still.body[0]["absences"], absences,
        "the closed month is not changed"
    );
    assert_eq!(still.body[0]["deductions_fen"], deductions);
    let november = month(&app, &manager, me, "2026-11").await;
    let adjustments = november.body[0]["adjustments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(adjustments.len(), 1, "{}", november.text);
    assert_eq!(adjustments[0]["source"], "leave");
    assert_eq!(adjustments[0]["concerns_month"], "2026-10");
    let given_back = adjustments[0]["deduction_fen"].as_i64().unwrap_or_default();
    assert!(
        given_back < 0,
        "the absent Friday is given back: {given_back}"
    );
}
dual!(
    r_att_8_late_sick_leave_is_filed_within_the_policys_days_and_adjusts_a_closed_month,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);
