//! The department's month (R-ATT-9) over a hand-counted fixture of five people, with the
//! working-day calendar and employment dates; closing, adjustments and reopening; policy
//! versions and calendar entries refused when they would change the past.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn local(s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .unwrap_or_else(|e| panic!("{s}: {e}"));
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("{s} is ambiguous"))
}

async fn punch(app: &TestApp, token: &str, when: &str, direction: &str) {
    app.clock.set(local(when));
    let r = app
        .post(
            "/api/v1/attendance/punches",
            Some(token),
            &json!({"direction": direction}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{when}: {}", r.text);
}

/// A full day: in at 07:55, out at 17:35.
async fn day(app: &TestApp, token: &str, date: &str) {
    punch(app, token, &format!("{date} 07:55:00"), "in").await;
    punch(app, token, &format!("{date} 17:35:00"), "out").await;
}

struct Fixture {
    manager: String,
    dai: uuid::Uuid,
}

/// November 2026: Wednesday the 4th a public holiday, Saturday the 7th a make-up working day,
/// so by Sunday the 8th five working days are over (2, 3, 5, 6, 7). Wage 8,000 yuan: one day of
/// absence costs 3 × 800,000 / 21.75 = 110,345 fen.
async fn fixture(app: &TestApp) -> Fixture {
    app.clock.set(local("2026-11-01 09:00:00"));
    let (mgr, manager) = app
        .user_token("mgr", &[JobRole::DeptManager], PermissionLevel::Operator)
        .await;
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    for name in ["anna", "bo", "chen", "dai", "eve"] {
        let (id, t) = app
            .user_token(name, &[JobRole::CustomerService], PermissionLevel::Viewer)
            .await;
        ids.push(id);
        tokens.push(t);
    }
    // The manager starts in December; Eve on Thursday the 5th.
    for (who, from) in [(mgr, "2026-12-01"), (ids[4], "2026-11-05")] {
        let r = app
            .put(
                &format!("/api/v1/users/{who}/employment"),
                &manager,
                &json!({"started_on": from}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["recorded"], true);
    }
    for (day, kind, name) in [
        ("2026-11-04", "holiday", "公司纪念日"),
        ("2026-11-07", "workday", "调休上班"),
    ] {
        let r = app
            .post(
                "/api/v1/attendance/calendar",
                Some(&manager),
                &json!({"from": day, "to": day, "kind": kind, "name": name}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let [anna, bo, chen, dai, eve] = [0, 1, 2, 3, 4].map(|i| tokens[i].clone());
    for d in [
        "2026-11-02",
        "2026-11-03",
        "2026-11-05",
        "2026-11-06",
        "2026-11-07",
    ] {
        day(app, &anna, d).await;
    }
    // Bo: 5 minutes late on Monday (tier 1), 18 minutes early on Tuesday (tier 2).
    punch(app, &bo, "2026-11-02 08:05:00", "in").await;
    punch(app, &bo, "2026-11-02 17:30:00", "out").await;
    punch(app, &bo, "2026-11-03 07:50:00", "in").await;
    punch(app, &bo, "2026-11-03 17:12:00", "out").await;
    for d in ["2026-11-05", "2026-11-06", "2026-11-07"] {
        day(app, &bo, d).await;
    }
    // Chen: no punch on Monday (absent), 25 minutes late on Tuesday (tier 3).
    punch(app, &chen, "2026-11-03 08:25:00", "in").await;
    punch(app, &chen, "2026-11-03 17:30:00", "out").await;
    for d in ["2026-11-05", "2026-11-06", "2026-11-07"] {
        day(app, &chen, d).await;
    }
    // Dai: works on the holiday too (not a working day: nothing judged), forgets to clock out
    // on Thursday.
    for d in [
        "2026-11-02",
        "2026-11-03",
        "2026-11-04",
        "2026-11-06",
        "2026-11-07",
    ] {
        day(app, &dai, d).await;
    }
    punch(app, &dai, "2026-11-05 07:58:00", "in").await;
    // Eve from Thursday.
    for d in ["2026-11-05", "2026-11-06", "2026-11-07"] {
        day(app, &eve, d).await;
    }
    app.clock.set(local("2026-11-08 10:00:00"));
    Fixture {
        manager,
        dai: ids[3],
    }
}

fn person<'a>(month: &'a Value, name: &str) -> &'a Value {
    month
        .as_array()
        .and_then(|a| a.iter().find(|p| p["username"] == name))
        .unwrap_or_else(|| panic!("{name} is not in {month}"))
}

async fn r_att_9_the_department_month_adds_up_a_hand_counted_week_in_json_and_csv(app: TestApp) {
    let f = fixture(&app).await;
    let m = app
        .get("/api/v1/attendance/months/2026-11", &f.manager)
        .await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.text);
    let names: Vec<&str> = m
        .body
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["username"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        ["anna", "bo", "chen", "dai", "eve"],
        "everyone employed in the month; the manager starts in December"
    );
    // (username, judged, worked, late, early, absences, missing, deductions, bonus)
    let expected = [
        ("anna", 5, 5, [0, 0, 0], [0, 0, 0], 0, 0, 0, true),
        ("bo", 5, 5, [1, 0, 0], [0, 1, 0], 0, 0, 1_000 + 2_000, false),
        (
            "chen",
            5,
            4,
            [0, 0, 1],
            [0, 0, 0],
            1,
            0,
            110_345 + 3_000,
            false,
        ),
        ("dai", 5, 5, [0, 0, 0], [0, 0, 0], 0, 1, 0, true),
        ("eve", 3, 3, [0, 0, 0], [0, 0, 0], 0, 0, 0, true),
    ];
    for (name, judged, worked, late, early, absences, missing, fen, bonus) in expected {
        let p = person(&m.body, name);
        assert_eq!(p["days_judged"], judged, "{name}");
        assert_eq!(p["days_worked"], worked, "{name}");
        assert_eq!(p["late_by_tier"], json!(late), "{name}");
        assert_eq!(p["early_by_tier"], json!(early), "{name}");
        assert_eq!(p["absences"], absences, "{name}");
        assert_eq!(p["missing_punches"], missing, "{name}");
        assert_eq!(p["deductions_fen"], fen, "{name}");
        assert_eq!(p["total_deductions_fen"], fen, "{name}");
        assert_eq!(p["full_attendance_bonus_kept"], bonus, "{name}");
        assert_eq!(p["closed"], false);
        assert_eq!(p["days"].as_array().map(Vec::len), Some(30), "{name}");
    }
    let dai = person(&m.body, "dai");
    // Day 4 (index 3) is the holiday, day 5 the forgotten clock-out.
    assert_eq!(dai["days"][3]["kind"], "holiday");
    assert_eq!(dai["days"][3]["status"], "off");
    assert_eq!(dai["days"][3]["punches"].as_array().map(Vec::len), Some(2));
    assert_eq!(dai["days"][4]["missing_punch"], true);
    assert_eq!(dai["days"][4]["absent"], false, "not an absence while open");
    assert_eq!(
        dai["days"][4]["departure"],
        Value::Null,
        "nor an early leave"
    );
    assert_eq!(dai["pending_missing_punches"], 1);
    assert!(dai["days"][4]["reason"]
        .as_str()
        .is_some_and(|r| r.contains("no clock-out")));
    assert_eq!(dai["days"][6]["kind"], "make_up_workday");
    assert_eq!(dai["days"][6]["status"], "judged");
    let chen = person(&m.body, "chen");
    assert!(chen["days"][1]["reason"]
        .as_str()
        .is_some_and(|r| r.contains("no punch")));
    let eve = person(&m.body, "eve");
    assert_eq!(eve["days"][1]["status"], "not_employed");

    let csv = app
        .get("/api/v1/attendance/months/2026-11?format=csv", &f.manager)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.text.starts_with('\u{feff}'),
        "a byte-order mark for Excel"
    );
    let lines: Vec<&str> = csv.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 6, "a header and five people");
    assert!(lines[0].starts_with("month,username,display_name,staff_level,days_judged"));
    assert_eq!(
        lines[2],
        "2026-11,bo,bo,P,5,5,0,1,0,0,0,1,0,0,0,30.00,0.00,30.00,lost,false"
    );
    assert!(lines[3].contains(",1133.45,0.00,1133.45,lost,"));
    app.get("/api/v1/attendance/months/2026-11?format=xls", &f.manager)
        .await
        .assert_problem(400, "invalid_query");
}
dual!(
    r_att_9_the_department_month_adds_up_a_hand_counted_week_in_json_and_csv,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);

async fn a_closed_month_is_frozen_and_a_later_correction_is_an_adjustment_in_the_next(
    app: TestApp,
) {
    let f = fixture(&app).await;
    app.post(
        "/api/v1/attendance/months/2026-11/close",
        Some(&f.manager),
        &json!({}),
    )
    .await
    .assert_problem(422, "month_not_over");
    app.clock.set(local("2026-12-01 10:00:00"));
    app.post(
        "/api/v1/attendance/months/2026-11/close",
        Some(&f.manager),
        &json!({}),
    )
    .await
    .assert_problem(409, "missing_punches_pending");
    let closed = app
        .post(
            "/api/v1/attendance/months/2026-11/close",
            Some(&f.manager),
            &json!({"confirm_missing_punches": true}),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    // The fixture punched only the first week: the 16 working days after it are absences.
    let absent = 110_345;
    let dai = person(&closed.body, "dai");
    assert_eq!(
        dai["days"][4]["absent"], true,
        "confirmed: the policy's absence"
    );
    assert_eq!(dai["absences"], 1 + 16);
    assert_eq!(dai["deductions_fen"], 17 * absent);
    assert_eq!(dai["closed"], true);
    // The payroll system learns it from the event feed: the month's figures as the API gave them.
    let feed = app
        .get("/api/v1/events?type=attendance.month_closed", &f.manager)
        .await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.text);
    let event = &feed.body["items"][0];
    assert_eq!(event["resource_id"], "2026-11", "{}", feed.text);
    assert_eq!(event["data"]["closed"], true);
    // How many were judged; their figures (deductions) are read where wages are.
    assert_eq!(
        event["data"]["people"].as_u64(),
        closed.body.as_array().map(|a| a.len() as u64)
    );
    assert!(!feed.text.contains("deductions"), "{}", feed.text);
    app.post(
        "/api/v1/attendance/months/2026-11/close",
        Some(&f.manager),
        &json!({"confirm_missing_punches": true}),
    )
    .await
    .assert_problem(409, "month_closed");

    // The clock-out is found after closing: a correction.
    let r = app
        .post(
            "/api/v1/attendance/corrections",
            Some(&f.manager),
            &json!({"user_id": f.dai, "direction": "out", "at": local("2026-11-05 17:40:00"),
                    "reason": "the gate clock's log turned up"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let nov = app
        .get(
            &format!("/api/v1/attendance/months/2026-11?user_id={}", f.dai),
            &f.manager,
        )
        .await;
    assert_eq!(
        nov.body[0]["absences"], 17,
        "the closed month is not changed"
    );
    assert_eq!(nov.body[0]["deductions_fen"], 17 * absent);
    let dec = app
        .get(
            &format!("/api/v1/attendance/months/2026-12?user_id={}", f.dai),
            &f.manager,
        )
        .await;
    assert_eq!(dec.status, StatusCode::OK, "{}", dec.text);
    let adjustments = dec.body[0]["adjustments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(adjustments.len(), 1, "{}", dec.text);
    assert_eq!(adjustments[0]["deduction_fen"], -110_345, "given back");
    assert_eq!(adjustments[0]["concerns_month"], "2026-11");
    assert_eq!(adjustments[0]["source"], "correction");
    assert_eq!(dec.body[0]["total_deductions_fen"], -110_345);

    // Policy and calendar changes that would reach into the closed month or the past.
    let policy = app.get("/api/v1/attendance/policies", &f.manager).await;
    assert_eq!(policy.body.as_array().map(Vec::len), Some(1));
    let mut body = json!({"effective_from": "2026-11-20", "timezone": "Asia/Shanghai",
        "note": "later start", "policy": policy.body[0]["policy"].clone()});
    body["policy"]["day_start"] = json!("08:30:00");
    app.post("/api/v1/attendance/policies", Some(&f.manager), &body)
        .await
        .assert_problem(422, "month_closed");
    body["effective_from"] = json!("2026-12-01");
    app.post("/api/v1/attendance/policies", Some(&f.manager), &body)
        .await
        .assert_problem(422, "effective_in_past");
    body["effective_from"] = json!("2026-12-15");
    let v = app
        .post("/api/v1/attendance/policies", Some(&f.manager), &body)
        .await;
    assert_eq!(v.status, StatusCode::CREATED, "{}", v.text);
    app.post("/api/v1/attendance/policies", Some(&f.manager), &body)
        .await
        .assert_problem(409, "policy_version_exists");
    let policies = app.get("/api/v1/attendance/policies", &f.manager).await;
    assert_eq!(policies.body.as_array().map(Vec::len), Some(2));
    app.post(
        "/api/v1/attendance/calendar",
        Some(&f.manager),
        &json!({"from": "2026-11-30", "to": "2026-11-30", "kind": "holiday", "name": "x"}),
    )
    .await
    .assert_problem(422, "month_closed");
    app.post(
        "/api/v1/attendance/calendar",
        Some(&f.manager),
        &json!({"from": "2026-12-24", "to": "2026-12-26", "kind": "holiday", "name": "年会"}),
    )
    .await;
    let before = app
        .get(
            "/api/v1/attendance/calendar?from=2026-12-01&to=2026-12-31",
            &f.manager,
        )
        .await;
    app.post(
        "/api/v1/attendance/calendar",
        Some(&f.manager),
        &json!({"from": "2026-12-20", "to": "2026-12-24", "kind": "holiday", "name": "overlap"}),
    )
    .await
    .assert_problem(409, "calendar_overlap");
    let after = app
        .get(
            "/api/v1/attendance/calendar?from=2026-12-01&to=2026-12-31",
            &f.manager,
        )
        .await;
    assert_eq!(
        before.body, after.body,
        "nothing of a refused request is written"
    );
    assert_eq!(after.body.as_array().map(Vec::len), Some(3));

    // Reopening is the general manager's, with a reason; the waiting adjustment goes and the
    // month shows the correction itself.
    app.post(
        "/api/v1/attendance/months/2026-11/reopen",
        Some(&f.manager),
        &json!({"reason": "payroll asked"}),
    )
    .await
    .assert_problem(403, "missing_role");
    let (_, gm) = app
        .user_token("gm", &[JobRole::GeneralManager], PermissionLevel::Operator)
        .await;
    let r = app
        .post(
            "/api/v1/attendance/months/2026-11/reopen",
            Some(&gm),
            &json!({"reason": "payroll asked"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let nov = app
        .get(
            &format!("/api/v1/attendance/months/2026-11?user_id={}", f.dai),
            &f.manager,
        )
        .await;
    assert_eq!(nov.body[0]["closed"], false);
    assert_eq!(nov.body[0]["absences"], 16, "Thursday is corrected");
    assert_eq!(nov.body[0]["missing_punches"], 0);
    let dec = app
        .get(
            &format!("/api/v1/attendance/months/2026-12?user_id={}", f.dai),
            &f.manager,
        )
        .await;
    assert_eq!(dec.body[0]["adjustments"], json!([]));
}
dual!(
    a_closed_month_is_frozen_and_a_later_correction_is_an_adjustment_in_the_next,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);
