//! R-SEC-1: the official-account vault.

use ecops_domain::{JobRole, PermissionLevel};
use ecops_tests::{dual, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const SECRET: &str = "Tmall-Backoffice-Pa55-7Q2x";
const NEW_SECRET: &str = "Rotated-Secret-9kL3-Zp88";

async fn entry(app: &TestApp, token: &str, name: &str, secret: &str, extra: Value) -> String {
    let mut body = json!({"name": name, "kind": "shop_backoffice", "url": "https://myseller.example.com",
                          "login": "shop-ops", "notes": "2FA phone: the duty phone", "secret": secret});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    let r = app.post("/api/v1/vault/entries", Some(token), &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(
        !r.text.contains(secret),
        "the creation answer holds the secret"
    );
    r.body["id"].as_str().unwrap_or_default().to_owned()
}

/// Every byte of the database, as text, for the search of a plaintext: the SQLite file and its
/// write-ahead log, or every row of every table on PostgreSQL.
async fn database_text(app: &TestApp) -> String {
    match app.backend {
        Backend::Sqlite => {
            let path = app.database_url.trim_start_matches("sqlite://").to_owned();
            let mut bytes = std::fs::read(&path).unwrap_or_default();
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Backend::Postgres => {
            app.with_db(|c| {
                ecops_persistence::archive::dump_all(c)
                    .map(|t| format!("{t:?}"))
                    .unwrap_or_else(|e| panic!("{e}"))
            })
            .await
        }
    }
}

async fn r_sec_1_a_secret_is_in_no_list_detail_or_log_and_not_in_the_database(app: TestApp) {
    let (_, dept) = app
        .user_token("de.pt", &[JobRole::DeptManager], PermissionLevel::Operator)
        .await;
    let id = entry(&app, &dept, "Tmall back office", SECRET, json!({})).await;
    let admin = app.admin_token().await;
    for path in [
        "/api/v1/vault/entries".to_owned(),
        format!("/api/v1/vault/entries/{id}"),
        format!("/api/v1/vault/entries/{id}/changes"),
        format!("/api/v1/vault/entries/{id}/reveals"),
    ] {
        let r = app.get(&path, &dept).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        assert!(!r.text.contains(SECRET), "{path} shows the secret");
    }
    let listed = app.get("/api/v1/vault/entries", &dept).await;
    assert_eq!(listed.body[0]["name"], "Tmall back office");
    assert_eq!(
        listed.body[0]["custodian_roles"],
        json!(["dept_manager", "it_admin", "general_manager"])
    );
    // A reveal, then the audit log (its list and its export) and the approvals hold no secret.
    let r = app
        .post(
            &format!("/api/v1/vault/entries/{id}/reveal"),
            Some(&dept),
            &json!({"reason": "monthly settlement download"}),
        )
        .await;
    assert_eq!(r.body["secret"], SECRET);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let r = app
        .post(
            &format!("/api/v1/vault/entries/{id}/changes"),
            Some(&dept),
            &json!({"secret": NEW_SECRET, "reason": "quarterly change"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    for path in [
        "/api/v1/audit?limit=200",
        "/api/v1/audit/export",
        "/api/v1/approvals?view=all",
    ] {
        let r = app.get(path, &admin).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        assert!(
            !r.text.contains(SECRET) && !r.text.contains(NEW_SECRET),
            "{path} shows a secret"
        );
    }
    // The database alone does not reveal either secret (sealed, the entry id bound).
    let text = database_text(&app).await;
    assert!(
        text.contains("Tmall back office"),
        "the search reads the data"
    );
    assert!(!text.contains(SECRET) && !text.contains(NEW_SECRET));
}
dual!(r_sec_1_a_secret_is_in_no_list_detail_or_log_and_not_in_the_database);

async fn r_sec_1_only_custodians_see_an_entry_others_get_404_and_every_reveal_is_audited(
    app: TestApp,
) {
    let (_, it) = app
        .user_token("it.lead", &[JobRole::ItAdmin], PermissionLevel::Operator)
        .await;
    let (leader, leader_token) = app
        .user_token(
            "le.ader",
            &[JobRole::MarketingDirector],
            PermissionLevel::Operator,
        )
        .await;
    let (_, cs) = app
        .user_token(
            "cs.agent",
            &[JobRole::CustomerService],
            PermissionLevel::Operator,
        )
        .await;
    let id = entry(
        &app,
        &it,
        "Company mailbox",
        SECRET,
        json!({"kind": "mailbox", "custodian_users": [leader]}),
    )
    .await;
    // A non-custodian: no entry in the list, 404 for the entry, its reveal and its history.
    assert_eq!(app.get("/api/v1/vault/entries", &cs).await.body, json!([]));
    app.get(&format!("/api/v1/vault/entries/{id}"), &cs)
        .await
        .assert_problem(404, "not_found");
    let missing = app
        .post(
            &format!("/api/v1/vault/entries/{}/reveal", uuid::Uuid::now_v7()),
            Some(&cs),
            &json!({"reason": "just looking"}),
        )
        .await;
    missing.assert_problem(404, "not_found");
    let r = app
        .post(
            &format!("/api/v1/vault/entries/{id}/reveal"),
            Some(&cs),
            &json!({"reason": "just looking"}),
        )
        .await;
    r.assert_problem(404, "not_found");
    assert_eq!(
        r.body["detail"], missing.body["detail"],
        "the same answer as for no entry"
    );
    app.get(&format!("/api/v1/vault/entries/{id}/reveals"), &cs)
        .await
        .assert_problem(404, "not_found");
    // The named supervising leader keeps it; a reveal needs a reason.
    app.post(
        &format!("/api/v1/vault/entries/{id}/reveal"),
        Some(&leader_token),
        &json!({"reason": ""}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let r = app
        .post(
            &format!("/api/v1/vault/entries/{id}/reveal"),
            Some(&leader_token),
            &json!({"reason": "renew the mail certificate"}),
        )
        .await;
    assert_eq!(r.body["secret"], SECRET, "{}", r.text);
    let history = app
        .get(&format!("/api/v1/vault/entries/{id}/reveals"), &it)
        .await;
    assert_eq!(history.body[0]["by"], json!(leader));
    assert_eq!(history.body[0]["reason"], "renew the mail certificate");
    assert_eq!(history.body[0]["client_addr"], "127.0.0.1");
    let admin = app.admin_token().await;
    let audit = app.get("/api/v1/audit?action=vault.reveal", &admin).await;
    let all = audit.body["items"].as_array().cloned().unwrap_or_default();
    // The two refused attempts are recorded too (R-SEC-4), with whoever asked.
    let refused: Vec<_> = all.iter().filter(|e| e["outcome"] == "refused").collect();
    assert_eq!(refused.len(), 2, "{}", audit.text);
    assert!(refused.iter().all(|e| e["actor_username"] == "cs.agent"));
    let entries: Vec<_> = all
        .into_iter()
        .filter(|e| e["outcome"] == "success")
        .collect();
    assert_eq!(entries.len(), 1, "one reveal, one entry: {}", audit.text);
    assert_eq!(entries[0]["actor_id"], json!(leader));
    assert_eq!(entries[0]["detail"]["reason"], "renew the mail certificate");
    // An API token never reaches the vault.
    let token = app
        .post(
            "/api/v1/api-tokens",
            Some(&admin),
            &json!({"name": "sync", "scopes": ["audit:read"]}),
        )
        .await;
    let token = token.body["token"].as_str().unwrap_or_default().to_owned();
    app.get("/api/v1/vault/entries", &token)
        .await
        .assert_problem(403, "session_required");
}
dual!(r_sec_1_only_custodians_see_an_entry_others_get_404_and_every_reveal_is_audited);

async fn reveal(app: &TestApp, token: &str, id: &str) -> String {
    let r = app
        .post(
            &format!("/api/v1/vault/entries/{id}/reveal"),
            Some(token),
            &json!({"reason": "check the change"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["secret"].as_str().unwrap_or_default().to_owned()
}

async fn r_sec_1_a_secret_change_applies_only_with_the_general_managers_approval(app: TestApp) {
    let cast = app.cast().await;
    let (dept, gm, marketing) = (&cast.dept.1, &cast.gm.1, &cast.marketing.1);
    let id = entry(
        &app,
        dept,
        "Alipay merchant",
        SECRET,
        json!({"kind": "payment"}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/vault/entries/{id}/changes"),
            Some(dept),
            &json!({"secret": NEW_SECRET, "reason": "the old one was shared by phone"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["kind"], "official_account_change");
    let request = r.body["id"].as_str().unwrap_or_default().to_owned();
    // Nothing changes while it waits; one pending change at a time.
    assert_eq!(reveal(&app, dept, &id).await, SECRET);
    app.post(
        &format!("/api/v1/vault/entries/{id}/changes"),
        Some(dept),
        &json!({"secret": "another", "reason": "again"}),
    )
    .await
    .assert_problem(409, "change_pending");
    // Nobody but the general manager decides it: not the marketing director, not the proposer.
    assert!(app
        .decide(&request, marketing, "approve")
        .await
        .status
        .is_client_error());
    assert!(app
        .decide(&request, dept, "approve")
        .await
        .status
        .is_client_error());
    assert_eq!(reveal(&app, dept, &id).await, SECRET);
    // Rejected: the secret stays.
    let r = app.decide(&request, gm, "reject").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(reveal(&app, dept, &id).await, SECRET);
    // Approved: applied with the decision, the custodians too.
    let r = app
        .post(
            &format!("/api/v1/vault/entries/{id}/changes"),
            Some(dept),
            &json!({"secret": NEW_SECRET, "custodian_roles": ["dept_manager", "general_manager"],
                    "reason": "IT no longer keeps the payment account"}),
        )
        .await;
    let request = r.body["id"].as_str().unwrap_or_default().to_owned();
    let r = app.decide(&request, gm, "approve").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(reveal(&app, dept, &id).await, NEW_SECRET);
    app.get(&format!("/api/v1/vault/entries/{id}"), &cast.it.1)
        .await
        .assert_problem(404, "not_found");
    let changes = app
        .get(&format!("/api/v1/vault/entries/{id}/changes"), dept)
        .await;
    assert_eq!(changes.body[0]["state"], "applied");
    assert_eq!(changes.body[0]["secret_changes"], true);
    assert_eq!(changes.body[1]["state"], "rejected");
}
dual!(r_sec_1_a_secret_change_applies_only_with_the_general_managers_approval);

async fn r_sec_1_key_rotation_keeps_every_secret_readable(app: TestApp) {
    use ecops_app::vault::{self, VaultKey};
    let (dept_id, dept) = app
        .user_token("de.pt", &[JobRole::DeptManager], PermissionLevel::Operator)
        .await;
    let (_, gm) = app
        .user_token(
            "gm.boss",
            &[JobRole::GeneralManager],
            PermissionLevel::Operator,
        )
        .await;
    let mut ids = Vec::new();
    for (i, name) in ["Domain registrar", "Trademark office", "Code hosting"]
        .iter()
        .enumerate()
    {
        ids.push(
            entry(
                &app,
                &dept,
                name,
                &format!("{SECRET}-{i}"),
                json!({"kind": "other"}),
            )
            .await,
        );
    }
    // A pending change's sealed secret is re-sealed too.
    let pending = app
        .post(
            &format!("/api/v1/vault/entries/{}/changes", ids[0]),
            Some(&dept),
            &json!({"secret": NEW_SECRET, "reason": "renewal"}),
        )
        .await;
    let request = pending.body["id"].as_str().unwrap_or_default().to_owned();
    // A webhook's signing secret is sealed with the same key: re-sealed too.
    let (it_id, it) = app
        .user_token("it.rotate", &[JobRole::ItAdmin], PermissionLevel::Operator)
        .await;
    let hook = app
        .post(
            "/api/v1/webhooks",
            Some(&it),
            &json!({"url": "https://8.8.8.8/hooks", "event_types": ["order.created"]}),
        )
        .await;
    assert_eq!(hook.status, StatusCode::CREATED, "{}", hook.text);
    let hook_secret = hook.body["secret"].as_str().unwrap_or_default().to_owned();
    let hook_id: uuid::Uuid = hook.body["subscription"]["id"]
        .as_str()
        .unwrap_or_default()
        .parse()
        .unwrap_or_default();
    let key_text = std::fs::read_to_string(app.data_dir.join("vault_key"))
        .unwrap_or_else(|e| panic!("the generated key file: {e}"));
    let old = VaultKey::from_hex(&key_text).unwrap_or_else(|e| panic!("{e}"));
    let (new, _) = VaultKey::generate();
    let now = app.clock.now_utc();
    let ids2 = ids.clone();
    let (old2, new2) = (old.clone(), new.clone());
    let n = app
        .with_db(move |c| vault::rotate_key(c, &old2, &new2, now).unwrap_or_else(|e| panic!("{e}")))
        .await;
    // The change approved after the rotation puts the re-sealed secret on the entry.
    let r = app.decide(&request, &gm, "approve").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (secrets, stale, keyed, hook_opened) = app
        .with_db(move |c| {
            let it_actor = ecops_app::approvals::Actor::new(
                it_id,
                vec![JobRole::ItAdmin],
                PermissionLevel::Operator,
                ecops_persistence::repo::audit::NewEntry {
                    actor_id: Some(it_id),
                    actor_username: None,
                    action: String::new(),
                    subject_type: None,
                    subject_id: None,
                    client_addr: None,
                    outcome: ecops_persistence::repo::audit::Outcome::Success,
                    detail: serde_json::Value::Null,
                    request_id: None,
                    on_behalf_of: None,
                },
            );
            let hook_opened = ecops_app::webhooks::ping_target(c, &it_actor, &new, hook_id)
                .map(|(_, secret)| secret)
                .unwrap_or_else(|e| panic!("{e}"));
            let actor = ecops_app::approvals::Actor::new(
                dept_id,
                vec![JobRole::DeptManager],
                PermissionLevel::Operator,
                ecops_persistence::repo::audit::NewEntry {
                    actor_id: Some(dept_id),
                    actor_username: None,
                    action: String::new(),
                    subject_type: None,
                    subject_id: None,
                    client_addr: None,
                    outcome: ecops_persistence::repo::audit::Outcome::Success,
                    detail: serde_json::Value::Null,
                    request_id: None,
                    on_behalf_of: None,
                },
            );
            let secrets: Vec<String> = ids2
                .iter()
                .map(|id| {
                    let id = id.parse().unwrap_or_default();
                    vault::reveal(c, &actor, &new, id, "after rotation", now)
                        .unwrap_or_else(|e| panic!("{e}"))
                })
                .collect();
            let id = ids2[0].parse().unwrap_or_default();
            let stale = vault::reveal(c, &actor, &old, id, "old key", now).is_err();
            // The server would not start with the old key, nor with a new generated one.
            let keyed = (
                vault::check_key(c, &new).is_ok(),
                vault::check_key(c, &old).is_err(),
                vault::check_key(c, &VaultKey::generate().0).is_err(),
            );
            (secrets, stale, keyed, hook_opened)
        })
        .await;
    assert_eq!(
        n, 5,
        "three entries, one pending change and one webhook secret"
    );
    assert_eq!(hook_opened, hook_secret);
    assert_eq!(
        secrets,
        [
            NEW_SECRET.to_owned(),
            format!("{SECRET}-1"),
            format!("{SECRET}-2")
        ]
    );
    assert!(stale, "the old key no longer opens the secrets");
    assert_eq!(keyed, (true, true, true));
}
dual!(r_sec_1_key_rotation_keeps_every_secret_readable);

use ecops_tests::ClockExt;

/// Twenty changes of one entry proposed at once: one waits for the general manager, the others
/// are refused (the entry's lock and the partial unique index on pending changes).
async fn r_sec_1_twenty_changes_at_once_leave_one_pending(app: TestApp) {
    let cast = app.cast().await;
    let dept = &cast.dept.1;
    let id = entry(&app, dept, "JD back office", SECRET, json!({})).await;
    let path = format!("/api/v1/vault/entries/{id}/changes");
    let bodies: Vec<Value> = (0..20)
        .map(|i| json!({"secret": format!("{NEW_SECRET}-{i}"), "reason": "rotation after the audit"}))
        .collect();
    let replies =
        futures_util::future::join_all(bodies.iter().map(|b| app.post(&path, Some(dept), b))).await;
    let pending = replies
        .iter()
        .filter(|r| r.status == StatusCode::ACCEPTED)
        .count();
    assert_eq!(
        pending,
        1,
        "{:?}",
        replies.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| r.status != StatusCode::ACCEPTED) {
        r.assert_problem(409, "change_pending");
    }
    let changes = app.get(&path, dept).await;
    assert_eq!(
        changes.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        changes.text
    );
}
dual!(r_sec_1_twenty_changes_at_once_leave_one_pending);
