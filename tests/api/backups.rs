//! R-SEC-2/3/4, R-ACL-3: backups that restore across backends, the schedule, the audit chain.

use diesel::RunQueryDsl;
use ecops_domain::{JobRole, PermissionLevel};
use ecops_persistence::archive;
use ecops_persistence::{AnyConnection, Database, DbConfig};
use ecops_tests::{dual, fresh_database_url, temp_dir, Backend, ClockExt, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

type Rows = BTreeMap<String, Vec<String>>;

fn connect(url: &str) -> Database {
    Database::connect(&DbConfig {
        max_connections: 2,
        ..DbConfig::new(url.to_owned())
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

fn dump(conn: &mut AnyConnection) -> Rows {
    archive::dump_all(conn).unwrap_or_else(|e| panic!("{e}"))
}

/// The rows an archive holds, in the form `archive::dump_all` gives them.
fn archive_rows(path: &Path) -> Rows {
    use std::io::{BufRead, Read};
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut entries = tar.entries().unwrap_or_else(|e| panic!("{e}"));
    let mut manifest = String::new();
    entries
        .next()
        .and_then(Result::ok)
        .map(|mut e| e.read_to_string(&mut manifest));
    let manifest: archive::Manifest =
        serde_json::from_str(&manifest).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Rows::new();
    for (t, entry) in manifest.tables.iter().zip(entries) {
        let entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let rows = std::io::BufReader::new(entry)
            .lines()
            .map(|l| {
                let values: Vec<Value> =
                    serde_json::from_str(&l.unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
                let row: BTreeMap<&str, Value> = t
                    .columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .zip(values)
                    .collect();
                serde_json::to_string(&row).unwrap_or_default()
            })
            .collect::<Vec<String>>();
        let mut rows = rows;
        rows.sort();
        out.insert(t.name.clone(), rows);
    }
    out
}

/// A department's worth of data: people, products, orders with events, a vault entry, an
/// approval, a leave request.
async fn scenario(app: &TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "TEA-001", 12_900, 50).await;
    app.listed(&cast, "TEA-002", 8_800, 50).await;
    for i in 0..5 {
        let r = app
            .order(&cast, &app.order_body(&format!("TB-{i}"), "TEA-001", 1 + i))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let id = r.body["id"].as_str().unwrap_or_default().to_owned();
        app.event(
            &id,
            &cast.cs.1,
            json!({"kind": "customer_contacted", "note": "电话确认地址 ✓"}),
        )
        .await;
    }
    let r = app
        .post(
            "/api/v1/vault/entries",
            Some(&cast.dept.1),
            &json!({"name": "店铺后台", "kind": "shop_backoffice", "secret": "s3cret-Value-1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

/// Takes a backup through the API; returns its record and the archive's path.
async fn backup_now(app: &TestApp, token: &str) -> (Value, PathBuf) {
    let r = app.post("/api/v1/backups", Some(token), &json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let file = r.body["file_name"].as_str().unwrap_or_default();
    let path = app.data_dir.join("backups").join(file);
    assert!(path.exists());
    (r.body.clone(), path)
}

fn restore_into(url: &str, path: &Path, now: chrono::DateTime<chrono::Utc>) -> Rows {
    let db = connect(url);
    let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
    ecops_app::backups::restore(&mut conn, path, false, now, &mut |_| {})
        .unwrap_or_else(|e| panic!("restore into {url}: {e}"));
    dump(&mut conn)
}

/// R-SEC-2: an archive of either backend restores into both, table by table and row by row
/// equal to the database at the moment of the backup.
async fn r_sec_2_a_backup_restores_into_sqlite_and_postgresql_with_nothing_lost(app: TestApp) {
    scenario(&app).await;
    let admin = app.admin_token().await;
    let before = app.with_db(dump).await;
    let (record, path) = backup_now(&app, &admin).await;
    let held = archive_rows(&path);
    for (table, rows) in &before {
        assert_eq!(
            held.get(table),
            Some(rows),
            "the archive holds {table} as it was"
        );
    }
    assert_eq!(held.len(), before.len());
    assert_eq!(
        record["total_rows"],
        json!(before.values().map(Vec::len).sum::<usize>())
    );
    assert_eq!(record["origin"], "api");
    assert!(held["orders"].len() == 5 && held["vault_entries"].len() == 1);
    let now = app.clock.now_utc();
    let dir = temp_dir();
    for target in [Backend::Sqlite, Backend::Postgres] {
        let Some(url) = fresh_database_url(target, &dir.0) else {
            continue;
        };
        let p = path.clone();
        let mut restored = tokio::task::spawn_blocking(move || restore_into(&url, &p, now))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // The restore's own audit entry follows the restored chain.
        let mut audit = restored
            .get_mut("audit_log")
            .map(std::mem::take)
            .unwrap_or_default();
        let position = audit
            .iter()
            .position(|e| e.contains("\"backup.restore\""))
            .unwrap_or_else(|| panic!("no backup.restore entry"));
        audit.remove(position);
        restored.insert("audit_log".into(), audit);
        for (table, rows) in &held {
            assert_eq!(
                restored.get(table),
                Some(rows),
                "{:?} → {target:?}: table {table} differs",
                app.backend
            );
        }
        assert_eq!(restored.len(), held.len());
    }
}
dual!(r_sec_2_a_backup_restores_into_sqlite_and_postgresql_with_nothing_lost);

/// R-SEC-2: a backup taken while 8 clients create orders is one consistent moment: every order
/// in it has its lines, its status and its creation event.
async fn r_sec_2_a_backup_taken_under_load_is_consistent(app: TestApp) {
    let cast = app.cast().await;
    app.listed(&cast, "TEA-100", 1_000, 100_000).await;
    let admin = app.admin_token().await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let app = std::sync::Arc::new(app);
    let mut writers = Vec::new();
    for w in 0..8 {
        let (app, stop, token) = (app.clone(), stop.clone(), cast.cs.1.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let body = app.order_body(&format!("LOAD-{w}-{n}"), "TEA-100", 1);
                let r = app.post("/api/v1/orders", Some(&token), &body).await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
                n += 1;
            }
            n
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (_, path) = backup_now(&app, &admin).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut created = 0;
    for w in writers {
        created += w.await.unwrap_or_else(|e| panic!("{e}"));
    }
    let rows = archive_rows(&path);
    let ids = |table: &str, key: &str| -> Vec<String> {
        rows[table]
            .iter()
            .map(|r| {
                let v: Value = serde_json::from_str(r).unwrap_or_default();
                v[key].as_str().unwrap_or_default().to_owned()
            })
            .collect()
    };
    let orders = ids("orders", "id");
    assert!(
        !orders.is_empty() && orders.len() < created + 1,
        "{} of {created}",
        orders.len()
    );
    let lines = ids("order_lines", "order_id");
    let status = ids("order_status", "order_id");
    let events = ids("order_events", "order_id");
    for o in &orders {
        assert!(lines.contains(o), "order {o} without its lines");
        assert!(status.contains(o), "order {o} without its status");
        assert!(events.contains(o), "order {o} without its events");
    }
    for child in lines.iter().chain(&status).chain(&events) {
        assert!(
            orders.contains(child),
            "a row of an order the backup does not hold"
        );
    }
}
dual!(r_sec_2_a_backup_taken_under_load_is_consistent);

fn flip_one_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap_or_default();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x20;
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

/// R-SEC-2, R-ACL-3: one byte flipped and the archive is refused by verify and by restore, before
/// anything is written; an intact one verifies; only a db_admin may touch backups.
async fn r_sec_2_r_acl_3_only_a_db_admin_backs_up_and_a_corrupted_archive_is_refused_with_nothing_written(
    app: TestApp,
) {
    let admin = app.admin_token().await;
    let (_, it) = app
        .user_token("it.lead", &[JobRole::ItAdmin], PermissionLevel::Operator)
        .await;
    app.get("/api/v1/backups", &it)
        .await
        .assert_problem(403, "insufficient_level");
    app.post("/api/v1/backups", Some(&it), &json!({}))
        .await
        .assert_problem(403, "insufficient_level");
    let (record, path) = backup_now(&app, &admin).await;
    let id = record["id"].as_str().unwrap_or_default();
    let ok = app
        .post(
            &format!("/api/v1/backups/{id}/verify"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(ok.body["ok"], true, "{}", ok.text);
    let listed = app.get("/api/v1/backups", &admin).await;
    assert_eq!(listed.body["items"][0]["id"], id);
    assert_eq!(listed.body["schedule"], "0 3 * * 0");
    assert!(listed.body["next_due"].is_string());
    let download = app
        .send(app.request(
            reqwest::Method::GET,
            &format!("/api/v1/backups/{id}/download"),
            Some(&admin),
        ))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.header("x-checksum-sha256"),
        record["sha256"].as_str()
    );

    flip_one_byte(&path);
    let bad = app
        .post(
            &format!("/api/v1/backups/{id}/verify"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(bad.body["ok"], false, "{}", bad.text);
    // Without the recorded checksum, the archive's own checks find it.
    assert!(archive::verify_archive(&path, &mut |_| {}).is_err());
    let dir = temp_dir();
    for target in [Backend::Sqlite, Backend::Postgres] {
        let Some(url) = fresh_database_url(target, &dir.0) else {
            continue;
        };
        let p = path.clone();
        let now = app.clock.now_utc();
        let (refused, version) = tokio::task::spawn_blocking(move || {
            let db = connect(&url);
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            let refused =
                ecops_app::backups::restore(&mut conn, &p, false, now, &mut |_| {}).is_err();
            (
                refused,
                archive::schema_version(&mut conn).unwrap_or_else(|e| panic!("{e}")),
            )
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(refused, "{target:?}: the damaged archive was restored");
        assert_eq!(
            version, None,
            "{target:?}: the restore wrote before refusing"
        );
    }
    let audit = app.get("/api/v1/audit?action=backup.verify", &admin).await;
    let outcomes: Vec<&str> = audit.body["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["outcome"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(outcomes, ["failure", "success"]);
}
dual!(r_sec_2_r_acl_3_only_a_db_admin_backs_up_and_a_corrupted_archive_is_refused_with_nothing_written);

/// A table's name and what to do to its rows.
type TableEdit<'a> = (&'a str, &'a dyn Fn(&mut Vec<String>));

/// Rewrites an archive: `table` edits one table's rows (its count and checksum in the manifest
/// follow, so the archive stays self-consistent), then `edit` changes the manifest.
fn rewrite(
    path: &Path,
    out: &Path,
    table: Option<TableEdit<'_>>,
    edit: &dyn Fn(&mut archive::Manifest),
) {
    use sha2::Digest;
    use std::io::Read;
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut input = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in input.entries().unwrap_or_else(|e| panic!("{e}")) {
        let mut entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let name = entry
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let mut body = Vec::new();
        entry.read_to_end(&mut body).unwrap_or_default();
        parts.push((name, body));
    }
    let mut m: archive::Manifest =
        serde_json::from_slice(&parts[0].1).unwrap_or_else(|e| panic!("{e}"));
    if let Some((name, f)) = table {
        let part = parts
            .iter_mut()
            .find(|(n, _)| *n == format!("tables/{name}.ndjson"))
            .unwrap_or_else(|| panic!("no table {name}"));
        let mut lines: Vec<String> = String::from_utf8_lossy(&part.1)
            .lines()
            .map(str::to_owned)
            .collect();
        f(&mut lines);
        part.1 = lines
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .into_bytes();
        if let Some(t) = m.tables.iter_mut().find(|t| t.name == name) {
            t.rows = lines.len() as i64;
            t.sha256 = hex::encode(sha2::Sha256::digest(&part.1));
        }
    }
    edit(&mut m);
    parts[0].1 = serde_json::to_vec(&m).unwrap_or_default();
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(out).unwrap_or_else(|e| panic!("{e}")),
        flate2::Compression::fast(),
    );
    let mut output = tar::Builder::new(gz);
    for (name, body) in parts {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o600);
        output
            .append_data(&mut header, name, body.as_slice())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    output
        .into_inner()
        .and_then(|gz| gz.finish())
        .unwrap_or_else(|e| panic!("{e}"));
}

/// R-SEC-3: an archive made by a newer schema is refused with a clear error; a database that
/// holds data is replaced only when asked, and a replacement that fails half-way (a row the
/// database refuses) leaves it exactly as it was.
async fn r_sec_3_a_newer_archive_is_refused_and_a_full_database_is_replaced_only_when_asked(
    app: TestApp,
) {
    scenario(&app).await;
    let admin = app.admin_token().await;
    let (_, path) = backup_now(&app, &admin).await;
    let newer = path.with_extension("newer.tar.gz");
    rewrite(&path, &newer, None, &|m| {
        m.schema_version = "99991231000000".into()
    });
    // Self-consistent checksums, but one account twice: the load fails on its primary key.
    let twice = path.with_extension("twice.tar.gz");
    rewrite(
        &path,
        &twice,
        Some(("users", &|rows: &mut Vec<String>| {
            rows.push(rows[0].clone())
        })),
        &|_| {},
    );
    let backend = app.backend;
    let now = app.clock.now_utc();
    tokio::task::spawn_blocking(move || {
        let dir = temp_dir();
        let target = fresh_database_url(backend, &dir.0).unwrap_or_default();
        let db = connect(&target);
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        let restore = |conn: &mut AnyConnection, p: &Path, replace: bool| {
            ecops_app::backups::restore(conn, p, replace, now, &mut |_| {})
                .err()
                .map(|e| e.to_string())
        };
        let newer_refusal = restore(&mut conn, &newer, false).unwrap_or_default();
        assert!(newer_refusal.contains("newer schema"), "{newer_refusal}");
        assert_eq!(archive::schema_version(&mut conn).ok().flatten(), None);
        assert_eq!(restore(&mut conn, &path, false), None);
        let held = dump(&mut conn);
        let full_refusal = restore(&mut conn, &path, false).unwrap_or_default();
        assert!(full_refusal.contains("not empty"), "{full_refusal}");
        let failed = restore(&mut conn, &twice, true);
        assert!(failed.is_some(), "a duplicate account was restored");
        assert_eq!(
            dump(&mut conn),
            held,
            "a failed replacement changed the database"
        );
        assert_eq!(restore(&mut conn, &path, true), None);
        let mut after = dump(&mut conn);
        let mut before = held;
        // Each restore appends its own audit entry; the rest is as it was.
        for rows in [&mut after, &mut before] {
            if let Some(a) = rows.get_mut("audit_log") {
                a.retain(|e| !e.contains("\"backup.restore\""));
            }
        }
        assert_eq!(after, before);
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}
dual!(r_sec_3_a_newer_archive_is_refused_and_a_full_database_is_replaced_only_when_asked);

/// R-SEC-3: a backup made at every earlier migration level restores into the current schema
/// with nothing lost. Each level is the scenario's database taken back to that level by its down
/// migrations (what that release held), archived there, and restored into a fresh database,
/// which the restore migrates forward; every row and value of the old archive must be in it.
async fn r_sec_3_backups_of_every_earlier_schema_restore_into_the_current_one(app: TestApp) {
    scenario(&app).await;
    let admin = app.admin_token().await;
    let (_, path) = backup_now(&app, &admin).await;
    let backend = app.backend;
    let now = app.clock.now_utc();
    let checked = tokio::task::spawn_blocking(move || {
        let dir = temp_dir();
        let probe = connect(&fresh_database_url(backend, &dir.0).unwrap_or_default());
        let versions = archive::known_versions(&probe.conn().unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_default();
        let mut checked = 0;
        for (i, level) in versions[..versions.len() - 1].iter().enumerate() {
            let old_dir = dir.0.join(format!("l{i}"));
            std::fs::create_dir_all(&old_dir).unwrap_or_default();
            let old = connect(&fresh_database_url(backend, &old_dir).unwrap_or_default());
            let mut old = old.conn().unwrap_or_else(|e| panic!("{e}"));
            ecops_app::backups::restore(&mut old, &path, false, now, &mut |_| {})
                .unwrap_or_else(|e| panic!("{e}"));
            archive::revert_to(&mut old, level)
                .unwrap_or_else(|e| panic!("revert to {level}: {e}"));
            let old_archive = old_dir.join("old.tar.gz");
            archive::write_archive(&mut old, &old_archive, now, "old", &mut |_| {})
                .unwrap_or_else(|e| panic!("archive at {level}: {e}"));
            let held = archive_rows(&old_archive);
            let new_dir = dir.0.join(format!("n{i}"));
            std::fs::create_dir_all(&new_dir).unwrap_or_default();
            let restored = restore_into(
                &fresh_database_url(backend, &new_dir).unwrap_or_default(),
                &old_archive,
                now,
            );
            for (table, rows) in &held {
                let Some(now_rows) = restored.get(table) else {
                    panic!("level {level}: table {table} is gone after the restore");
                };
                // The restore appends its own audit entry.
                assert!(
                    now_rows.len() >= rows.len(),
                    "level {level}: {table} lost rows"
                );
                let now_rows: Vec<BTreeMap<String, Value>> = now_rows
                    .iter()
                    .map(|r| serde_json::from_str(r).unwrap_or_default())
                    .collect();
                for old_row in rows {
                    let old: BTreeMap<String, Value> =
                        serde_json::from_str(old_row).unwrap_or_default();
                    // Every column and value of the old row is in one row of the new table.
                    let kept = now_rows.iter().any(|new| {
                        old.iter()
                            .all(|(column, value)| new.get(column) == Some(value))
                    });
                    assert!(kept, "level {level}: {table} lost or changed {old_row}");
                }
            }
            checked += 1;
        }
        checked
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(checked >= 20, "{checked} levels");
}
dual!(r_sec_3_backups_of_every_earlier_schema_restore_into_the_current_one);

/// R-SEC-2: the schedule takes a backup when its expression comes due, once among several nodes
/// (a lease in the database), and keeps the newest N archives.
async fn r_sec_2_the_schedule_backs_up_once_among_nodes_and_keeps_the_last_n(app: TestApp) {
    let settings = |node: &str| ecops_app::backups::Settings {
        dir: app.data_dir.join("backups"),
        keep: 2,
        schedule: Some("0 3 * * 0".into()),
        timezone: chrono_tz::Asia::Shanghai,
        node: node.into(),
        app_version: "test".into(),
    };
    let start = app.clock.now_utc();
    let mut taken = 0;
    for week in 1..=3 {
        let now = start + chrono::Duration::days(7 * week);
        let mut nodes = Vec::new();
        for node in ["node-a", "node-b", "node-c"] {
            let s = settings(node);
            let db = app.db.clone();
            nodes.push(tokio::task::spawn_blocking(move || {
                let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
                ecops_app::backups::run_due(&mut conn, &s, now).unwrap_or_else(|e| panic!("{e}"))
            }));
        }
        let mut this_week = 0;
        for n in nodes {
            this_week += usize::from(n.await.unwrap_or_else(|e| panic!("{e}")).is_some());
        }
        assert_eq!(
            this_week, 1,
            "week {week}: one scheduled backup among three nodes"
        );
        taken += this_week;
        // Not due again the same week.
        let s = settings("node-a");
        let again = app
            .with_db(move |c| {
                ecops_app::backups::run_due(c, &s, now).unwrap_or_else(|e| panic!("{e}"))
            })
            .await;
        assert!(again.is_none());
    }
    assert_eq!(taken, 3);
    let admin = app.admin_token().await;
    let listed = app.get("/api/v1/backups", &admin).await;
    let items = listed.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|b| b["origin"] == "schedule"));
    assert!(
        items[2]["removed_at"].is_string(),
        "the oldest file is removed"
    );
    assert!(items[0]["removed_at"].is_null() && items[1]["removed_at"].is_null());
    let files = std::fs::read_dir(app.data_dir.join("backups"))
        .map(|d| d.filter_map(Result::ok).count())
        .unwrap_or_default();
    assert_eq!(files, 2);
}
dual!(r_sec_2_the_schedule_backs_up_once_among_nodes_and_keeps_the_last_n);

/// R-SEC-4: the audit log's hash chain shows an entry altered or deleted directly in the
/// database (the triggers taken off first, as someone with the database's keys could).
async fn r_sec_4_the_audit_chain_detects_an_entry_altered_or_deleted_in_the_database(app: TestApp) {
    let admin = app.admin_token().await;
    for i in 0..4 {
        app.login("admin", &format!("Wrong-Password-{i}")).await;
    }
    let intact = app.get("/api/v1/audit/verify", &admin).await;
    assert_eq!(intact.body["intact"], true, "{}", intact.text);
    assert!(intact.body["entries_checked"].as_i64().unwrap_or_default() >= 5);
    let sqlite = app.backend == Backend::Sqlite;
    let tamper = move |c: &mut AnyConnection, sql: &str| {
        let off = if sqlite {
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
        } else {
            "ALTER TABLE audit_log DISABLE TRIGGER USER;"
        };
        use diesel::connection::SimpleConnection;
        c.batch_execute(off).unwrap_or_else(|e| panic!("{e}"));
        diesel::sql_query(sql)
            .execute(c)
            .unwrap_or_else(|e| panic!("{e}"));
    };
    app.with_db(move |c| tamper(c, "UPDATE audit_log SET outcome = 'success' WHERE seq = 3"))
        .await;
    let altered = app.get("/api/v1/audit/verify", &admin).await;
    assert_eq!(altered.body["intact"], false);
    assert_eq!(altered.body["problems"][0]["kind"], "altered");
    assert_eq!(altered.body["problems"][0]["seq"], 3);
    app.with_db(move |c| {
        diesel::sql_query("DELETE FROM audit_log WHERE seq = 2")
            .execute(c)
            .unwrap_or_else(|e| panic!("{e}"));
    })
    .await;
    let deleted = app.get("/api/v1/audit/verify", &admin).await;
    let kinds: Vec<&str> = deleted.body["problems"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["kind"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        kinds.contains(&"gap") && kinds.contains(&"broken_link"),
        "{kinds:?}"
    );
    // The checks themselves are audited.
    let audit = app.get("/api/v1/audit?action=audit.verify", &admin).await;
    assert_eq!(audit.body["items"].as_array().map(Vec::len), Some(3));
}
dual!(r_sec_4_the_audit_chain_detects_an_entry_altered_or_deleted_in_the_database);

/// The event feed after a restore: what happened after the archive is gone, and the feed goes on
/// above the number it had reached, with an event saying so, so a partner's stored number never
/// skips what comes next.
async fn r_sec_2_a_restore_never_numbers_the_event_feed_backwards(app: TestApp) {
    scenario(&app).await;
    let admin = app.admin_token().await;
    let (_, early) = backup_now(&app, &admin).await;
    let cast_cs = app
        .user_token(
            "cs.more",
            &[JobRole::CustomerService],
            PermissionLevel::Operator,
        )
        .await;
    for i in 0..3 {
        let r = app
            .post(
                "/api/v1/orders",
                Some(&cast_cs.1),
                &app.order_body(&format!("TL-{i}"), "TEA-002", 1),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let (_, late) = backup_now(&app, &admin).await;
    let now = app.clock.now_utc();
    let dir = temp_dir();
    let Some(url) = fresh_database_url(app.backend, &dir.0) else {
        return;
    };
    let heads = tokio::task::spawn_blocking(move || {
        let db = connect(&url);
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        ecops_app::backups::restore(&mut conn, &late, false, now, &mut |_| {})
            .unwrap_or_else(|e| panic!("{e}"));
        let reached = ecops_persistence::repo::outbox::head(&mut conn)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_default();
        ecops_app::backups::restore(&mut conn, &early, true, now, &mut |_| {})
            .unwrap_or_else(|e| panic!("{e}"));
        let events = ecops_persistence::repo::outbox::after(&mut conn, 0, &[], 10_000)
            .unwrap_or_else(|e| panic!("{e}"));
        (reached, events)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let (reached, events) = heads;
    let last = events.last().unwrap_or_else(|| panic!("no events"));
    assert_eq!(last.seq, reached + 1, "the feed goes on above {reached}");
    assert_eq!(last.event_type, "backup.restored");
    assert_eq!(last.context["previous_head"], reached);
    assert!(events
        .iter()
        .all(|e| e.seq <= reached - 3 || e.seq == reached + 1));
}
dual!(r_sec_2_a_restore_never_numbers_the_event_feed_backwards);
