//! R-EVAL-1: the monthly staff evaluation.

use chrono::Duration;
use ecops_domain::workdays::Month;
use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, ClockExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Chart {
    dept: (uuid::Uuid, String),
    sup: (uuid::Uuid, String),
    agent: (uuid::Uuid, String),
    other: (uuid::Uuid, String),
}

/// The department manager at the top, the supervisor under her, the agent under him; another
/// supervisor beside.
async fn chart(app: &TestApp) -> Chart {
    let op = PermissionLevel::Operator;
    let c = Chart {
        dept: app.user_token("de.pt", &[JobRole::DeptManager], op).await,
        sup: app
            .user_token("cs.boss", &[JobRole::CsSupervisor], op)
            .await,
        agent: app
            .user_token("cs.wang", &[JobRole::CustomerService], op)
            .await,
        other: app
            .user_token("cs.other", &[JobRole::CsSupervisor], op)
            .await,
    };
    for (person, manager) in [
        (c.sup.0, c.dept.0),
        (c.agent.0, c.sup.0),
        (c.other.0, c.dept.0),
    ] {
        let r = app
            .put(
                &format!("/api/v1/users/{person}/manager"),
                &c.dept.1,
                &json!({"manager_id": manager}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    c
}

fn month_label(app: &TestApp) -> String {
    Month::of(
        app.clock
            .now_utc()
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .date_naive(),
    )
    .label()
}

async fn r_eval_1_the_prefill_equals_the_months_figures(app: TestApp) {
    let c = chart(&app).await;
    // The agent's month so far: a contact reviewed by the supervisor (one item missed).
    let start = app.clock.now_utc() - Duration::minutes(30);
    let contact = app
        .post(
            "/api/v1/contacts",
            Some(&c.agent.1),
            &json!({"channel": "online_chat", "direction": "inbound", "started_at": start,
                    "ended_at": start + Duration::minutes(2), "summary": "咨询", "outcome": "ok"}),
        )
        .await;
    assert_eq!(contact.status, StatusCode::CREATED, "{}", contact.text);
    let checklist = app.get("/api/v1/qa/checklist", &c.sup.1).await;
    let marks: Vec<Value> = checklist.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| {
            let mark = if i["phone_only"] == true {
                "not_applicable"
            } else if i["key"] == "closing_phrase" {
                "not_met"
            } else {
                "met"
            };
            json!({"item": i["key"], "mark": mark})
        })
        .collect();
    let review = app
        .post(
            "/api/v1/qa/reviews",
            Some(&c.sup.1),
            &json!({"contact_id": contact.body["id"], "marks": marks}),
        )
        .await;
    assert_eq!(review.body["score"], 88, "7 of 8 chat items met");
    let month = month_label(&app);
    let drafts = app
        .post(
            "/api/v1/evaluations/drafts",
            Some(&c.sup.1),
            &json!({"month": month}),
        )
        .await;
    assert_eq!(drafts.status, StatusCode::OK, "{}", drafts.text);
    let list = drafts.body.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1, "one draft per direct report");
    let e = &list[0];
    assert_eq!(e["person_id"], json!(c.agent.0));
    assert_eq!(e["state"], "draft");
    // The figures are the month's, as the statement to the superior assembles them (R-REP-5),
    // with the review's score.
    let agent = c.agent.0;
    let now = app.clock.now_utc();
    let m = Month::parse(&month).unwrap_or_else(|| panic!("{month}"));
    let expected = app
        .with_db(move |conn| {
            let last = m.next().first().pred_opt().unwrap_or(m.first());
            ecops_app::statements::assemble(conn, agent, (m.first(), last), now)
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .await;
    let f = &e["figures"];
    assert_eq!(f["days_judged"], expected.days_judged);
    assert_eq!(f["late"], expected.late);
    assert_eq!(f["early"], expected.early);
    assert_eq!(f["absent"], expected.absent);
    assert_eq!(f["contact_met"], expected.contact_met);
    assert_eq!(f["contact_missed"], expected.contact_missed);
    assert_eq!(f["daily_reports_filed"], expected.daily_reports_filed);
    assert_eq!(f["reviews"], 1);
    assert_eq!(f["review_average"], 88.0);
    let item = |key: &str| {
        e["items"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["key"] == key).cloned())
            .unwrap_or_default()
    };
    assert_eq!(item("service_review")["figure"], 88);
    assert_eq!(item("service_review")["score"], 88);
    assert_eq!(
        item("work_quality")["score"],
        Value::Null,
        "the manager's to score"
    );
    assert_eq!(e["total"], Value::Null);
}
dual!(r_eval_1_the_prefill_equals_the_months_figures);

async fn r_eval_1_submitted_disputed_to_the_managers_manager_and_immutable_once_closed(
    app: TestApp,
) {
    // The evaluation of last month, done in last month; closed this month.
    let now = app.clock.now_utc();
    let today = now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let last_month_day = Month::of(today).first() - Duration::days(10);
    app.clock.set(now - (today - last_month_day));
    let c = chart(&app).await;
    let month = month_label(&app);
    // Nobody reports to the agent.
    app.post(
        "/api/v1/evaluations/drafts",
        Some(&c.agent.1),
        &json!({"month": month}),
    )
    .await
    .assert_problem(422, "no_direct_reports");
    let drafts = app
        .post(
            "/api/v1/evaluations/drafts",
            Some(&c.sup.1),
            &json!({"month": month}),
        )
        .await;
    let e = drafts.body[0].clone();
    let id = e["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/api/v1/evaluations/{id}");
    // Someone who is not the manager, the person or above: 404; the person sees no draft.
    app.get(&path, &c.other.1)
        .await
        .assert_problem(404, "not_found");
    app.patch(&path, &c.other.1, &json!({"scores": []}))
        .await
        .assert_problem(404, "not_found");
    app.get(&path, &c.agent.1)
        .await
        .assert_problem(404, "not_found");
    // Scores: the manager's item and every system item without a figure; submit.
    let unscored: Vec<Value> = e["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| i["score"].is_null())
        .map(|i| json!({"key": i["key"], "score": 80}))
        .collect();
    assert!(!unscored.is_empty());
    app.post(&format!("{path}/submit"), Some(&c.sup.1), &json!({}))
        .await
        .assert_problem(422, "validation_failed");
    let bad = app
        .patch(
            &path,
            &c.sup.1,
            &json!({"scores": [{"key": "work_quality", "score": 120}]}),
        )
        .await;
    assert_eq!(bad.error_fields(), ["scores[0].score"]);
    let scored = app
        .patch(
            &path,
            &c.sup.1,
            &json!({"scores": unscored, "comment": "认真负责"}),
        )
        .await;
    assert_eq!(scored.status, StatusCode::OK, "{}", scored.text);
    // Scores alone keep the comment.
    let again = app
        .patch(
            &path,
            &c.sup.1,
            &json!({"scores": [{"key": "work_quality", "score": 85}]}),
        )
        .await;
    assert_eq!(again.body["comment"], "认真负责", "{}", again.text);
    let total = again.body["total"].as_f64().unwrap_or_default();
    assert!(total > 0.0 && total <= 100.0, "{total}");
    let submitted = app
        .post(&format!("{path}/submit"), Some(&c.sup.1), &json!({}))
        .await;
    assert_eq!(submitted.body["state"], "submitted", "{}", submitted.text);
    // Only the person answers; the dispute goes to the department manager, who sees it.
    app.post(&format!("{path}/acknowledge"), Some(&c.sup.1), &json!({}))
        .await
        .assert_problem(403, "not_the_person");
    let disputed = app
        .post(
            &format!("{path}/dispute"),
            Some(&c.agent.1),
            &json!({"comment": "本月请过病假，迟到是因为看医生"}),
        )
        .await;
    assert_eq!(disputed.body["state"], "disputed", "{}", disputed.text);
    assert_eq!(disputed.body["escalated_to"], json!(c.dept.0));
    app.post(&format!("{path}/acknowledge"), Some(&c.agent.1), &json!({}))
        .await
        .assert_problem(409, "evaluation_not_submitted");
    let seen = app
        .get(&format!("/api/v1/evaluations?month={month}"), &c.dept.1)
        .await;
    assert_eq!(
        seen.body[0]["dispute_comment"],
        "本月请过病假，迟到是因为看医生"
    );
    assert_eq!(
        app.get(&format!("/api/v1/evaluations?month={month}"), &c.other.1)
            .await
            .body,
        json!([])
    );
    // The month is not over yet: it cannot close.
    app.post(
        &format!("/api/v1/evaluations/months/{month}/close"),
        Some(&c.dept.1),
        &json!({}),
    )
    .await
    .assert_problem(409, "month_not_over");
    // This month: an unsettled dispute keeps the month open; the one it went to settles it.
    app.clock.set(now);
    app.post(
        &format!("/api/v1/evaluations/months/{month}/close"),
        Some(&c.dept.1),
        &json!({}),
    )
    .await
    .assert_problem(409, "evaluations_pending");
    app.post(
        &format!("{path}/resolve"),
        Some(&c.sup.1),
        &json!({"resolution": "upheld", "comment": "我的评分"}),
    )
    .await
    .assert_problem(403, "not_the_escalation");
    let settled = app
        .post(
            &format!("{path}/resolve"),
            Some(&c.dept.1),
            &json!({"resolution": "upheld", "comment": "迟到已按病假核实前的考勤计，评分维持"}),
        )
        .await;
    assert_eq!(settled.body["resolution"], "upheld", "{}", settled.text);
    assert_eq!(settled.body["state"], "disputed");
    assert_eq!(settled.body["resolved_by"], json!(c.dept.0));
    app.post(
        &format!("{path}/resolve"),
        Some(&c.dept.1),
        &json!({"resolution": "returned", "comment": "again"}),
    )
    .await
    .assert_problem(409, "evaluation_not_disputed");
    // The month closes, and nothing of it changes any more.
    let r = app
        .post(
            &format!("/api/v1/evaluations/months/{month}/close"),
            Some(&c.dept.1),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    app.patch(&path, &c.sup.1, &json!({"comment": "改"}))
        .await
        .assert_problem(409, "month_closed");
    app.post(
        "/api/v1/evaluations/drafts",
        Some(&c.sup.1),
        &json!({"month": month}),
    )
    .await
    .assert_problem(409, "month_closed");
    let after = app.get(&path, &c.agent.1).await;
    assert_eq!(after.body["closed"], true);
    assert_eq!(after.body["comment"], "认真负责");
}

/// A month with an evaluation still waiting for its answer does not close; a viewer-level
/// manager does not score; a draft follows a change of manager.
async fn r_eval_1_pending_evaluations_keep_the_month_open_and_drafts_follow_the_manager(
    app: TestApp,
) {
    let now = app.clock.now_utc();
    let today = now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    app.clock
        .set(now - (today - (Month::of(today).first() - Duration::days(10))));
    let c = chart(&app).await;
    let month = month_label(&app);
    let drafts = app
        .post(
            "/api/v1/evaluations/drafts",
            Some(&c.sup.1),
            &json!({"month": month}),
        )
        .await;
    let id = drafts.body[0]["id"].as_str().unwrap_or_default().to_owned();
    // The agent moves under the other supervisor: the draft is theirs now.
    app.put(
        &format!("/api/v1/users/{}/manager", c.agent.0),
        &c.dept.1,
        &json!({"manager_id": c.other.0}),
    )
    .await;
    app.patch(
        &format!("/api/v1/evaluations/{id}"),
        &c.sup.1,
        &json!({"scores": [{"key": "work_quality", "score": 90}]}),
    )
    .await
    .assert_problem(403, "not_the_manager");
    let moved = app
        .post(
            "/api/v1/evaluations/drafts",
            Some(&c.other.1),
            &json!({"month": month}),
        )
        .await;
    assert_eq!(moved.body[0]["id"], id.as_str(), "{}", moved.text);
    assert_eq!(moved.body[0]["manager_id"], json!(c.other.0));
    app.clock.set(now);
    app.post(
        &format!("/api/v1/evaluations/months/{month}/close"),
        Some(&c.dept.1),
        &json!({}),
    )
    .await
    .assert_problem(409, "evaluations_pending");
}
dual!(
    r_eval_1_pending_evaluations_keep_the_month_open_and_drafts_follow_the_manager,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);

dual!(
    r_eval_1_submitted_disputed_to_the_managers_manager_and_immutable_once_closed,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);

async fn r_eval_1_form_weights_must_sum_to_100(app: TestApp) {
    let c = chart(&app).await;
    let form = app.get("/api/v1/evaluations/form", &c.dept.1).await;
    assert_eq!(form.body["version"], 1);
    let mut items = form.body["items"].as_array().cloned().unwrap_or_default();
    items[0]["weight"] = json!(25);
    let r = app
        .put(
            "/api/v1/evaluations/form",
            &c.dept.1,
            &json!({"items": items}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), ["items"]);
    items[1]["weight"] = json!(15);
    let r = app
        .put(
            "/api/v1/evaluations/form",
            &c.dept.1,
            &json!({"items": items}),
        )
        .await;
    assert_eq!(r.body["version"], 2, "{}", r.text);
    app.put(
        "/api/v1/evaluations/form",
        &c.sup.1,
        &json!({"items": items}),
    )
    .await
    .assert_problem(403, "missing_role");
}
dual!(r_eval_1_form_weights_must_sum_to_100);

/// A dispute returned by the manager's manager goes back to the manager as a draft: scored and
/// submitted again, the person answers anew.
async fn r_eval_1_a_returned_dispute_is_scored_and_answered_again(app: TestApp) {
    let c = chart(&app).await;
    let month = month_label(&app);
    let drafts = app
        .post(
            "/api/v1/evaluations/drafts",
            Some(&c.sup.1),
            &json!({"month": month}),
        )
        .await;
    let e = drafts.body[0].clone();
    let path = format!(
        "/api/v1/evaluations/{}",
        e["id"].as_str().unwrap_or_default()
    );
    let unscored: Vec<Value> = e["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| i["score"].is_null())
        .map(|i| json!({"key": i["key"], "score": 60}))
        .collect();
    app.patch(&path, &c.sup.1, &json!({"scores": unscored}))
        .await;
    app.post(&format!("{path}/submit"), Some(&c.sup.1), &json!({}))
        .await;
    app.post(
        &format!("{path}/dispute"),
        Some(&c.agent.1),
        &json!({"comment": "工作质量评分偏低：本月零投诉"}),
    )
    .await;
    let returned = app
        .post(
            &format!("{path}/resolve"),
            Some(&c.dept.1),
            &json!({"resolution": "returned", "comment": "请按零投诉重新评分"}),
        )
        .await;
    assert_eq!(returned.body["state"], "draft", "{}", returned.text);
    assert_eq!(returned.body["resolution"], "returned");
    // The manager scores again and submits; the person acknowledges this time.
    let rescored = app
        .patch(
            &path,
            &c.sup.1,
            &json!({"scores": [{"key": "work_quality", "score": 90}]}),
        )
        .await;
    assert_eq!(rescored.status, StatusCode::OK, "{}", rescored.text);
    let again = app
        .post(&format!("{path}/submit"), Some(&c.sup.1), &json!({}))
        .await;
    assert_eq!(again.body["state"], "submitted", "{}", again.text);
    let ack = app
        .post(&format!("{path}/acknowledge"), Some(&c.agent.1), &json!({}))
        .await;
    assert_eq!(ack.body["state"], "acknowledged", "{}", ack.text);
    assert_eq!(ack.body["dispute_comment"], "工作质量评分偏低：本月零投诉");
}
dual!(r_eval_1_a_returned_dispute_is_scored_and_answered_again);

/// Once a month is over the scheduler drafts the evaluations nobody drafted, for each person's
/// manager, with the month's figures; once, whatever the number of ticks or nodes.
async fn r_eval_1_the_schedule_drafts_a_finished_months_evaluations(app: TestApp) {
    let now = app.clock.now_utc();
    let today = now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let last_month_day = Month::of(today).first() - Duration::days(10);
    app.clock.set(now - (today - last_month_day));
    let c = chart(&app).await;
    let month = month_label(&app);
    // The supervisor drafted his report's himself; the department manager did not.
    let own = app
        .post(
            "/api/v1/evaluations/drafts",
            Some(&c.sup.1),
            &json!({"month": month}),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    // Inside the month nothing is due.
    let at = app.clock.now_utc();
    assert_eq!(
        app.with_db(move |conn| ecops_app::evaluations::draft_due(conn, "node-a", at))
            .await
            .unwrap_or_else(|e| panic!("{e}")),
        0
    );
    // The month over: the scheduler (ticking every 50 ms) drafts the two missing ones.
    app.clock.set(now);
    let list = format!("/api/v1/evaluations?month={month}");
    let mut seen = Value::Null;
    for _ in 0..100 {
        seen = app.get(&list, &c.dept.1).await.body;
        if seen.as_array().map(Vec::len) == Some(3) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let all = seen.as_array().cloned().unwrap_or_default();
    assert_eq!(all.len(), 3, "{seen}");
    let by_dept: Vec<&Value> = all
        .iter()
        .filter(|e| e["manager_id"] == json!(c.dept.0))
        .collect();
    assert_eq!(
        by_dept.len(),
        2,
        "the supervisor's and the other supervisor's"
    );
    assert!(by_dept.iter().all(|e| e["state"] == "draft"));
    // Another node, later ticks: nothing more.
    let at = app.clock.now_utc();
    assert_eq!(
        app.with_db(move |conn| ecops_app::evaluations::draft_due(conn, "node-b", at))
            .await
            .unwrap_or_else(|e| panic!("{e}")),
        0
    );
    assert_eq!(
        app.get(&list, &c.dept.1)
            .await
            .body
            .as_array()
            .map(Vec::len),
        Some(3)
    );
}
dual!(
    r_eval_1_the_schedule_drafts_a_finished_months_evaluations,
    |c: &mut ecops_server::config::Config| {
        c.auth.access_ttl_secs = 60 * 86_400;
        c.reports.draft_evaluations = true;
        c.orders.scheduler_tick_ms = 50;
    }
);

/// A draft made while the month closes never lands in the closed month: the closing pauses
/// after finding everything answered, the manager drafts a missing evaluation meanwhile; one of
/// the two wins, never both (the month's lock).
async fn r_eval_1_a_draft_racing_the_months_closing_never_lands_in_a_closed_month(app: TestApp) {
    let now = app.clock.now_utc();
    let today = now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let last_month_day = Month::of(today).first() - Duration::days(10);
    app.clock.set(now - (today - last_month_day));
    let c = chart(&app).await;
    let month = month_label(&app);
    app.clock.set(now);
    fail::cfg("evaluations::close::checked", "sleep(300)").unwrap_or_else(|e| panic!("{e}"));
    let close_path = format!("/api/v1/evaluations/months/{month}/close");
    let empty = json!({});
    let close = app.post(&close_path, Some(&c.dept.1), &empty);
    let draft = async {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        app.post(
            "/api/v1/evaluations/drafts",
            Some(&c.sup.1),
            &json!({"month": month}),
        )
        .await
    };
    let (closed, drafted) = tokio::join!(close, draft);
    fail::remove("evaluations::close::checked");
    assert!(
        !closed.status.is_server_error() && !drafted.status.is_server_error(),
        "{} / {}",
        closed.text,
        drafted.text
    );
    match (closed.status, drafted.status) {
        (StatusCode::NO_CONTENT, _) => drafted.assert_problem(409, "month_closed"),
        (_, StatusCode::OK) => closed.assert_problem(409, "evaluations_pending"),
        other => panic!("{other:?}: {} / {}", closed.text, drafted.text),
    };
    let list = app
        .get(&format!("/api/v1/evaluations?month={month}"), &c.dept.1)
        .await;
    let closed_with_drafts = list.body.as_array().is_some_and(|l| {
        l.iter()
            .any(|e| e["closed"] == true && e["state"] == "draft")
    });
    assert!(!closed_with_drafts, "{}", list.text);
}
dual!(
    r_eval_1_a_draft_racing_the_months_closing_never_lands_in_a_closed_month,
    |c: &mut ecops_server::config::Config| c.auth.access_ttl_secs = 60 * 86_400
);
