//! Roster generation from the duties' templates, the coverage rule's gaps, and fairness counts.

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

async fn r_dut_3_a_generated_roster_follows_the_template_and_coverage_lists_the_gaps(app: TestApp) {
    app.clock.set(local("2026-11-20 10:00"));
    let op = PermissionLevel::Operator;
    let (_, manager) = app.user_token("de.pt", &[JobRole::DeptManager], op).await;
    let (a, _) = app
        .user_token("st.a", &[JobRole::StorefrontSpecialist], op)
        .await;
    let (b, b_token) = app
        .user_token("st.b", &[JobRole::StorefrontSpecialist], op)
        .await;
    let (clerk, _) = app
        .user_token("cs.c", &[JobRole::CustomerService], op)
        .await;
    // B is away on Wednesday the 25th.
    let l = app
        .post(
            "/api/v1/leave-requests",
            Some(&b_token),
            &json!({"kind": "annual", "starts_at": local("2026-11-25 00:00"),
                    "ends_at": local("2026-11-26 00:00"), "reason": "trip", "handover_to": a,
                    "handover_note": "evening checks"}),
        )
        .await;
    let req = l.body["approval_request"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        app.decide(&req, &manager, "approve").await.status,
        StatusCode::OK
    );

    let week =
        json!({"kind": "storefront", "from": "2026-11-23", "to": "2026-11-30", "staff": [a, b]});
    let mut wrong = week.clone();
    wrong["staff"] = json!([a, clerk]);
    let r = app
        .post("/api/v1/duty/rotations", Some(&manager), &wrong)
        .await;
    assert_eq!(r.error_fields(), vec!["staff.1".to_owned()], "{}", r.text);
    let r = app
        .post("/api/v1/duty/rotations", Some(&manager), &week)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let shifts = r.body["shifts"].as_array().cloned().unwrap_or_default();
    let who: Vec<String> = shifts
        .iter()
        .map(|s| s["user_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let (a_s, b_s) = (a.to_string(), b.to_string());
    assert_eq!(
        who,
        vec![
            a_s.clone(),
            b_s.clone(),
            a_s.clone(),
            b_s.clone(),
            a_s.clone(),
            b_s.clone(),
            a_s.clone()
        ],
        "Wednesday goes to A: B is on leave"
    );
    assert_eq!(shifts[0]["starts_at"], json!(local("2026-11-23 18:00")));
    assert_eq!(
        shifts[6]["starts_at"],
        json!(local("2026-11-29 08:30")),
        "Sunday is all day"
    );
    assert_eq!(r.body["gaps"], json!([]), "{}", r.text);
    app.post("/api/v1/duty/rotations", Some(&manager), &week)
        .await
        .assert_problem(409, "already_rostered");

    // Cancelling Thursday's shift leaves a gap the coverage rule lists.
    let thursday = shifts[3]["id"].as_str().unwrap_or_default().to_owned();
    let r = app
        .send(app.request(
            reqwest::Method::DELETE,
            &format!("/api/v1/duty/shifts/{thursday}"),
            Some(&manager),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let gaps = app
        .get(
            "/api/v1/duty/coverage?from=2026-11-23&to=2026-11-30",
            &manager,
        )
        .await;
    assert_eq!(gaps.status, StatusCode::OK, "{}", gaps.text);
    let storefront: Vec<_> = gaps
        .body
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|g| g["kind"] == "storefront")
        .collect();
    assert_eq!(storefront.len(), 1, "{}", gaps.text);
    assert_eq!(storefront[0]["day"], "2026-11-26");
    assert_eq!(storefront[0]["starts_at"], json!(local("2026-11-26 18:00")));
    assert_eq!(storefront[0]["ends_at"], json!(local("2026-11-26 21:00")));
    app.get(
        "/api/v1/duty/coverage?from=2026-11-30&to=2026-11-23",
        &manager,
    )
    .await
    .assert_problem(400, "invalid_query");

    let fair = app
        .get(
            "/api/v1/duty/fairness?from=2026-11-23&to=2026-11-30",
            &manager,
        )
        .await;
    assert_eq!(fair.status, StatusCode::OK, "{}", fair.text);
    let row_of = |id: &str| {
        fair.body
            .as_array()
            .and_then(|v| v.iter().find(|r| r["user_id"] == id))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        row_of(&a_s)["shifts"],
        json!([{"kind": "storefront", "count": 4}])
    );
    assert_eq!(row_of(&a_s)["weekend_days"], 1, "Sunday");
    assert_eq!(
        row_of(&b_s)["shifts"],
        json!([{"kind": "storefront", "count": 2}])
    );
    assert_eq!(row_of(&b_s)["weekend_days"], 1, "Saturday");
}
dual!(r_dut_3_a_generated_roster_follows_the_template_and_coverage_lists_the_gaps);
