//! R-REP-5: meeting minutes with their action items, each on its owner's list until done.

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

async fn r_rep_5_minutes_record_action_items_that_stay_open_until_done(app: TestApp) {
    app.clock.set(local("2026-11-30 09:00"));
    let op = PermissionLevel::Operator;
    let (m, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (a, a_token) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let (b, b_token) = app
        .user_token("cs.b", &[JobRole::CustomerService], op)
        .await;
    let (outsider, _) = app.user_token("wa.re", &[JobRole::Warehouse], op).await;
    let minutes = json!({
        "held_on": "2026-11-30", "title": "Weekly meeting",
        "attendee_ids": [m, a, b],
        "decisions": "Refunds under ¥50 are settled on the spot.",
        "action_items": [
            {"owner_id": a, "text": "clear the refund backlog", "due_on": "2026-12-02"},
            {"owner_id": b, "text": "update the FAQ", "due_on": "2026-11-30"}
        ]
    });
    let r = app.post("/api/v1/meetings", Some(&manager), &minutes).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["action_items"].as_array().map(Vec::len), Some(2));
    assert_eq!(r.body["attendee_names"].as_array().map(Vec::len), Some(3));
    // Bad minutes: an owner who was not there, an item due before the meeting, a day to come.
    let mut bad = minutes.clone();
    bad["action_items"][0]["owner_id"] = json!(outsider);
    let r = app.post("/api/v1/meetings", Some(&manager), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["action_items.0.owner_id".to_owned()]);
    let mut bad = minutes.clone();
    bad["action_items"][1]["due_on"] = json!("2026-11-29");
    let r = app.post("/api/v1/meetings", Some(&manager), &bad).await;
    assert_eq!(
        r.error_fields(),
        vec!["action_items.1.due_on".to_owned()],
        "{}",
        r.text
    );
    let mut bad = minutes.clone();
    bad["held_on"] = json!("2026-12-01");
    let r = app.post("/api/v1/meetings", Some(&manager), &bad).await;
    assert_eq!(r.error_fields(), vec!["held_on".to_owned()], "{}", r.text);

    // Each owner sees their item; the next day B's is overdue.
    app.clock.set(local("2026-12-01 09:00"));
    let mine = app.get("/api/v1/action-items/mine", &b_token).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert_eq!(mine.body[0]["text"], "update the FAQ");
    assert_eq!(mine.body[0]["overdue"], true);
    assert_eq!(mine.body[0]["meeting_title"], "Weekly meeting");
    let item = mine.body[0]["id"].as_str().unwrap_or_default().to_owned();
    // Not A's to close; B closes it once.
    app.post(
        &format!("/api/v1/action-items/{item}/done"),
        Some(&a_token),
        &json!({}),
    )
    .await
    .assert_problem(403, "not_yours");
    let r = app
        .post(
            &format!("/api/v1/action-items/{item}/done"),
            Some(&b_token),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body["done_at"].is_string());
    app.post(
        &format!("/api/v1/action-items/{item}/done"),
        Some(&b_token),
        &json!({}),
    )
    .await
    .assert_problem(409, "item_done");
    let mine = app.get("/api/v1/action-items/mine", &b_token).await;
    assert_eq!(mine.body.as_array().map(Vec::len), Some(0), "{}", mine.text);
    let list = app
        .get("/api/v1/meetings?from=2026-11-01&to=2026-11-30", &a_token)
        .await;
    assert_eq!(
        list.body[0]["decisions"],
        "Refunds under ¥50 are settled on the spot."
    );
}
dual!(
    r_rep_5_minutes_record_action_items_that_stay_open_until_done,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);
