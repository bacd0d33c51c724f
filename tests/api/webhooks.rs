//! Webhooks: a real receiver on loopback gets the outbox's events signed, in order per resource,
//! exactly as the feed (and so the API) shows them; retries follow the schedule on the test's
//! clock; a receiver that never recovers pauses its subscription; two nodes deliver each event
//! once; a node that dies mid-delivery leaves it to another, with the same webhook-id.

use ecops_tests::{dual, ClockExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the receiver does with the next request.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Status(u16),
    /// Holds the request open (a receiver that hangs).
    Hang,
}

#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Default)]
struct Inbox {
    got: Vec<Received>,
    plan: VecDeque<Answer>,
    otherwise: Option<Answer>,
}

/// An HTTP server on loopback that records what it is sent and answers as planned.
#[derive(Clone)]
struct Receiver {
    url: String,
    inbox: Arc<Mutex<Inbox>>,
}

impl Receiver {
    fn start() -> Receiver {
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let shared = inbox.clone();
        let server = actix_web::HttpServer::new(move || {
            let inbox = shared.clone();
            actix_web::App::new().default_service(actix_web::web::to(
                move |req: actix_web::HttpRequest, body: actix_web::web::Bytes| {
                    let inbox = inbox.clone();
                    async move {
                        let h = |n: &str| {
                            req.headers()
                                .get(n)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_owned()
                        };
                        let answer = {
                            let mut i = inbox.lock().unwrap_or_else(|e| e.into_inner());
                            i.got.push(Received {
                                id: h("webhook-id"),
                                timestamp: h("webhook-timestamp"),
                                signature: h("webhook-signature"),
                                body: String::from_utf8_lossy(&body).into_owned(),
                            });
                            i.plan
                                .pop_front()
                                .or(i.otherwise)
                                .unwrap_or(Answer::Status(200))
                        };
                        match answer {
                            Answer::Status(s) => actix_web::HttpResponse::build(
                                actix_web::http::StatusCode::from_u16(s)
                                    .unwrap_or(actix_web::http::StatusCode::OK),
                            )
                            .body(format!("receiver says {s}")),
                            Answer::Hang => {
                                tokio::time::sleep(Duration::from_secs(120)).await;
                                actix_web::HttpResponse::Ok().finish()
                            }
                        }
                    }
                },
            ))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap_or_else(|e| panic!("receiver: {e}"));
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        Receiver {
            url: format!("http://127.0.0.1:{port}/hooks/ecops"),
            inbox,
        }
    }

    fn got(&self) -> Vec<Received> {
        self.inbox
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .got
            .clone()
    }

    fn plan(&self, answers: &[Answer], otherwise: Option<Answer>) {
        let mut i = self.inbox.lock().unwrap_or_else(|e| e.into_inner());
        i.plan = answers.iter().copied().collect();
        i.otherwise = otherwise;
    }

    /// Waits (up to 20 s) until `n` requests have arrived.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..1000 {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the receiver got {} requests, not {n}", self.got().len());
    }
}

fn fast(c: &mut ecops_server::config::Config) {
    c.webhooks.tick_ms = 20;
}

async fn subscribe(app: &TestApp, it: &str, url: &str, types: &[&str]) -> (String, String) {
    let r = app
        .post(
            "/api/v1/webhooks",
            Some(it),
            &json!({"url": url, "description": "warehouse", "event_types": types}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let secret = r.body["secret"].as_str().unwrap_or_default().to_owned();
    assert!(secret.starts_with("whsec_"), "{}", r.text);
    (
        r.body["subscription"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        secret,
    )
}

/// The signature the receiver got is the one Standard Webhooks computes with the secret.
fn verify(secret: &str, r: &Received) {
    let hook = standardwebhooks::Webhook::new(secret).unwrap_or_else(|e| panic!("{e}"));
    let ts: i64 = r.timestamp.parse().unwrap_or_else(|e| panic!("{e}"));
    let expected = hook
        .sign(&r.id, ts, r.body.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.signature, expected, "signature of {}", r.id);
}

async fn delivered_count(app: &TestApp, it: &str, sub: &str) -> i64 {
    app.get(&format!("/api/v1/webhooks/{sub}"), it).await.body["delivered"]
        .as_i64()
        .unwrap_or_default()
}

async fn a_receiver_gets_every_event_signed_in_order_as_the_feed_shows_it(app: TestApp) {
    let cast = app.cast().await;
    let rx = Receiver::start();
    let (sub, secret) = subscribe(
        &app,
        &cast.it.1,
        &rx.url,
        &["order.created", "order.event_appended", "product.listed"],
    )
    .await;
    app.listed(&cast, "HOOK-1", 5_000, 50).await;
    let mut orders = Vec::new();
    for i in 0..4 {
        let placed = app
            .order(&cast, &app.order_body(&format!("W-{i}"), "HOOK-1", 1))
            .await;
        assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.text);
        orders.push(placed.body["id"].as_str().unwrap_or_default().to_owned());
    }
    for id in &orders {
        let r = app
            .event(
                id,
                &cast.cs.1,
                json!({"kind": "customer_contacted", "outcome": "confirmed", "note": "address confirmed"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
        let r = app
            .event(
                id,
                &cast.cs.1,
                json!({"kind": "remark_added", "text": "gift wrap"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
    }
    // One listing, four orders, eight order events; a refused order adds nothing.
    let refused = app
        .order(&cast, &app.order_body("W-X", "HOOK-1", 500))
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.text);
    let got = rx.wait_for(13).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let got_all = rx.got();
    assert_eq!(
        got_all.len(),
        13,
        "{:?}",
        got_all
            .iter()
            .map(|r| r.json()["type"].clone())
            .collect::<Vec<_>>()
    );
    // Each body is the feed's event, byte for byte in meaning, and its webhook-id the event's id.
    let feed = app.get("/api/v1/events?limit=500", &cast.it.1).await;
    let feed: HashMap<String, Value> = feed.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e["id"].as_str().unwrap_or_default().to_owned(), e))
        .collect();
    let mut last_seq: HashMap<String, i64> = HashMap::new();
    for r in &got {
        verify(&secret, r);
        let body = r.json();
        assert_eq!(body["id"], json!(r.id));
        assert_eq!(
            Some(&body),
            feed.get(&r.id),
            "delivered as the feed shows it"
        );
        // In order per resource.
        let seq = body["seq"].as_i64().unwrap_or_default();
        let key = body["resource_id"].as_str().unwrap_or_default().to_owned();
        if let Some(prev) = last_seq.insert(key.clone(), seq) {
            assert!(prev < seq, "{key}: {prev} then {seq}");
        }
    }
    // The latest state of each order as delivered is the order as the API shows it now.
    for id in &orders {
        let last = got
            .iter()
            .map(Received::json)
            .filter(|b| b["resource_id"] == json!(id))
            .max_by_key(|b| b["seq"].as_i64().unwrap_or_default())
            .unwrap_or_default();
        let now = app.get(&format!("/api/v1/orders/{id}"), &cast.cs.1).await;
        assert_eq!(last["data"], now.body);
    }
    // The log: every attempt answered 200, with its latency and the answer's start.
    for _ in 0..100 {
        if delivered_count(&app, &cast.it.1, &sub).await == 13 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let attempts = app
        .get(
            &format!("/api/v1/webhooks/{sub}/attempts?limit=200"),
            &cast.it.1,
        )
        .await;
    let items = attempts.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 13, "{}", attempts.text);
    assert!(items
        .iter()
        .all(|a| a["status_code"] == 200 && a["response_excerpt"] == "receiver says 200"));
    // Paged by cursor: five at a time, each once, newest first.
    for list in ["attempts", "deliveries"] {
        let mut seen = Vec::new();
        let mut path = format!("/api/v1/webhooks/{sub}/{list}?limit=5");
        loop {
            let page = app.get(&path, &cast.it.1).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.text);
            let items = page.body["items"].as_array().cloned().unwrap_or_default();
            assert!(items.len() <= 5);
            seen.extend(items.iter().map(|i| i["event_id"].to_string()));
            match page.body["next_cursor"].as_str() {
                Some(c) => path = format!("/api/v1/webhooks/{sub}/{list}?limit=5&cursor={c}"),
                None => break,
            }
        }
        let distinct: std::collections::HashSet<&String> = seen.iter().collect();
        assert_eq!((seen.len(), distinct.len()), (13, 13), "{list}");
    }
    let view = app
        .get(&format!("/api/v1/webhooks/{sub}"), &cast.it.1)
        .await;
    assert_eq!(
        (
            view.body["pending"].clone(),
            view.body["delivered"].clone(),
            view.body["failed"].clone()
        ),
        (json!(0), json!(13), json!(0)),
        "{}",
        view.text
    );
    // A test ping reaches the receiver, signed, and is in the log.
    let ping = app
        .post(
            &format!("/api/v1/webhooks/{sub}/ping"),
            Some(&cast.it.1),
            &json!({}),
        )
        .await;
    assert_eq!(ping.status, StatusCode::OK, "{}", ping.text);
    assert_eq!(ping.body["status_code"], 200);
    let got = rx.wait_for(14).await;
    verify(&secret, &got[13]);
    assert_eq!(got[13].json()["type"], "webhook.ping");
    // Redelivery of one event: the same webhook-id again.
    let first = got[0].id.clone();
    let again = app
        .post(
            &format!("/api/v1/webhooks/{sub}/deliveries/{first}/redeliver"),
            Some(&cast.it.1),
            &json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.text);
    let got = rx.wait_for(15).await;
    assert_eq!(got[14].id, first);
    assert_eq!(got[14].body, got[0].body);
    // Redelivery of a period: everything of the scenario, in order again.
    let start = app.clock.now_utc() - chrono::Duration::hours(1);
    let end = app.clock.now_utc() + chrono::Duration::hours(1);
    let range = app
        .post(
            &format!("/api/v1/webhooks/{sub}/redeliver"),
            Some(&cast.it.1),
            &json!({"from": start, "to": end}),
        )
        .await;
    assert_eq!(range.status, StatusCode::ACCEPTED, "{}", range.text);
    assert_eq!(range.body["queued"], 13, "{}", range.text);
    let got = rx.wait_for(28).await;
    let replayed: Vec<&String> = got[15..].iter().map(|r| &r.id).collect();
    let originals: std::collections::HashSet<&String> = got[..13].iter().map(|r| &r.id).collect();
    assert!(replayed.iter().all(|id| originals.contains(id)));
}
dual!(
    a_receiver_gets_every_event_signed_in_order_as_the_feed_shows_it,
    super::fast
);

async fn bad_subscriptions_are_refused_with_the_field_named(app: TestApp) {
    let cast = app.cast().await;
    let it = &cast.it.1;
    let post = |body: Value| {
        let app = &app;
        async move { app.post("/api/v1/webhooks", Some(it), &body).await }
    };
    let r =
        post(json!({"url": "https://partner.example/h", "event_types": ["order.shipped"]})).await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), ["event_types[0]"], "{}", r.text);
    // Without the allowlist (this test's server has none): plain HTTP, loopback, link-local.
    for url in [
        "http://partner.example/h",
        "http://127.0.0.1:9/h",
        "https://127.0.0.1/h",
        "http://169.254.169.254/latest/meta-data",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/h",
        "https://user:pw@partner.example/h",
    ] {
        let r = post(json!({"url": url, "event_types": ["order.created"]})).await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.error_fields(), ["url"], "{url}: {}", r.text);
    }
    // A name that resolves to loopback is refused like the address.
    let r = post(json!({"url": "https://localhost/h", "event_types": ["order.created"]})).await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), ["url"], "{}", r.text);
    let r = post(json!({"url": "https://8.8.8.8/h", "event_types": ["order.created"], "secret": "whsec_c2hvcnQ="})).await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.error_fields(), ["secret"], "{}", r.text);
    let r = post(json!({"url": "https://8.8.8.8/h", "event_types": []})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // Nobody else makes the server look a name up: a made-up token is refused before the target
    // is resolved, and an operator without IT's role too.
    let probe = json!({"url": "https://localhost/h", "event_types": ["order.created"]});
    app.post("/api/v1/webhooks", Some("ecops_made_up"), &probe)
        .await
        .assert_problem(401, "unauthorized");
    app.post("/api/v1/webhooks", Some(&cast.dept.1), &probe)
        .await
        .assert_problem(403, "missing_role");
    // Nothing was written.
    let list = app.get("/api/v1/webhooks", it).await;
    assert_eq!(list.body, json!([]), "{}", list.text);
    // A valid one (a public address needs no allowlist); then an unknown event to redeliver.
    let r = post(json!({"url": "https://8.8.8.8/h", "event_types": ["order.created"]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let sub = r.body["subscription"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = app
        .post(
            &format!(
                "/api/v1/webhooks/{sub}/deliveries/{}/redeliver",
                uuid::Uuid::now_v7()
            ),
            Some(it),
            &json!({}),
        )
        .await;
    r.assert_problem(404, "not_found");
    let r = app
        .post(
            &format!("/api/v1/webhooks/{sub}/pause"),
            Some(it),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.post(
        &format!("/api/v1/webhooks/{sub}/pause"),
        Some(it),
        &json!({}),
    )
    .await
    .assert_problem(409, "already_paused");
    // Only IT manages subscriptions.
    app.get("/api/v1/webhooks", &cast.dept.1)
        .await
        .assert_problem(403, "missing_role");
    // The audit log has the creation, never the secret.
    let admin = app.admin_token().await;
    let audit = app.get("/api/v1/audit?action=webhook.create", &admin).await;
    assert!(audit.text.contains("webhook.create"), "{}", audit.text);
    assert!(!audit.text.contains("whsec_"), "{}", audit.text);
}
dual!(
    bad_subscriptions_are_refused_with_the_field_named,
    |c: &mut ecops_server::config::Config| {
        c.webhooks.allowlist = Vec::new();
    }
);

fn retries(c: &mut ecops_server::config::Config) {
    c.webhooks.tick_ms = 20;
    c.webhooks.pause_after_failures = 4;
    c.webhooks.pause_after_minutes = 10;
}

/// Waits until the subscription's log holds `n` attempts.
async fn attempts(app: &TestApp, it: &str, sub: &str, n: usize) -> Vec<Value> {
    for _ in 0..500 {
        let r = app
            .get(&format!("/api/v1/webhooks/{sub}/attempts?limit=200"), it)
            .await;
        let items = r.body["items"].as_array().cloned().unwrap_or_default();
        if items.len() >= n {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("fewer than {n} attempts");
}

async fn a_receiver_that_fails_gets_retries_on_schedule_and_one_that_never_recovers_is_paused(
    app: TestApp,
) {
    let cast = app.cast().await;
    let it = &cast.it.1;
    app.listed(&cast, "RETRY-1", 5_000, 50).await;
    let rx = Receiver::start();
    rx.plan(&[Answer::Status(500), Answer::Status(503)], None);
    let (sub, secret) = subscribe(&app, it, &rx.url, &["order.created"]).await;
    let placed = app.order(&cast, &app.order_body("R-1", "RETRY-1", 1)).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.text);
    let got = rx.wait_for(1).await;
    attempts(&app, it, &sub, 1).await;
    // Not before the schedule's first wait (5 s, up to 10 % more).
    app.clock.advance(chrono::Duration::seconds(4));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.got().len(), 1, "tried again before its time");
    app.clock.advance(chrono::Duration::milliseconds(1_600));
    let got2 = rx.wait_for(2).await;
    assert_eq!(got2[1].id, got[0].id, "the same webhook-id on every try");
    attempts(&app, it, &sub, 2).await;
    // The second wait is 5 minutes.
    app.clock.advance(chrono::Duration::minutes(4));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.got().len(), 2, "tried again before its time");
    app.clock.advance(chrono::Duration::seconds(91));
    let got3 = rx.wait_for(3).await;
    verify(&secret, &got3[2]);
    let log = attempts(&app, it, &sub, 3).await;
    let statuses: Vec<Value> = log.iter().map(|a| a["status_code"].clone()).collect();
    assert_eq!(
        statuses,
        [json!(200), json!(503), json!(500)],
        "newest first"
    );
    let deliveries = app
        .get(&format!("/api/v1/webhooks/{sub}/deliveries"), it)
        .await;
    assert_eq!(
        deliveries.body["items"][0]["state"], "delivered",
        "{}",
        deliveries.text
    );
    assert_eq!(deliveries.body["items"][0]["tries"], 3);

    // A receiver that never recovers: four failures in a row pause the subscription.
    rx.plan(&[], Some(Answer::Status(502)));
    for i in 0..2 {
        let placed = app
            .order(&cast, &app.order_body(&format!("R-F{i}"), "RETRY-1", 1))
            .await;
        assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.text);
    }
    // Six minutes on: both have failed twice, four in a row, but for less than ten minutes: a
    // short outage pauses nothing.
    attempts(&app, it, &sub, 5).await;
    app.clock.advance(chrono::Duration::minutes(6));
    let mut early = Value::Null;
    for _ in 0..100 {
        let it = app.token("it.lead", ecops_tests::USER_PASSWORD).await;
        early = app.get(&format!("/api/v1/webhooks/{sub}"), &it).await.body;
        if early["consecutive_failures"]
            .as_i64()
            .is_some_and(|n| n >= 4)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(early["consecutive_failures"], 4, "{early}");
    assert_eq!(early["state"], "active", "{early}");
    let mut paused = Value::Null;
    for _ in 0..50 {
        app.clock.advance(chrono::Duration::minutes(6));
        tokio::time::sleep(Duration::from_millis(100)).await;
        // Hours pass on the test's clock: a fresh session each time.
        let it = app.token("it.lead", ecops_tests::USER_PASSWORD).await;
        let v = app.get(&format!("/api/v1/webhooks/{sub}"), &it).await;
        if v.body["state"] == "paused" {
            paused = v.body;
            break;
        }
    }
    assert_eq!(paused["paused_reason"], "failures", "{paused}");
    // Four in a row and ten minutes of failing pause it (attempts on their way then may add to
    // the run).
    // At 12 minutes the next tries fail: the first pauses it, one already on its way may add one.
    assert!(
        paused["consecutive_failures"]
            .as_i64()
            .is_some_and(|n| (5..=6).contains(&n)),
        "{paused}"
    );
    assert_eq!(paused["pending"], 2, "{paused}");
    let admin = app.admin_token().await;
    let audit = app.get("/api/v1/audit?action=webhook.paused", &admin).await;
    assert!(audit.text.contains("\"failing_since\""), "{}", audit.text);
    // Paused: nothing more is sent, however long.
    let before = rx.got().len();
    app.clock.advance(chrono::Duration::hours(12));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.got().len(), before);
    let it = &app.token("it.lead", ecops_tests::USER_PASSWORD).await;
    // Mended and resumed: what waited arrives at once.
    rx.plan(&[], Some(Answer::Status(204)));
    let r = app
        .post(
            &format!("/api/v1/webhooks/{sub}/resume"),
            Some(it),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for _ in 0..250 {
        if delivered_count(&app, it, &sub).await == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let v = app.get(&format!("/api/v1/webhooks/{sub}"), it).await;
    assert_eq!(
        (v.body["delivered"].clone(), v.body["pending"].clone()),
        (json!(3), json!(0)),
        "{}",
        v.text
    );
}
dual!(
    a_receiver_that_fails_gets_retries_on_schedule_and_one_that_never_recovers_is_paused,
    super::retries
);

async fn two_nodes_deliver_each_event_once(app: TestApp) {
    let node = app
        .spawn_node(|c| {
            c.webhooks.tick_ms = 5;
            c.webhooks.allowlist = vec!["127.0.0.1".to_owned()];
            c.orders.node = Some("node-b".to_owned());
        })
        .await;
    let cast = app.cast().await;
    app.listed(&cast, "TWO-1", 5_000, 100).await;
    let rx = Receiver::start();
    let (sub, _) = subscribe(
        &app,
        &cast.it.1,
        &rx.url,
        &["order.created", "order.event_appended"],
    )
    .await;
    // Orders taken through both nodes.
    for i in 0..30 {
        let base = if i % 2 == 0 {
            app.address.clone()
        } else {
            node.address.clone()
        };
        let r = app
            .send(
                app.client
                    .post(format!("{base}/api/v1/orders"))
                    .bearer_auth(&cast.cs.1)
                    .json(&app.order_body(&format!("T-{i}"), "TWO-1", 1)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let got = rx.wait_for(30).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_all = rx.got();
    assert_eq!(got_all.len(), 30, "each event once between the two nodes");
    let ids: std::collections::HashSet<&String> = got.iter().map(|r| &r.id).collect();
    assert_eq!(ids.len(), 30);
    let log = attempts(&app, &cast.it.1, &sub, 30).await;
    let nodes: std::collections::HashSet<String> = log
        .iter()
        .map(|a| a["node"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(!nodes.is_empty());
    node.handle.stop(false).await;
}

dual!(two_nodes_deliver_each_event_once, super::fast);

async fn a_node_that_dies_mid_delivery_leaves_it_to_another_with_the_same_webhook_id(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "DIE-1", 5_000, 10).await;
    let rx = Receiver::start();
    // The first request hangs: the node is sending when it dies.
    rx.plan(&[Answer::Hang], None);
    let (sub, secret) = subscribe(&app, &cast.it.1, &rx.url, &["order.created"]).await;
    let placed = app.order(&cast, &app.order_body("D-1", "DIE-1", 1)).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.text);
    let first = rx.wait_for(1).await;
    app.kill().await;
    // Another node starts on the database; the dead node's lease runs out (timeout 2 s + 30 s).
    let node = app
        .spawn_node(|c| {
            c.webhooks.tick_ms = 20;
            c.webhooks.timeout_secs = 2;
            c.webhooks.allowlist = vec!["127.0.0.1".to_owned()];
            c.orders.node = Some("node-b".to_owned());
        })
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.got().len(), 1, "not while the lease holds");
    node.clock.advance(chrono::Duration::seconds(33));
    let got = rx.wait_for(2).await;
    assert_eq!(
        got[1].id, first[0].id,
        "redelivered with the same webhook-id"
    );
    assert_eq!(got[1].json()["data"], first[0].json()["data"]);
    verify(&secret, &got[1]);
    // The log names the node that delivered it.
    let token = cast.it.1.clone();
    let mut log = Value::Null;
    for _ in 0..100 {
        let r = app
            .send(
                app.client
                    .get(format!("{}/api/v1/webhooks/{sub}/attempts", node.address))
                    .bearer_auth(&token),
            )
            .await;
        if r.body["items"].as_array().is_some_and(|a| !a.is_empty()) {
            log = r.body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(log["items"][0]["node"], "node-b", "{log}");
    assert_eq!(log["items"][0]["status_code"], 200, "{log}");
    node.handle.stop(false).await;
}
dual!(
    a_node_that_dies_mid_delivery_leaves_it_to_another_with_the_same_webhook_id,
    |c: &mut ecops_server::config::Config| {
        c.webhooks.tick_ms = 20;
        c.webhooks.timeout_secs = 2;
    }
);

async fn a_channel_filter_narrows_orders_and_their_after_sales_cases(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "CHAN-1", 1_000, 10).await;
    let (tb, jd) = (Receiver::start(), Receiver::start());
    for (rx, channel) in [(&tb, "taobao"), (&jd, "jd")] {
        let r = app
            .post(
                "/api/v1/webhooks",
                Some(&cast.it.1),
                &json!({"url": rx.url, "event_types": ["order.created", "after_sales.case_opened"],
                        "filter": {"channel": channel}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let o = app.order(&cast, &app.order_body("CH-1", "CHAN-1", 1)).await;
    assert_eq!(o.status, StatusCode::CREATED, "{}", o.text);
    assert_eq!(o.body["channel"], "taobao");
    let case = app
        .post(
            "/api/v1/aftersales",
            Some(&cast.cs.1),
            &json!({"order_id": o.body["id"], "kind": "complaint", "description": "late"}),
        )
        .await;
    assert_eq!(case.status, StatusCode::CREATED, "{}", case.text);
    let got = tb.wait_for(2).await;
    // Two resources: each in its own order, not one after the other.
    let mut types: Vec<String> = got
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap_or_default().to_owned())
        .collect();
    types.sort();
    assert_eq!(types, ["after_sales.case_opened", "order.created"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        jd.got().is_empty(),
        "another channel's order and case were sent"
    );
}
dual!(
    a_channel_filter_narrows_orders_and_their_after_sales_cases,
    super::fast
);
