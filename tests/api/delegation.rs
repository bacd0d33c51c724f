//! Delegation while on leave (R-ATT-8 with the approvals engine): the step that waits for a
//! manager on leave is in the inbox of the colleague the leave names, the decision is recorded
//! on the manager's behalf, and when the leave ends what still waits is back with the manager.

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

/// Files annual leave for the owner of `token`; returns the approval request's id.
async fn file_leave(app: &TestApp, token: &str, handover: Uuid, from: &str, to: &str) -> String {
    let r = app
        .post(
            "/api/v1/leave-requests",
            Some(token),
            &json!({"kind": "annual", "starts_at": local(from), "ends_at": local(to),
                    "reason": "family", "handover_to": handover, "handover_note": "approvals"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    r.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The ids of a view of the approvals inbox, with each one's `delegated_from`.
async fn inbox(app: &TestApp, token: &str, view: &str) -> Vec<(String, Value)> {
    let r = app
        .get(&format!("/api/v1/approvals?view={view}"), token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap_or_default().to_owned(),
                i["delegated_from"].clone(),
            )
        })
        .collect()
}

async fn r_att_8_an_approval_step_is_delegated_during_leave_and_returns_after(app: TestApp) {
    app.clock.set(local("2026-11-23 10:00"));
    let op = PermissionLevel::Operator;
    let (manager, manager_token) = app
        .user_token("man.ager", &[JobRole::DeptManager], op)
        .await;
    // The deputy holds the role too; the leave names the deputy as taking over.
    let (deputy, deputy_token) = app.user_token("dep.uty", &[JobRole::DeptManager], op).await;
    let (_, other_token) = app.user_token("oth.er", &[JobRole::DeptManager], op).await;
    let (clerk, clerk_token) = app
        .user_token("cl.erk", &[JobRole::CustomerService], op)
        .await;
    let own = file_leave(
        &app,
        &manager_token,
        deputy,
        "2026-11-24 00:00",
        "2026-11-27 00:00",
    )
    .await;
    assert_eq!(
        app.decide(&own, &deputy_token, "approve").await.status,
        StatusCode::OK
    );
    // Before the leave nothing is delegated.
    let first = file_leave(
        &app,
        &clerk_token,
        manager,
        "2026-12-10 00:00",
        "2026-12-11 00:00",
    )
    .await;
    assert_eq!(inbox(&app, &deputy_token, "delegated").await, vec![]);

    app.clock.set(local("2026-11-24 09:00"));
    let second = file_leave(
        &app,
        &clerk_token,
        manager,
        "2026-12-14 00:00",
        "2026-12-15 00:00",
    )
    .await;
    // The deputy files a request too: never delegated to its own proposer.
    let deputys = file_leave(
        &app,
        &deputy_token,
        clerk,
        "2026-12-21 00:00",
        "2026-12-22 00:00",
    )
    .await;
    let from_manager = json!([manager]);
    let mut delegated = inbox(&app, &deputy_token, "delegated").await;
    delegated.sort_by(|x, y| x.0.cmp(&y.0));
    let mut want = vec![
        (first.clone(), from_manager.clone()),
        (second.clone(), from_manager.clone()),
    ];
    want.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(delegated, want);
    let waiting = inbox(&app, &deputy_token, "waiting").await;
    assert!(waiting.contains(&(first.clone(), from_manager.clone())));
    assert!(!waiting.iter().any(|(id, _)| *id == deputys));
    // Another holder of the role can still decide, but nothing was handed to them.
    let others = inbox(&app, &other_token, "waiting").await;
    assert!(others.contains(&(deputys.clone(), json!([]))), "{others:?}");
    assert!(inbox(&app, &other_token, "delegated").await.is_empty());

    // The deputy decides the first: on the manager's behalf, in the history and the audit log.
    let d = app.decide(&first, &deputy_token, "approve").await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(d.body["decisions"][0]["decider_id"], deputy.to_string());
    assert_eq!(
        d.body["decisions"][0]["on_behalf_of"],
        manager.to_string(),
        "{}",
        d.text
    );
    let audit = app
        .get(
            &format!("/api/v1/audit?action=approval.decide&subject_id={first}"),
            &app.admin_token().await,
        )
        .await;
    assert_eq!(
        audit.body["items"][0]["detail"]["on_behalf_of"],
        manager.to_string(),
        "{}",
        audit.text
    );
    // The other holder decides the manager's own kind of step as themselves.
    let d = app.decide(&deputys, &other_token, "approve").await;
    assert_eq!(d.body["decisions"][0]["on_behalf_of"], Value::Null);

    // The leave ends: what still waits is back with the manager.
    app.clock.set(local("2026-11-27 09:00"));
    assert!(inbox(&app, &deputy_token, "delegated").await.is_empty());
    let mine = inbox(&app, &manager_token, "waiting").await;
    assert_eq!(mine, vec![(second.clone(), json!([]))]);
    let d = app.decide(&second, &deputy_token, "approve").await;
    assert_eq!(
        d.body["decisions"][0]["on_behalf_of"],
        Value::Null,
        "{}",
        d.text
    );
}
dual!(
    r_att_8_an_approval_step_is_delegated_during_leave_and_returns_after,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);
