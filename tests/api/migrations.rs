//! R-SEC-3: migrations apply, revert and re-apply cleanly on each backend.

use ecops_persistence::db::{self, Backend as DbBackend};
use ecops_persistence::{Database, DbConfig};
use ecops_tests::{fresh_database_url, Backend, TempDir};

fn round_trip(backend: Backend) {
    let dir =
        TempDir(std::env::temp_dir().join(format!("ecops-mig-{}", uuid::Uuid::now_v7().simple())));
    std::fs::create_dir_all(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let Some(url) = fresh_database_url(backend, &dir.0) else {
        eprintln!("skipped: ECOPS_TEST_DATABASE_URL is not set");
        return;
    };
    let database = Database::connect(&DbConfig::new(url)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        database.backend() == DbBackend::Sqlite,
        backend == Backend::Sqlite
    );
    let mut conn = database.conn().unwrap_or_else(|e| panic!("{e}"));
    let first = db::migrate(&mut conn).unwrap_or_else(|e| panic!("migrate: {e}"));
    assert!(!first.is_empty());
    let reverted = db::revert_all(&mut conn).unwrap_or_else(|e| panic!("revert: {e}"));
    assert_eq!(reverted, first.len());
    let again = db::migrate(&mut conn).unwrap_or_else(|e| panic!("re-apply: {e}"));
    assert_eq!(again, first);
    assert!(
        db::migrate(&mut conn)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty(),
        "nothing left to apply"
    );
}

#[test]
fn r_sec_3_migrations_apply_revert_and_reapply_on_sqlite() {
    round_trip(Backend::Sqlite);
}

#[test]
fn r_sec_3_migrations_apply_revert_and_reapply_on_postgres() {
    round_trip(Backend::Postgres);
}

#[test]
fn a_database_newer_than_the_server_is_refused() {
    use diesel::RunQueryDsl;
    let dir =
        TempDir(std::env::temp_dir().join(format!("ecops-mig-{}", uuid::Uuid::now_v7().simple())));
    std::fs::create_dir_all(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let url = fresh_database_url(Backend::Sqlite, &dir.0).unwrap_or_default();
    let database = Database::connect(&DbConfig::new(url)).unwrap_or_else(|e| panic!("{e}"));
    database.migrate().unwrap_or_else(|e| panic!("{e}"));
    let mut conn = database.conn().unwrap_or_else(|e| panic!("{e}"));
    diesel::sql_query("INSERT INTO __diesel_schema_migrations (version) VALUES ('29990101000000')")
        .execute(&mut *conn)
        .unwrap_or_else(|e| panic!("{e}"));
    let err = database
        .migrate()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("newer than this server"), "{err}");
}
