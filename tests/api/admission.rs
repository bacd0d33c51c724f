//! Admission control: a node full of requests refuses the next at once with 503 and
//! `Retry-After` instead of queueing it, while its probes and metrics keep answering.

use ecops_tests::{dual, TestApp};
use reqwest::StatusCode;

/// The node's admission gauge and refusal counter, read from `/metrics`.
async fn admission_metrics(app: &TestApp) -> (i64, i64) {
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("metrics: {e}"))
        .text()
        .await
        .unwrap_or_default();
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<i64>().ok())
            .unwrap_or(-1)
    };
    (
        value("ecops_http_requests_in_flight "),
        value("ecops_http_requests_refused_total "),
    )
}

async fn a_full_node_refuses_at_once_with_retry_after_and_its_probes_still_answer(app: TestApp) {
    let token = app.admin_token().await;
    // One request in flight fills the node: an order whose body is still arriving.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let slow = {
        let request = app
            .client
            .post(format!("{}/api/v1/orders", app.address))
            .bearer_auth(&token)
            .header("Content-Type", "application/json")
            .body(reqwest::Body::wrap_stream(body));
        tokio::spawn(async move { request.send().await.map(|r| r.status()) })
    };
    // Held until the gauge says so (no sleeping on a guess).
    let mut waited = 0;
    while admission_metrics(&app).await.0 != 1 {
        waited += 1;
        assert!(waited < 500, "the slow request never got in");
        tokio::task::yield_now().await;
    }

    let refused = app.get("/api/v1/me", &token).await;
    refused.assert_problem(503, "overloaded");
    assert_eq!(
        refused
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    for probe in ["/healthz", "/readyz"] {
        let r = app
            .client
            .get(format!("{}{probe}", app.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{probe}: {e}"));
        assert_eq!(r.status(), StatusCode::OK, "{probe} answers on a full node");
    }
    assert_eq!(admission_metrics(&app).await, (1, 1));

    // The slow request finishes (its body is refused): the node takes requests again.
    drop(tx);
    let finished = match slow.await {
        Ok(Ok(status)) => status,
        other => panic!("the slow request: {other:?}"),
    };
    assert!(finished.is_client_error(), "{finished}");
    let me = app.get("/api/v1/me", &token).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(admission_metrics(&app).await.0, 0);
}
dual!(
    a_full_node_refuses_at_once_with_retry_after_and_its_probes_still_answer,
    |c: &mut ecops_server::config::Config| c.max_in_flight_requests = Some(1)
);
