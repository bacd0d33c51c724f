//! Bulk import of clocking-device files: every row recorded, reported as recorded before, or
//! refused with its reason (nothing of it written); dry runs; retries of a whole file; closed
//! months; who may import.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, Reply, TestApp};
use reqwest::{Method, StatusCode};
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

async fn import(app: &TestApp, token: &str, query: &str, media: &str, body: &str) -> Reply {
    app.send(
        app.request(
            Method::POST,
            &format!("/api/v1/attendance/punch-imports{query}"),
            Some(token),
        )
        .header("content-type", media)
        .body(body.to_owned()),
    )
    .await
}

/// Punches of `user` between two local instants, as the API lists them.
async fn punches_of(app: &TestApp, manager: &str, user: &str) -> Vec<Value> {
    let from = local("2026-10-01 00:00:00").to_rfc3339();
    let to = local("2026-11-30 00:00:00").to_rfc3339();
    let url = format!(
        "/api/v1/attendance/punches?user_id={user}&from={}&to={}",
        urlencode(&from),
        urlencode(&to)
    );
    let r = app.get(&url, manager).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body.as_array().cloned().unwrap_or_default()
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

fn row(report: &Value, n: u64) -> &Value {
    report["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["row"] == n))
        .unwrap_or_else(|| panic!("row {n} is not listed: {report}"))
}

const FILE: &str = "device_id,device_punch_id,username,direction,at
gate-1,1001,cs.a,上班,2026-11-03 07:58:10
gate-1,1002,cs.a,下班,2026-11-03 17:31:00
gate-1,1003,cs.b,in,2026-11-03T08:04:00+08:00
gate-1,1004,ghost,in,2026-11-03 08:00:00
gate-1,1005,cs.b,sideways,2026-11-03 17:30:00
gate-1,1006,cs.b,out,2026-12-24 17:30:00
gate-1,1007,cs.a,in,2026-10-20 08:00:00
gate-1,1001,cs.a,上班,2026-11-03 07:58:10
";

async fn r_att_7_a_punch_file_is_recorded_row_by_row_and_a_bad_row_writes_nothing(app: TestApp) {
    app.clock.set(local("2026-10-25 10:00:00"));
    let (_, manager) = app
        .user_token("mgr", &[JobRole::DeptManager], PermissionLevel::Operator)
        .await;
    let a = app
        .seed_user("cs.a", &[JobRole::CustomerService], PermissionLevel::Viewer)
        .await;
    let b = app
        .seed_user("cs.b", &[JobRole::CustomerService], PermissionLevel::Viewer)
        .await;
    let (_, clerk) = app
        .user_token(
            "cs.c",
            &[JobRole::CustomerService],
            PermissionLevel::Operator,
        )
        .await;
    let device = app.device_token("gate-1").await;
    app.clock.set(local("2026-11-20 12:00:00"));

    // A dry run reports every row and writes nothing.
    let dry = import(&app, &device, "?dry_run=true", "text/csv", FILE).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text);
    assert_eq!(
        (
            &dry.body["total"],
            &dry.body["valid"],
            &dry.body["created"],
            &dry.body["failed"]
        ),
        (&json!(8), &json!(3), &json!(0), &json!(5)),
        "{}",
        dry.body
    );
    assert!(punches_of(&app, &manager, &a.to_string()).await.is_empty());

    let r = import(&app, &device, "", "text/csv", FILE).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["created"], 3, "{}", r.body);
    assert_eq!(r.body["failed"], 5);
    assert_eq!(r.body["dry_run"], false);
    for (n, code, field) in [
        (4, "unknown_user", "rows.4.user"),
        (5, "invalid_row", "rows.5.direction"),
        (6, "punch_in_future", "rows.6.at"),
        (7, "not_employed", "rows.7.at"),
        (8, "duplicate_row", "rows.8.device_punch_id"),
    ] {
        let listed = row(&r.body, n);
        assert_eq!(listed["outcome"], "error", "{listed}");
        assert_eq!(listed["code"], code, "{listed}");
        assert_eq!(listed["errors"][0]["field"], field, "{listed}");
    }
    let mine = punches_of(&app, &manager, &a.to_string()).await;
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert_eq!(mine[0]["source"], "device");
    assert_eq!(mine[0]["device_punch_id"], "1001");
    assert_eq!(
        mine[0]["punched_at"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc)),
        Some(local("2026-11-03 07:58:10")),
        "a wall-clock time is the company's"
    );
    assert_eq!(punches_of(&app, &manager, &b.to_string()).await.len(), 1);

    // Sending the same file again records nothing twice; as NDJSON too.
    let again = import(&app, &device, "", "text/csv", FILE).await;
    assert_eq!(again.body["created"], 0, "{}", again.body);
    assert_eq!(again.body["already_recorded"], 3);
    assert_eq!(row(&again.body, 1)["outcome"], "already_recorded");
    assert_eq!(row(&again.body, 1)["punch_id"], mine[0]["id"]);
    let ndjson = format!(
        "{}\n\n{}\n{}\n",
        json!({"device_id": "gate-1", "device_punch_id": "1003", "user_id": b, "direction": "in", "at": "2026-11-03T00:04:00Z"}),
        json!({"device_id": "gate-1", "device_punch_id": "2001", "user_id": b, "direction": "out", "at": "2026-11-03T09:40:00Z"}),
        json!({"device_id": "gate-1", "device_punch_id": "1002", "user_id": b, "direction": "out", "at": "2026-11-03T09:40:00Z"}),
    );
    let r = import(&app, &device, "", "application/x-ndjson", &ndjson).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (
            &r.body["created"],
            &r.body["already_recorded"],
            &r.body["failed"]
        ),
        (&json!(1), &json!(1), &json!(1)),
        "{}",
        r.body
    );
    assert_eq!(row(&r.body, 4)["code"], "device_punch_reused", "{}", r.body);
    assert_eq!(punches_of(&app, &manager, &b.to_string()).await.len(), 2);

    // A closed month takes no imported punches: missing ones there are corrections.
    app.post(
        "/api/v1/attendance/months/2026-10/close",
        Some(&manager),
        &json!({"confirm_missing_punches": true}),
    )
    .await;
    let late = "device_id,device_punch_id,user_id,direction,at\ngate-1,3001,".to_owned()
        + &a.to_string()
        + ",in,2026-10-28 08:00:00\n";
    let r = import(&app, &device, "", "text/csv", &late).await;
    assert_eq!(row(&r.body, 1)["code"], "month_closed", "{}", r.body);
    assert_eq!(punches_of(&app, &manager, &a.to_string()).await.len(), 2);

    // The department manager may import a file; other staff may not; the form is checked first.
    let r = import(&app, &manager, "?dry_run=true", "text/csv", FILE).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    import(&app, &clerk, "", "text/csv", FILE)
        .await
        .assert_problem(403, "missing_role");
    import(&app, &device, "", "text/plain", FILE)
        .await
        .assert_problem(415, "unsupported_media_type");
    import(
        &app,
        &device,
        "",
        "text/csv",
        "device_id,direction,at\ngate-1,in,2026-11-03 08:00:00\n",
    )
    .await
    .assert_problem(400, "malformed_csv");
}
dual!(
    r_att_7_a_punch_file_is_recorded_row_by_row_and_a_bad_row_writes_nothing,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);
