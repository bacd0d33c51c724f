//! Test harness: a real ecops server on a fresh database per test, on SQLite or PostgreSQL,
//! reached over HTTP.
//!
//! PostgreSQL runs when `ECOPS_TEST_DATABASE_URL` names a database whose role may create
//! databases; each test gets its own. Under `CI=true` a missing URL fails the PostgreSQL variant
//! instead of skipping it.

use chrono::Utc;
use ecops_domain::{JobRole, PermissionLevel, StaffLevel};
use ecops_http::auth::passwords;
use ecops_http::ManualClock;
use ecops_persistence::repo::users::{self, NewUser};
use ecops_persistence::{Database, DbConfig};
use ecops_server::config::Config;
use ecops_server::Application;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

pub use chrono;
pub use serde_json;

/// The bootstrap admin's password in every test server.
pub const ADMIN_PASSWORD: &str = "Lotus-Harbour-2026";
/// The password fixtures give the users they create.
pub const USER_PASSWORD: &str = "Quiet-Meadow-77";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub db: Database,
    pub backend: Backend,
    /// The URL of this test's database.
    pub database_url: String,
    /// The server's data folder (generated keys, backups, exports).
    pub data_dir: std::path::PathBuf,
    handle: actix_web::dev::ServerHandle,
    _dir: TempDir,
}

/// A temporary folder removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop the server and wait for its workers to end, so their database connections close
        // now rather than at process exit (where libpq's TLS teardown would race them).
        let handle = self.handle.clone();
        let stop = async move { handle.stop(true).await };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) if rt.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| rt.block_on(stop));
            }
            _ => drop(stop),
        }
    }
}

/// The PostgreSQL URL of the test cluster, if configured.
pub fn postgres_url() -> Option<String> {
    match std::env::var("ECOPS_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but ECOPS_TEST_DATABASE_URL is not set: PostgreSQL tests cannot be skipped in CI");
            }
            None
        }
    }
}

/// Creates a fresh database on the test cluster and returns its URL.
pub fn fresh_postgres_database(base: &str) -> String {
    use diesel::{Connection, RunQueryDsl};
    let name = format!("ecops_t_{}", Uuid::now_v7().simple());
    let mut conn = diesel::PgConnection::establish(base)
        .unwrap_or_else(|e| panic!("PostgreSQL at ECOPS_TEST_DATABASE_URL is unreachable: {e}"));
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
    let (prefix, _) = base.rsplit_once('/').unwrap_or((base, ""));
    let query = base
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{prefix}/{name}{query}")
}

pub fn temp_dir() -> TempDir {
    let dir = std::env::temp_dir().join(format!("ecops-test-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
    TempDir(dir)
}

/// The URL of a fresh database of `backend`, or `None` when PostgreSQL is not configured.
pub fn fresh_database_url(backend: Backend, dir: &std::path::Path) -> Option<String> {
    match backend {
        Backend::Sqlite => Some(format!("sqlite://{}", dir.join("ecops.db").display())),
        Backend::Postgres => postgres_url().map(|base| fresh_postgres_database(&base)),
    }
}

/// Starts a server on a fresh database; `None` when the backend is not available here.
pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
    let dir = temp_dir();
    let url = fresh_database_url(backend, &dir.0)?;
    let mut config = test_config(url, &dir.0);
    tweak(&mut config);
    let clock = ManualClock::new(Utc::now());
    let app = Application::build(&config, Arc::new(clock.clone()))
        .unwrap_or_else(|e| panic!("the test server failed to start: {e}"));
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    let db = Database::connect(&DbConfig {
        max_connections: 2,
        ..DbConfig::new(config.database_url.clone())
    })
    .unwrap_or_else(|e| panic!("test database: {e}"));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"));
    Some(TestApp {
        address,
        client,
        clock,
        db,
        backend,
        database_url: config.database_url.clone(),
        data_dir: config.data_dir.clone(),
        handle,
        _dir: dir,
    })
}

/// Another server node of a test's application: same database, keys and data folder, its own
/// clock, scheduler and webhook dispatcher.
pub struct Node {
    pub address: String,
    pub clock: ManualClock,
    pub handle: actix_web::dev::ServerHandle,
}

impl TestApp {
    /// Starts another node on this application's database (as a second server would).
    pub async fn spawn_node(&self, tweak: impl FnOnce(&mut Config)) -> Node {
        let dir = self
            .data_dir
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_else(|| self.data_dir.clone());
        let mut config = test_config(self.database_url.clone(), &dir);
        tweak(&mut config);
        let clock = ManualClock::new(self.clock.now_utc());
        let app = Application::build(&config, Arc::new(clock.clone()))
            .unwrap_or_else(|e| panic!("the second node failed to start: {e}"));
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        Node {
            address,
            clock,
            handle,
        }
    }

    /// Stops this node as a crash would, without waiting for what it is doing (its scheduler and
    /// webhook dispatcher stop with it).
    pub async fn kill(&self) {
        self.handle.stop(false).await;
    }
}

/// The configuration of a test server on `url` with its files under `dir`.
fn test_config(url: String, dir: &std::path::Path) -> Config {
    let mut config = Config {
        database_url: url,
        bind: "127.0.0.1:0".to_owned(),
        data_dir: dir.join("data"),
        jwt_secret: Some("test-secret-0123456789-abcdefghijklmnop".to_owned()),
        admin_password: Some(ADMIN_PASSWORD.to_owned()),
        workers: Some(2),
        dashboard_dir: dir.join("no-dashboard"),
        ..Config::default()
    };
    config.db.max_connections = 8;
    // The concurrency tests fire bursts above the default in-flight limit of so small a pool to
    // prove their locks; admission control has its own test (`admission`).
    config.max_in_flight_requests = Some(512);
    // Open event streams end with the test rather than holding the server for 30 s.
    config.shutdown_timeout_secs = 1;
    // Tests that move the clock across a month draft evaluations themselves; the scheduler's
    // drafting has its own test.
    config.reports.draft_evaluations = false;
    // Webhooks are delivered to receivers on loopback in the tests, at once.
    config.webhooks.allowlist = vec!["127.0.0.1".to_owned()];
    config
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// Declares a test that runs once on SQLite and once on PostgreSQL: `dual!(name)` for an
/// `async fn name(app: TestApp)`, or `dual!(name, |config| ...)` to adjust the configuration.
#[macro_export]
macro_rules! dual {
    ($name:ident) => {
        $crate::dual!($name, |_c: &mut ecops_server::config::Config| {});
    };
    ($name:ident, $tweak:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let app = $crate::spawn_app_with($crate::Backend::Sqlite, $tweak).await;
                super::$name(app.expect("sqlite is always available")).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                match $crate::spawn_app_with($crate::Backend::Postgres, $tweak).await {
                    Some(app) => super::$name(app).await,
                    None => eprintln!("skipped: ECOPS_TEST_DATABASE_URL is not set"),
                }
            }
        }
    };
}

/// An answer read whole: status, headers and JSON body (or `Null`).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    pub async fn read(resp: Response) -> Reply {
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem document with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "not a problem document: {}",
            self.text
        );
        assert_eq!(
            self.body["code"], code,
            "unexpected code; body: {}",
            self.text
        );
        assert_eq!(self.body["status"], status);
        self
    }

    /// The `field` of each entry of `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let rb = self.client.request(method, self.url(path));
        match token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    pub async fn send(&self, rb: RequestBuilder) -> Reply {
        Reply::read(
            rb.send()
                .await
                .unwrap_or_else(|e| panic!("request failed: {e}")),
        )
        .await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(self.request(Method::GET, path, Some(token)))
            .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.send(self.request(Method::POST, path, token).json(body))
            .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Reply {
        self.post(
            "/api/v1/auth/login",
            None,
            &json!({"username": username, "password": password}),
        )
        .await
    }

    /// Logs in and returns the access token, failing the test otherwise.
    pub async fn token(&self, username: &str, password: &str) -> String {
        let r = self.login(username, password).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "login of {username} failed: {}",
            r.text
        );
        r.body["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn admin_token(&self) -> String {
        self.token("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user directly in the database (fixtures need levels that only approvals grant).
    pub async fn seed_user(
        &self,
        username: &str,
        roles: &[JobRole],
        level: PermissionLevel,
    ) -> Uuid {
        let db = self.db.clone();
        let now = self.clock.now_utc();
        let new = NewUser {
            id: Uuid::now_v7(),
            username: username.to_owned(),
            display_name: username.to_owned(),
            password_hash: passwords::hash(USER_PASSWORD).unwrap_or_default(),
            permission_level: level,
            staff_level: StaffLevel::P,
            monthly_wage_fen: Some(800_000),
            is_special: false,
            roles: roles.to_vec(),
            phone: None,
        };
        let id = new.id;
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            users::insert(&mut conn, &new, None, now).unwrap_or_else(|e| panic!("seed user: {e}"));
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        id
    }

    /// Seeds a user and logs them in.
    pub async fn user_token(
        &self,
        username: &str,
        roles: &[JobRole],
        level: PermissionLevel,
    ) -> (Uuid, String) {
        let id = self.seed_user(username, roles, level).await;
        (id, self.token(username, USER_PASSWORD).await)
    }

    /// A clocking device: an account `name` and its API token with `attendance:write`.
    pub async fn device_token(&self, name: &str) -> String {
        let admin = self.admin_token().await;
        let device = self.seed_user(name, &[], PermissionLevel::Operator).await;
        let r = self
            .post(
                "/api/v1/api-tokens",
                Some(&admin),
                &serde_json::json!({"name": format!("{name} clock"), "user_id": device, "scopes": ["attendance:write"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.body["token"].as_str().unwrap_or_default().to_owned()
    }

    /// Runs blocking database work against the test database.
    pub async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut ecops_persistence::AnyConnection) -> T + Send + 'static,
    ) -> T {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            f(&mut conn)
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn user_count(&self) -> i64 {
        self.with_db(|c| users::count(c).unwrap_or(-1)).await
    }
}

/// Extension for the manual clock.
pub trait ClockExt {
    fn now_utc(&self) -> chrono::DateTime<Utc>;
}

impl ClockExt for ManualClock {
    fn now_utc(&self) -> chrono::DateTime<Utc> {
        use ecops_http::Clock;
        self.now()
    }
}

/// One colleague per job role, logged in: the people a workflow test needs.
pub struct Cast {
    pub planner: (Uuid, String),
    pub storefront: (Uuid, String),
    pub marketing: (Uuid, String),
    pub dept: (Uuid, String),
    pub gm: (Uuid, String),
    pub it: (Uuid, String),
    pub warehouse: (Uuid, String),
    pub designer: (Uuid, String),
    pub cs: (Uuid, String),
}

impl TestApp {
    /// Seeds and logs in one operator per role.
    pub async fn cast(&self) -> Cast {
        let op = PermissionLevel::Operator;
        Cast {
            planner: self.user_token("pl.anner", &[JobRole::Planner], op).await,
            storefront: self
                .user_token("st.orefront", &[JobRole::StorefrontSpecialist], op)
                .await,
            marketing: self
                .user_token("ma.rketing", &[JobRole::MarketingDirector], op)
                .await,
            dept: self.user_token("de.pt", &[JobRole::DeptManager], op).await,
            gm: self
                .user_token("gm.boss", &[JobRole::GeneralManager], op)
                .await,
            it: self.user_token("it.lead", &[JobRole::ItAdmin], op).await,
            warehouse: self
                .user_token("wa.rehouse", &[JobRole::Warehouse], op)
                .await,
            designer: self.user_token("de.signer", &[JobRole::Designer], op).await,
            cs: self
                .user_token("cs.agent", &[JobRole::CustomerService], op)
                .await,
        }
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.send(self.request(Method::PUT, path, Some(token)).json(body))
            .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.send(self.request(Method::PATCH, path, Some(token)).json(body))
            .await
    }

    /// Approves or rejects a request, asserting nothing.
    pub async fn decide(&self, request: &str, token: &str, verdict: &str) -> Reply {
        self.post(
            &format!("/api/v1/approvals/{request}/decisions"),
            Some(token),
            &json!({"verdict": verdict, "comment": format!("{verdict}d in test")}),
        )
        .await
    }

    /// Creates a draft as the planner; returns its id.
    pub async fn draft(&self, cast: &Cast, sku: &str, price_fen: i64) -> String {
        let r = self
            .post(
                "/api/v1/products",
                Some(&cast.planner.1),
                &json!({"sku": sku, "title": format!("Product {sku}"), "category": "tea",
                        "list_price_fen": price_fen + 1000, "price_fen": price_fen}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "create {sku}: {}", r.text);
        r.body["id"].as_str().unwrap_or_default().to_owned()
    }

    /// Receives `qty` into stock as the warehouse.
    pub async fn receive(&self, cast: &Cast, product: &str, qty: i64) -> Reply {
        self.post(
            &format!("/api/v1/products/{product}/stock-movements"),
            Some(&cast.warehouse.1),
            &json!({"delta": qty, "reason": "receipt"}),
        )
        .await
    }

    /// A listed product with `stock` in stock, through the real listing flow.
    pub async fn listed(&self, cast: &Cast, sku: &str, price_fen: i64, stock: i64) -> String {
        let id = self.draft(cast, sku, price_fen).await;
        if stock > 0 {
            assert_eq!(
                self.receive(cast, &id, stock).await.status,
                StatusCode::CREATED
            );
        }
        let r = self
            .post(
                &format!("/api/v1/products/{id}/listing-requests"),
                Some(&cast.planner.1),
                &json!({"reason": "new season"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
        let req = r.body["id"].as_str().unwrap_or_default().to_owned();
        let d = self.decide(&req, &cast.marketing.1, "approve").await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.text);
        id
    }

    pub async fn product(&self, id: &str, token: &str) -> Reply {
        self.get(&format!("/api/v1/products/{id}"), token).await
    }
}

impl TestApp {
    /// A valid order body for `sku` with a new customer.
    pub fn order_body(&self, channel_no: &str, sku: &str, quantity: i64) -> Value {
        json!({
            "channel": "taobao", "channel_order_no": channel_no,
            "customer": {"name": "王芳", "phone": "13800000001", "address": "杭州市西湖区 1 号"},
            "shipping_address": "杭州市西湖区 1 号", "payment_method": "alipay", "payment_status": "paid",
            "lines": [{"sku": sku, "quantity": quantity}]
        })
    }

    /// Creates an order as customer service; returns the answer.
    pub async fn order(&self, cast: &Cast, body: &Value) -> Reply {
        self.post("/api/v1/orders", Some(&cast.cs.1), body).await
    }

    /// Appends an order event as `token`.
    pub async fn event(&self, order: &str, token: &str, body: Value) -> Reply {
        self.post(
            &format!("/api/v1/orders/{order}/events"),
            Some(token),
            &body,
        )
        .await
    }
}
