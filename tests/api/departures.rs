//! Resignation and transfer (R-ATT-10): asked a month ahead with a handover checklist to an
//! active successor; the account is deactivated only once the department manager has witnessed
//! every item and the effective date has come.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, TestApp, USER_PASSWORD};
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

fn resignation(effective_on: &str, successor: impl serde::Serialize) -> Value {
    json!({"kind": "resignation", "effective_on": effective_on, "reason": "moving to Hangzhou",
           "successor_id": successor,
           "items": ["the customer chat queue and its open cases", "the shop's return addresses"]})
}

async fn r_att_10_a_resignation_completes_only_after_the_witnessed_handover_on_its_date(
    app: TestApp,
) {
    app.clock.set(local("2026-11-02 10:00"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (a, a_token) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let (b, b_token) = app
        .user_token("cs.b", &[JobRole::CustomerService], op)
        .await;
    let gone = app
        .seed_user("cs.gone", &[JobRole::CustomerService], op)
        .await;
    app.with_db(move |c| {
        ecops_persistence::repo::users::deactivate(c, gone, chrono::Utc::now())
            .unwrap_or_else(|e| panic!("{e}"))
    })
    .await;
    let post = |body: Value| {
        let token = a_token.clone();
        let app = &app;
        async move { app.post("/api/v1/departures", Some(&token), &body).await }
    };

    post(resignation("2026-11-20", b))
        .await
        .assert_problem(422, "notice_too_short");
    let r = post(resignation("2026-12-02", gone)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["successor_id".to_owned()]);
    let r = post(resignation("2026-12-02", a)).await;
    assert_eq!(
        r.error_fields(),
        vec!["successor_id".to_owned()],
        "{}",
        r.text
    );
    let mut no_items = resignation("2026-12-02", b);
    no_items["items"] = json!([]);
    let r = post(no_items).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let mut transfer = resignation("2026-12-02", b);
    transfer["kind"] = json!("transfer");
    let r = post(transfer).await;
    assert_eq!(r.error_fields(), vec!["new_roles".to_owned()], "{}", r.text);

    let asked = post(resignation("2026-12-02", b)).await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text);
    assert_eq!(asked.body["state"], "requested");
    assert_eq!(asked.body["items"].as_array().map(Vec::len), Some(2));
    let id = asked.body["id"].as_str().unwrap_or_default().to_owned();
    post(resignation("2026-12-09", b))
        .await
        .assert_problem(409, "departure_open");

    let complete = |token: String| {
        let app = &app;
        let id = id.clone();
        async move {
            app.post(
                &format!("/api/v1/departures/{id}/complete"),
                Some(&token),
                &json!({}),
            )
            .await
        }
    };
    complete(manager.clone())
        .await
        .assert_problem(409, "handover_pending");
    let confirm = |token: String, seq: u32| {
        let app = &app;
        let id = id.clone();
        async move {
            app.post(
                &format!("/api/v1/departures/{id}/items/{seq}/confirm"),
                Some(&token),
                &json!({"note": "seen together"}),
            )
            .await
        }
    };
    confirm(b_token.clone(), 1)
        .await
        .assert_problem(403, "missing_role");
    let one = confirm(manager.clone(), 1).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    assert_eq!(one.body["state"], "requested");
    assert_eq!(one.body["items"][0]["note"], "seen together");
    confirm(manager.clone(), 1)
        .await
        .assert_problem(409, "item_confirmed");
    let two = confirm(manager.clone(), 2).await;
    assert_eq!(two.body["state"], "handed_over", "{}", two.text);
    complete(manager.clone())
        .await
        .assert_problem(422, "not_yet_effective");
    assert_eq!(
        app.login("cs.a", USER_PASSWORD).await.status,
        StatusCode::OK
    );

    app.clock.set(local("2026-12-02 09:00"));
    let done = complete(manager.clone()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["state"], "completed");
    assert_ne!(
        app.login("cs.a", USER_PASSWORD).await.status,
        StatusCode::OK
    );
    let employment = app
        .get(&format!("/api/v1/users/{a}/employment"), &manager)
        .await;
    assert_eq!(
        employment.body["ended_on"], "2026-12-01",
        "{}",
        employment.text
    );
    let listed = app.get("/api/v1/departures", &manager).await;
    assert_eq!(listed.body[0]["id"], id.as_str(), "{}", listed.text);
}
dual!(
    r_att_10_a_resignation_completes_only_after_the_witnessed_handover_on_its_date,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 400 * 86_400
);
