//! R-ATT-2..7 and R-ATT-9: punches, corrections, notices and the month judged from them.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, ClockExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An instant given as company (Shanghai) wall-clock time.
fn local(s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .unwrap_or_else(|e| panic!("{s}: {e}"));
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("{s} is ambiguous"))
}

async fn punch_at(app: &TestApp, token: &str, when: &str, direction: &str) -> Value {
    app.clock.set(local(when));
    let r = app
        .post(
            "/api/v1/attendance/punches",
            Some(token),
            &json!({"direction": direction}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{when}: {}", r.text);
    r.body
}

async fn r_att_7_punches_are_recorded_to_the_second_and_never_edited(app: TestApp) {
    app.clock
        .set(local("2026-11-23 07:59:30") + chrono::Duration::milliseconds(750));
    let (me, token) = app
        .user_token(
            "cs.one",
            &[JobRole::CustomerService],
            PermissionLevel::Viewer,
        )
        .await;
    let r = app
        .post(
            "/api/v1/attendance/punches",
            Some(&token),
            &json!({"direction": "in"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "even a viewer clocks in: {}",
        r.text
    );
    assert_eq!(r.body["user_id"], me.to_string());
    assert_eq!(r.body["source"], "web");
    let at: DateTime<Utc> =
        serde_json::from_value(r.body["punched_at"].clone()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(at, local("2026-11-23 07:59:30"), "whole seconds");

    // The caller cannot choose the time.
    let r = app
        .post(
            "/api/v1/attendance/punches",
            Some(&token),
            &json!({"direction": "in", "at": "2026-11-23T00:00:00Z"}),
        )
        .await;
    r.assert_problem(400, "invalid_body");

    let list = app
        .get(
            &format!(
                "/api/v1/attendance/punches?from={}&to={}",
                local("2026-11-23 00:00:00").to_rfc3339(),
                local("2026-11-24 00:00:00").to_rfc3339()
            )
            .replace('+', "%2B"),
            &token,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body.as_array().map(Vec::len), Some(1));

    // No route edits a punch, and the database refuses it too.
    let r = app
        .send(app.request(
            reqwest::Method::PATCH,
            "/api/v1/attendance/punches",
            Some(&token),
        ))
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    let refused = app
        .with_db(|c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("UPDATE punches SET direction = 'out'").execute(c)
        })
        .await;
    assert!(refused.is_err(), "the trigger refuses the update");
    let refused = app
        .with_db(|c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("DELETE FROM punches").execute(c)
        })
        .await;
    assert!(refused.is_err(), "the trigger refuses the delete");
}
dual!(
    r_att_7_punches_are_recorded_to_the_second_and_never_edited,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);

async fn r_att_7_a_device_retrying_at_once_records_its_punch_once(app: TestApp) {
    let (staff, staff_token) = app
        .user_token("wa.one", &[JobRole::Warehouse], PermissionLevel::Operator)
        .await;
    let device = app.device_token("gate-1").await;
    let now = {
        use chrono::Timelike;
        let t = app.clock.now_utc();
        t.with_nanosecond(0).unwrap_or(t)
    };
    let body = json!({"user_id": staff, "direction": "in", "at": now,
                      "device_id": "gate-1", "device_punch_id": "p-000123"});
    let replies = futures_util::future::join_all(
        (0..10).map(|_| app.post("/api/v1/attendance/device-punches", Some(&device), &body)),
    )
    .await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let repeated = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(
        (created, repeated),
        (1, 9),
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    let ids: std::collections::HashSet<_> =
        replies.iter().map(|r| r.body["id"].to_string()).collect();
    assert_eq!(ids.len(), 1, "every retry answers with the same punch");
    let count = app
        .with_db(move |c| {
            ecops_persistence::repo::attendance::between(
                c,
                Some(staff),
                now - chrono::Duration::hours(1),
                now + chrono::Duration::hours(1),
            )
            .map(|v| v.len())
        })
        .await;
    assert_eq!(count.ok(), Some(1));

    // The same device id for another person is a conflict, not a silent merge.
    let other = json!({"user_id": app.seed_user("wa.two", &[], PermissionLevel::Operator).await,
                       "direction": "in", "at": now, "device_id": "gate-1", "device_punch_id": "p-000123"});
    app.post("/api/v1/attendance/device-punches", Some(&device), &other)
        .await
        .assert_problem(409, "device_punch_reused");
    // People use their own endpoint; devices cannot report the future or unknown people.
    app.post(
        "/api/v1/attendance/device-punches",
        Some(&staff_token),
        &body,
    )
    .await
    .assert_problem(403, "device_only");
    let mut future = body.clone();
    future["at"] = json!(now + chrono::Duration::hours(1));
    future["device_punch_id"] = json!("p-000124");
    let r = app
        .post("/api/v1/attendance/device-punches", Some(&device), &future)
        .await;
    r.assert_problem(422, "validation_failed");
    assert!(r.text.contains("\"at\""), "{}", r.text);
    let mut stranger = body.clone();
    stranger["user_id"] = json!(uuid::Uuid::now_v7());
    stranger["device_punch_id"] = json!("p-000125");
    app.post(
        "/api/v1/attendance/device-punches",
        Some(&device),
        &stranger,
    )
    .await
    .assert_problem(422, "validation_failed");
}
dual!(r_att_7_a_device_retrying_at_once_records_its_punch_once);

async fn r_att_9_the_month_is_judged_from_punches_notices_and_corrections(app: TestApp) {
    // Monday 2 November 2026: the person joins before the working day.
    app.clock.set(local("2026-11-02 07:00:00"));
    let (staff, token) = app
        .user_token("pa.per", &[JobRole::Designer], PermissionLevel::Operator)
        .await;
    let (_, manager) = app
        .user_token("de.pt", &[JobRole::DeptManager], PermissionLevel::Operator)
        .await;
    // Mon: on time. Tue: late 1 min (tier 1) and early 5 min (tier 1). Wed: 45 min late without
    // notice (absent). Thu: 45 min late after telephoning (late, tier 3). Fri: no punch (absent).
    punch_at(&app, &token, "2026-11-02 07:59:59", "in").await;
    punch_at(&app, &token, "2026-11-02 17:30:00", "out").await;
    punch_at(&app, &token, "2026-11-03 08:01:00", "in").await;
    punch_at(&app, &token, "2026-11-03 17:25:00", "out").await;
    punch_at(&app, &token, "2026-11-04 08:45:00", "in").await;
    punch_at(&app, &token, "2026-11-04 17:40:00", "out").await;
    punch_at(&app, &token, "2026-11-05 08:45:00", "in").await;
    let r = app
        .post(
            "/api/v1/attendance/notices",
            Some(&manager),
            &json!({"user_id": staff, "day": "2026-11-05", "note": "called at 07:40: flat tyre"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    app.post(
        "/api/v1/attendance/notices",
        Some(&manager),
        &json!({"user_id": staff, "day": "2026-11-05", "note": "again"}),
    )
    .await
    .assert_problem(409, "notice_exists");
    punch_at(&app, &token, "2026-11-05 17:31:00", "out").await;

    // Friday still in progress: not judged yet.
    app.clock.set(local("2026-11-06 12:00:00"));
    let month = app.get("/api/v1/attendance/months/2026-11", &token).await;
    assert_eq!(month.status, StatusCode::OK, "{}", month.text);
    assert_eq!(
        month.body.as_array().map(Vec::len),
        Some(1),
        "staff see their own month"
    );
    assert_eq!(month.body[0]["days_judged"], 4);

    app.clock.set(local("2026-11-07 10:00:00"));
    let m = app
        .get(
            &format!("/api/v1/attendance/months/2026-11?user_id={staff}"),
            &manager,
        )
        .await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.text);
    let m = &m.body[0];
    // 800,000 fen a month: a day of absence is 3 × 800,000 / 21.75 = 110,345 fen.
    let absence = 110_345;
    assert_eq!(m["days_judged"], 5, "Saturday is not a working day");
    assert_eq!(m["days_worked"], 3);
    assert_eq!(m["absences"], 2);
    assert_eq!(m["late_by_tier"], json!([1, 0, 1]));
    assert_eq!(m["early_by_tier"], json!([1, 0, 0]));
    assert_eq!(
        m["deductions_fen"],
        1_000 + 1_000 + absence + 3_000 + absence
    );
    assert_eq!(m["full_attendance_bonus_kept"], false);
    // Every day of the month: 1 November 2026 is a Sunday, so Monday the 2nd is `days[1]`.
    let days = m["days"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        days[0]["status"], "not_employed",
        "before the account began"
    );
    assert_eq!(days[1]["arrival"]["kind"], "on_time", "07:59:59 is on time");
    assert_eq!(days[2]["arrival"]["tier"], 1);
    assert_eq!(days[2]["departure"]["kind"], "early");
    assert_eq!(days[3]["arrival"]["kind"], "absent");
    assert_eq!(days[4]["phoned_ahead"], true);
    assert_eq!(days[4]["arrival"]["tier"], 3);
    assert_eq!(days[5]["absent"], true);

    // Friday's punches were lost by the clock: the manager corrects them, with a reason.
    for (when, dir) in [
        ("2026-11-06 07:58:00", "in"),
        ("2026-11-06 17:35:00", "out"),
    ] {
        let r = app
            .post(
                "/api/v1/attendance/corrections",
                Some(&manager),
                &json!({"user_id": staff, "direction": dir, "at": local(when),
                        "reason": "gate clock was offline on Friday"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(r.body["source"], "correction");
    }
    let m = app
        .get(
            &format!("/api/v1/attendance/months/2026-11?user_id={staff}"),
            &manager,
        )
        .await;
    assert_eq!(m.body[0]["absences"], 1);
    assert_eq!(m.body[0]["deductions_fen"], 1_000 + 1_000 + absence + 3_000);

    // Staff do not read others' months nor correct anything; managers not their own.
    app.get(
        &format!(
            "/api/v1/attendance/months/2026-11?user_id={}",
            uuid::Uuid::now_v7()
        ),
        &token,
    )
    .await
    .assert_problem(403, "not_yours");
    app.post(
        "/api/v1/attendance/corrections",
        Some(&token),
        &json!({"user_id": staff, "direction": "in", "at": local("2026-11-06 07:58:00"), "reason": "me"}),
    )
    .await
    .assert_problem(403, "missing_role");
    app.get("/api/v1/attendance/months/2026-13", &manager)
        .await
        .assert_problem(400, "invalid_path");
}
dual!(
    r_att_9_the_month_is_judged_from_punches_notices_and_corrections,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);

async fn r_att_8_leave_is_asked_ahead_with_a_handover_and_excuses_what_it_covers(app: TestApp) {
    app.clock.set(local("2026-11-02 07:00:00"));
    let (staff, token) = app
        .user_token("le.ave", &[JobRole::Designer], PermissionLevel::Operator)
        .await;
    let (mate, mate_token) = app
        .user_token(
            "co.lleague",
            &[JobRole::Designer],
            PermissionLevel::Operator,
        )
        .await;
    let (_, other_token) = app
        .user_token("ot.her", &[JobRole::Planner], PermissionLevel::Operator)
        .await;
    let (_, manager) = app
        .user_token("de.pt", &[JobRole::DeptManager], PermissionLevel::Operator)
        .await;
    let ask = |from: &str, to: &str| {
        json!({"kind": "personal", "starts_at": local(from), "ends_at": local(to),
               "reason": "family matter", "handover_to": mate,
               "handover_note": "the banner for Friday is in the shared folder"})
    };
    // Tuesday morning, all of Wednesday, and Thursday (to be rejected).
    let mut requests = Vec::new();
    for (from, to) in [
        ("2026-11-03 08:00:00", "2026-11-03 12:00:00"),
        ("2026-11-04 00:00:00", "2026-11-05 00:00:00"),
        ("2026-11-05 08:00:00", "2026-11-05 17:30:00"),
    ] {
        let r = app
            .post("/api/v1/leave-requests", Some(&token), &ask(from, to))
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
        assert_eq!(r.body["leave"]["status"], "pending");
        assert_eq!(
            r.body["approval_request"]["chain"],
            json!([["dept_manager"]])
        );
        requests.push((
            r.body["leave"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            r.body["approval_request"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ));
    }
    // Bad requests: in the past, overlapping, too long, no handover, handover to oneself.
    let bad = [
        (
            ask("2026-11-02 06:00:00", "2026-11-02 09:00:00"),
            "starts_at",
        ),
        (
            ask("2026-11-03 11:00:00", "2026-11-03 13:00:00"),
            "leave_overlap",
        ),
        (ask("2026-11-10 08:00:00", "2026-12-20 08:00:00"), "ends_at"),
    ];
    for (body, what) in bad {
        let r = app
            .post("/api/v1/leave-requests", Some(&token), &body)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            r.text
        );
        assert!(r.text.contains(what), "{what}: {}", r.text);
    }
    let mut to_self = ask("2026-11-20 08:00:00", "2026-11-20 12:00:00");
    to_self["handover_to"] = json!(staff);
    app.post("/api/v1/leave-requests", Some(&token), &to_self)
        .await
        .assert_problem(422, "validation_failed");
    let mut nobody = to_self.clone();
    nobody["handover_to"] = json!(uuid::Uuid::now_v7());
    app.post("/api/v1/leave-requests", Some(&token), &nobody)
        .await
        .assert_problem(422, "validation_failed");

    // The colleague taking over sees it; an unrelated colleague does not.
    let first = format!("/api/v1/leave-requests/{}", requests[0].0);
    assert_eq!(app.get(&first, &mate_token).await.status, StatusCode::OK);
    assert_eq!(
        app.get(&first, &other_token).await.status,
        StatusCode::NOT_FOUND
    );

    // Until approved, leave excuses nothing; the manager approves two and rejects one.
    for (i, verdict) in ["approve", "approve", "reject"].iter().enumerate() {
        let r = app.decide(&requests[i].1, &manager, verdict).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let l = app.get(&first, &token).await;
    assert_eq!(l.body["status"], "approved");

    punch_at(&app, &token, "2026-11-02 07:55:00", "in").await;
    punch_at(&app, &token, "2026-11-02 17:30:00", "out").await;
    // Tuesday after the morning's leave: 12:00:30 is on time.
    punch_at(&app, &token, "2026-11-03 12:00:30", "in").await;
    punch_at(&app, &token, "2026-11-03 17:30:00", "out").await;
    // Wednesday on leave; Thursday's leave was rejected and nobody came: absent.
    punch_at(&app, &token, "2026-11-06 07:55:00", "in").await;
    punch_at(&app, &token, "2026-11-06 17:30:00", "out").await;

    app.clock.set(local("2026-11-07 09:00:00"));
    let m = app.get("/api/v1/attendance/months/2026-11", &token).await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.text);
    let m = &m.body[0];
    assert_eq!(m["days_judged"], 5);
    assert_eq!(m["days_on_leave"], 1);
    assert_eq!(m["days_worked"], 3);
    assert_eq!(m["absences"], 1);
    assert_eq!(m["late_by_tier"], json!([0, 0, 0]));
    assert_eq!(m["deductions_fen"], 110_345);
    assert_eq!(m["days"][2]["arrival"]["kind"], "on_time");
    assert_eq!(m["days"][3]["on_leave"], true);
    assert_eq!(m["days"][4]["absent"], true);

    let mine = app.get("/api/v1/leave-requests", &token).await;
    assert_eq!(mine.body["items"].as_array().map(Vec::len), Some(3));
    app.get(
        &format!("/api/v1/leave-requests?user_id={staff}"),
        &other_token,
    )
    .await
    .assert_problem(403, "not_yours");
}
dual!(
    r_att_8_leave_is_asked_ahead_with_a_handover_and_excuses_what_it_covers,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);

async fn r_att_7_a_clock_in_retried_with_one_idempotency_key_records_one_punch(app: TestApp) {
    let (staff, token) = app
        .user_token(
            "cs.idem",
            &[JobRole::CustomerService],
            PermissionLevel::Operator,
        )
        .await;
    let now = app.clock.now_utc();
    let send = |body: serde_json::Value| {
        app.send(
            app.request(
                reqwest::Method::POST,
                "/api/v1/attendance/punches",
                Some(&token),
            )
            .header("Idempotency-Key", "clock-in-7f3a")
            .json(&body),
        )
    };
    let replies =
        futures_util::future::join_all((0..5).map(|_| send(json!({"direction": "in"})))).await;
    for r in &replies {
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let ids: std::collections::HashSet<_> =
        replies.iter().map(|r| r.body["id"].to_string()).collect();
    assert_eq!(ids.len(), 1, "every retry answers with the first punch");
    // The same key with another body is refused and records nothing.
    send(json!({"direction": "out"}))
        .await
        .assert_problem(422, "idempotency_key_reused");
    let count = app
        .with_db(move |c| {
            ecops_persistence::repo::attendance::between(
                c,
                Some(staff),
                now - chrono::Duration::hours(1),
                now + chrono::Duration::hours(1),
            )
            .map(|v| v.len())
        })
        .await;
    assert_eq!(count.ok(), Some(1));
}
dual!(r_att_7_a_clock_in_retried_with_one_idempotency_key_records_one_punch);
