//! Check-then-write rules under concurrent requests: 20 at once, exactly the allowed number pass,
//! the rest get a clean 422, never a 5xx. What matters is PostgreSQL (READ COMMITTED); SQLite runs
//! the same to keep both honest.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, ClockExt, Reply, TestApp};
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

/// Sends `body` to `path` 20 times at once, with the use case pausing 30 ms between its check
/// and its write (fail point `pause`), so that without a lock several would pass the check;
/// asserts one success (`ok`), the rest `code`.
async fn twenty_at_once(
    app: &TestApp,
    path: &str,
    token: &str,
    body: &Value,
    ok: StatusCode,
    (pause, code): (&str, &str),
) {
    fail::cfg(pause, "sleep(30)").unwrap_or_else(|e| panic!("{e}"));
    let replies: Vec<Reply> =
        futures_util::future::join_all((0..20).map(|_| app.post(path, Some(token), body))).await;
    fail::remove(pause);
    let passed = replies.iter().filter(|r| r.status == ok).count();
    assert!(
        replies.iter().all(|r| !r.status.is_server_error()),
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    assert_eq!(
        passed,
        1,
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| r.status != ok) {
        r.assert_problem(422, code);
    }
}

async fn r_att_8_twenty_overlapping_leave_requests_at_once_file_one(app: TestApp) {
    app.clock.set(local("2026-11-02 07:00"));
    let (_, token) = app
        .user_token("le.ave", &[JobRole::Designer], PermissionLevel::Operator)
        .await;
    let (mate, _) = app
        .user_token(
            "co.lleague",
            &[JobRole::Designer],
            PermissionLevel::Operator,
        )
        .await;
    let body = json!({"kind": "personal", "starts_at": local("2026-11-04 08:00"),
        "ends_at": local("2026-11-04 17:30"), "reason": "family matter", "handover_to": mate,
        "handover_note": "the banner is in the shared folder"});
    twenty_at_once(
        &app,
        "/api/v1/leave-requests",
        &token,
        &body,
        StatusCode::ACCEPTED,
        ("leave::request::checked", "leave_overlap"),
    )
    .await;
}
dual!(r_att_8_twenty_overlapping_leave_requests_at_once_file_one);

async fn r_prd_7_twenty_overlapping_promotions_at_once_file_one(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "RACE-1", 10_000, 5).await;
    let t0 = app.clock.now_utc() + Duration::hours(1);
    let body = json!({"name": "flash", "skus": ["RACE-1"], "promo_price_fen": 7000,
        "start_at": t0, "end_at": t0 + Duration::hours(5), "reason": "r"});
    twenty_at_once(
        &app,
        "/api/v1/promotions",
        &cast.planner.1,
        &body,
        StatusCode::ACCEPTED,
        ("promotions::propose::checked", "promotion_overlap"),
    )
    .await;
}
dual!(r_prd_7_twenty_overlapping_promotions_at_once_file_one);

async fn r_dut_1_twenty_overlapping_shifts_at_once_roster_one(app: TestApp) {
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
    let body = json!({"user_id": sup, "kind": "hotline_manager",
        "starts_at": local("2026-11-23 21:00"), "ends_at": local("2026-11-24 08:30")});
    twenty_at_once(
        &app,
        "/api/v1/duty/shifts",
        &manager,
        &body,
        StatusCode::CREATED,
        ("duty::roster::checked", "double_booked"),
    )
    .await;
}
dual!(r_dut_1_twenty_overlapping_shifts_at_once_roster_one);

/// Twenty colleagues accepted to take the same shift; the department manager approves the twenty
/// requests at once (each decision pausing between its check and its write): one swap applies,
/// the others are refused as `subject_changed`, and the shift has one person.
async fn r_dut_1_twenty_swap_approvals_for_one_shift_at_once_apply_one(app: TestApp) {
    app.clock.set(local("2026-11-23 10:00"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (a, a_token) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let r = app
        .post(
            "/api/v1/duty/shifts",
            Some(&manager),
            &json!({"user_id": a, "kind": "weekend_service",
                    "starts_at": local("2026-11-28 08:30"), "ends_at": local("2026-11-28 21:00")}),
        )
        .await;
    let shift = r.body["id"].as_str().unwrap_or_default().to_owned();
    let mut requests = Vec::new();
    for i in 0..20 {
        let (mate, mate_token) = app
            .user_token(&format!("cs.m{i}"), &[JobRole::CustomerService], op)
            .await;
        let swap = app
            .post(
                "/api/v1/duty/swaps",
                Some(&a_token),
                &json!({"shift_id": shift, "colleague_id": mate, "reason": "away"}),
            )
            .await;
        let id = swap.body["id"].as_str().unwrap_or_default().to_owned();
        let accepted = app
            .post(
                &format!("/api/v1/duty/swaps/{id}/answer"),
                Some(&mate_token),
                &json!({"accept": true}),
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
        requests.push(
            accepted.body["approval_request_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    fail::cfg("duty::swap::checked", "sleep(30)").unwrap_or_else(|e| panic!("{e}"));
    let replies: Vec<Reply> = futures_util::future::join_all(
        requests
            .iter()
            .map(|req| app.decide(req, &manager, "approve")),
    )
    .await;
    fail::remove("duty::swap::checked");
    let texts: Vec<&String> = replies.iter().map(|r| &r.text).collect();
    assert!(
        replies.iter().all(|r| !r.status.is_server_error()),
        "{texts:?}"
    );
    assert_eq!(
        replies
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count(),
        1,
        "{texts:?}"
    );
    for r in replies.iter().filter(|r| r.status != StatusCode::OK) {
        r.assert_problem(422, "subject_changed");
    }
    let on = app
        .get(
            &format!(
                "/api/v1/duty/shifts?from={}&to={}",
                local("2026-11-28 00:00").to_rfc3339().replace('+', "%2B"),
                local("2026-11-29 00:00").to_rfc3339().replace('+', "%2B")
            ),
            &manager,
        )
        .await;
    assert_eq!(on.body.as_array().map(Vec::len), Some(1), "{}", on.text);
    assert_ne!(on.body[0]["user_id"], a.to_string());
}
dual!(r_dut_1_twenty_swap_approvals_for_one_shift_at_once_apply_one);

/// Corrections of forgotten clock-outs in November race the closing of November, which confirms
/// missing punches as absences (each correction pausing after it read whether the month is
/// closed): every correction ends either in the frozen figures or as an adjustment in December,
/// never lost between them. Three corrections: more would fill the test server's blocking
/// threads and queue the closing behind them, hiding the race.
async fn r_att_7_corrections_racing_a_month_closing_are_never_lost(app: TestApp) {
    app.clock.set(local("2026-10-20 10:00"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let mut people = Vec::new();
    let mut file = String::from("device_id,device_punch_id,username,direction,at\n");
    for i in 0..3 {
        let name = format!("cs.r{i:02}");
        people.push(app.seed_user(&name, &[JobRole::CustomerService], op).await);
        // Monday 30 November: in at 07:55, and the clock-out forgotten.
        file.push_str(&format!("gate-1,{i}-in,{name},in,2026-11-30 07:55:00\n"));
    }
    // The control: on time on the 30th, no correction; what everyone costs once corrected.
    app.seed_user("cs.control", &[JobRole::CustomerService], op)
        .await;
    file.push_str(
        "gate-1,c-in,cs.control,in,2026-11-30 07:55:00\ngate-1,c-out,cs.control,out,2026-11-30 17:35:00\n",
    );
    let control = app
        .with_db(|c| {
            ecops_persistence::repo::users::find_by_username(c, "cs.control")
                .ok()
                .flatten()
                .map(|u| u.id)
                .unwrap_or_default()
        })
        .await;
    let device = app.device_token("gate-1").await;
    app.clock.set(local("2026-12-01 10:00"));
    let r = app
        .send(
            app.request(
                reqwest::Method::POST,
                "/api/v1/attendance/punch-imports",
                Some(&device),
            )
            .header("content-type", "text/csv")
            .body(file),
        )
        .await;
    assert_eq!(r.body["created"], 5, "{}", r.text);

    fail::cfg("attendance::adjustment::checked", "sleep(300)").unwrap_or_else(|e| panic!("{e}"));
    let confirm = json!({"confirm_missing_punches": true});
    // The closing starts while the corrections are paused between their check and their write.
    let close = async {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        app.post(
            "/api/v1/attendance/months/2026-11/close",
            Some(&manager),
            &confirm,
        )
        .await
    };
    let bodies: Vec<Value> = people
        .iter()
        .map(|p| {
            json!({"user_id": p, "direction": "out", "at": local("2026-11-30 17:35"),
                   "reason": "forgot to clock out; seen leaving by the supervisor"})
        })
        .collect();
    let corrections = futures_util::future::join_all(
        bodies
            .iter()
            .map(|b| app.post("/api/v1/attendance/corrections", Some(&manager), b)),
    );
    let (closed, corrected) = futures_util::future::join(close, corrections).await;
    fail::remove("attendance::adjustment::checked");
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    for c in &corrected {
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    }

    // What each person costs in the end: the frozen November plus December's adjustments. The
    // control's, whichever side of the closing their correction fell on.
    let mut totals = Vec::new();
    let mut adjusted = 0;
    for p in people.iter().chain([&control]) {
        let nov = app
            .get(
                &format!("/api/v1/attendance/months/2026-11?user_id={p}"),
                &manager,
            )
            .await;
        let dec = app
            .get(
                &format!("/api/v1/attendance/months/2026-12?user_id={p}"),
                &manager,
            )
            .await;
        let frozen = nov.body[0]["deductions_fen"].as_i64().unwrap_or_default();
        let adjustments: i64 = dec.body[0]["adjustments"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x["deduction_fen"].as_i64()).sum())
            .unwrap_or_default();
        if adjustments != 0 {
            adjusted += 1;
        }
        totals.push(frozen + adjustments);
    }
    assert!(
        totals.windows(2).all(|w| w[0] == w[1]),
        "a correction was lost between the closing and the adjustments: {totals:?} ({adjusted} adjusted)"
    );
}
dual!(
    r_att_7_corrections_racing_a_month_closing_are_never_lost,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);

/// R-ATT-10: one open resignation or transfer per person, and a departure completed once, when
/// 20 requests arrive at once (the completion pausing after its checks).
async fn r_att_10_twenty_departures_or_completions_at_once_make_one(app: TestApp) {
    app.clock.set(local("2026-11-02 10:00"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (_, a_token) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let (b, _) = app
        .user_token("cs.b", &[JobRole::CustomerService], op)
        .await;
    let body = json!({"kind": "transfer", "effective_on": "2026-12-02", "reason": "to the warehouse",
                      "successor_id": b, "new_roles": ["warehouse"],
                      "items": ["the customer chat queue"]});
    let replies: Vec<Reply> = futures_util::future::join_all(
        (0..20).map(|_| app.post("/api/v1/departures", Some(&a_token), &body)),
    )
    .await;
    let texts: Vec<&String> = replies.iter().map(|r| &r.text).collect();
    let created: Vec<&Reply> = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .collect();
    assert_eq!(created.len(), 1, "{texts:?}");
    for r in replies.iter().filter(|r| r.status != StatusCode::CREATED) {
        r.assert_problem(409, "departure_open");
    }
    let id = created[0].body["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = app
        .post(
            &format!("/api/v1/departures/{id}/items/1/confirm"),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.clock.set(local("2026-12-02 10:00"));
    fail::cfg("departures::complete::checked", "sleep(30)").unwrap_or_else(|e| panic!("{e}"));
    let (path, empty) = (format!("/api/v1/departures/{id}/complete"), json!({}));
    let replies: Vec<Reply> =
        futures_util::future::join_all((0..20).map(|_| app.post(&path, Some(&manager), &empty)))
            .await;
    fail::remove("departures::complete::checked");
    let texts: Vec<&String> = replies.iter().map(|r| &r.text).collect();
    assert_eq!(
        replies
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count(),
        1,
        "{texts:?}"
    );
    for r in replies.iter().filter(|r| r.status != StatusCode::OK) {
        r.assert_problem(409, "handover_closed");
    }
    let audit = app
        .get(
            "/api/v1/audit?action=departure.completed",
            &app.admin_token().await,
        )
        .await;
    assert_eq!(
        audit.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        audit.text
    );
}
dual!(
    r_att_10_twenty_departures_or_completions_at_once_make_one,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);
