//! R-EVAL-1: the org chart, every person's direct manager, never a cycle.

use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn r_eval_1_reports_to_refuses_a_cycle(app: TestApp) {
    let op = PermissionLevel::Operator;
    let (dept, dept_token) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (sup, _) = app
        .user_token("cs.boss", &[JobRole::CsSupervisor], op)
        .await;
    let (agent, agent_token) = app
        .user_token("cs.wang", &[JobRole::CustomerService], op)
        .await;
    let set = |person: uuid::Uuid, manager: Option<uuid::Uuid>| {
        let token = dept_token.clone();
        let app = &app;
        async move {
            app.put(
                &format!("/api/v1/users/{person}/manager"),
                &token,
                &json!({"manager_id": manager}),
            )
            .await
        }
    };
    let r = set(sup, Some(dept)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = set(agent, Some(sup)).await;
    assert_eq!(r.body["chain"], json!([sup, dept]), "{}", r.text);
    // The department manager under the agent would be above herself; so would anyone under
    // themselves.
    let r = set(dept, Some(agent)).await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), ["manager_id"]);
    set(sup, Some(sup))
        .await
        .assert_problem(422, "validation_failed");
    // An unknown manager, an unknown person; only the department manager or IT sets it.
    assert_eq!(
        set(agent, Some(uuid::Uuid::now_v7())).await.error_fields(),
        ["manager_id"]
    );
    set(uuid::Uuid::now_v7(), Some(dept))
        .await
        .assert_problem(404, "not_found");
    app.put(
        &format!("/api/v1/users/{agent}/manager"),
        &agent_token,
        &json!({"manager_id": null}),
    )
    .await
    .assert_problem(403, "missing_role");
    // A cycle through someone deactivated is a cycle too.
    let (gone, _) = app
        .user_token("gone.li", &[JobRole::CsSupervisor], op)
        .await;
    set(gone, Some(agent)).await;
    let admin = app.admin_token().await;
    let off = app
        .post(
            &format!("/api/v1/users/{gone}/deactivate"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    set(dept, Some(gone))
        .await
        .assert_problem(422, "validation_failed");
    let chart = app.get("/api/v1/org-chart", &dept_token).await;
    let of = |id: uuid::Uuid| {
        chart.body.as_array().and_then(|a| {
            a.iter()
                .find(|e| e["user_id"] == json!(id))
                .map(|e| e["manager_id"].clone())
        })
    };
    assert_eq!(of(agent), Some(json!(sup)));
    assert_eq!(of(dept), Some(json!(null)));
}
dual!(r_eval_1_reports_to_refuses_a_cycle);

/// Ten "A reports to B" and ten "B reports to A" at once, each pausing between its check and
/// its write: without the chart's lock both kinds pass their check on PostgreSQL and close a
/// cycle; with it, the chart never holds one.
async fn r_eval_1_opposite_changes_at_once_never_close_a_cycle(app: TestApp) {
    let op = PermissionLevel::Operator;
    let (_, dept_token) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (a, _) = app
        .user_token("cs.a", &[JobRole::CustomerService], op)
        .await;
    let (b, _) = app
        .user_token("cs.b", &[JobRole::CustomerService], op)
        .await;
    fail::cfg("users::manager::checked", "sleep(30)").unwrap_or_else(|e| panic!("{e}"));
    let replies = futures_util::future::join_all((0..20).map(|i| {
        let (person, manager) = if i % 2 == 0 { (a, b) } else { (b, a) };
        let token = dept_token.clone();
        let app = &app;
        async move {
            app.put(
                &format!("/api/v1/users/{person}/manager"),
                &token,
                &json!({"manager_id": manager}),
            )
            .await
        }
    }))
    .await;
    fail::remove("users::manager::checked");
    assert!(replies.iter().all(|r| !r.status.is_server_error()));
    let ok = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert!((1..=10).contains(&ok), "{ok}");
    let chart = app.get("/api/v1/org-chart", &dept_token).await;
    let of = |id: uuid::Uuid| {
        chart.body.as_array().and_then(|x| {
            x.iter()
                .find(|e| e["user_id"] == json!(id))
                .map(|e| e["manager_id"].clone())
        })
    };
    assert!(
        !(of(a) == Some(json!(b)) && of(b) == Some(json!(a))),
        "a and b report to each other"
    );
}
dual!(r_eval_1_opposite_changes_at_once_never_close_a_cycle);
