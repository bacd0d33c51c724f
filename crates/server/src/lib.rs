//! Start-up of the ecops server: configuration, telemetry, the database, first-start bootstrap,
//! and the HTTP server. `main` and the test suites build the application the same way.

pub mod cli;
pub mod config;

use config::Config;
use ecops_domain::password::{self, LockoutPolicy, PasswordPolicy};
use ecops_domain::{JobRole, PermissionLevel, StaffLevel};
use ecops_http::auth::{passwords, tokens};
use ecops_http::{AppState, Clock, HttpConfig, JwtSettings};
use ecops_persistence::db::write_tx;
use ecops_persistence::repo::audit::{self, NewEntry, Outcome};
use ecops_persistence::repo::installation;
use ecops_persistence::repo::users::{self, NewUser};
use ecops_persistence::{Database, DbConfig};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use uuid::Uuid;

/// Start-up failures, each with a message an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] ecops_persistence::StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("bootstrap: {0}")]
    Bootstrap(String),
}

/// Opens the database and applies migrations.
pub fn open_database(config: &Config) -> Result<Database, StartupError> {
    let db = Database::connect(&DbConfig {
        url: config.database_url.clone(),
        max_connections: config.db.max_connections,
        sqlite_synchronous: config.db.sqlite_synchronous.clone(),
        busy_timeout_ms: config.db.busy_timeout_ms,
    })?;
    let applied = db.migrate()?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "applied migrations");
    }
    Ok(db)
}

/// The JWT secret: configured, or generated once and kept in the data folder.
pub fn jwt_secret(config: &Config) -> Result<Vec<u8>, StartupError> {
    if let Some(s) = &config.jwt_secret {
        return Ok(s.as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt_secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let secret = format!("{}{}", tokens::random_secret(), tokens::random_secret());
    write_private(&path, &secret)?;
    tracing::info!(path = %path.display(), "generated a JWT signing secret (single-node use; set ECOPS_JWT_SECRET for several nodes)");
    Ok(secret.into_bytes())
}

/// The vault key: configured (`ECOPS_VAULT_KEY`), or generated once into the data folder with
/// mode 0600. A key file that exists but does not parse stops the start (never a new key over
/// secrets sealed with the old one).
pub fn vault_key(config: &Config) -> Result<ecops_app::vault::VaultKey, StartupError> {
    use ecops_app::vault::VaultKey;
    if let Some(k) = &config.vault_key {
        return VaultKey::from_hex(k).map_err(StartupError::Config);
    }
    let path = vault_key_path(config);
    match std::fs::read_to_string(&path) {
        Ok(text) => VaultKey::from_hex(&text)
            .map_err(|e| StartupError::Config(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&config.data_dir)?;
            let (key, text) = VaultKey::generate();
            write_private_atomic(&path, &text)?;
            tracing::info!(path = %path.display(), "generated the vault key (back it up apart from the database; set ECOPS_VAULT_KEY for several nodes)");
            Ok(key)
        }
        Err(e) => Err(e.into()),
    }
}

/// Where the generated vault key is kept.
pub fn vault_key_path(config: &Config) -> std::path::PathBuf {
    config.data_dir.join("vault_key")
}

/// Writes a file only its owner can read, atomically: a temporary file beside it, flushed to
/// disk, then renamed over it (a crash leaves the old content or the new, never a torn file).
pub fn write_private_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    write_private(&tmp, contents)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Writes a file only its owner can read.
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())
}

/// A random password that passes the default policy.
fn random_password() -> String {
    let r = tokens::random_secret();
    let core: String = r
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(16)
        .collect();
    format!("Ec-{core}-7q")
}

/// First start with no users: creates `admin` with every job role at level `db_admin`.
/// Returns the generated password when none was configured (the caller prints it once).
pub fn bootstrap_admin(
    db: &Database,
    config: &Config,
    policy: &PasswordPolicy,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<String>, StartupError> {
    let mut conn = db.conn()?;
    if users::count(&mut conn)? > 0 {
        return Ok(None);
    }
    let (password, generated) = match &config.admin_password {
        Some(p) => (p.clone(), false),
        None => (random_password(), true),
    };
    if let Err(violations) = password::check(&password, "admin", policy) {
        let reasons: Vec<String> = violations.iter().map(|v| v.message(policy)).collect();
        return Err(StartupError::Bootstrap(format!(
            "ECOPS_ADMIN_PASSWORD does not pass the password policy: it {}",
            reasons.join("; ")
        )));
    }
    let hash = passwords::hash(&password).map_err(|e| StartupError::Bootstrap(e.to_string()))?;
    let admin = NewUser {
        id: Uuid::now_v7(),
        username: "admin".to_owned(),
        display_name: "Administrator".to_owned(),
        password_hash: hash,
        permission_level: PermissionLevel::DbAdmin,
        staff_level: StaffLevel::M,
        monthly_wage_fen: None,
        is_special: false,
        roles: JobRole::ALL.to_vec(),
        phone: None,
    };
    write_tx(&mut conn, |conn| -> Result<(), StartupError> {
        users::insert(conn, &admin, None, now)?;
        // The database begins now: the order-export history and the first-run window start here.
        installation::record(conn, admin.id, now)?;
        audit::append(
            conn,
            &NewEntry {
                actor_id: None,
                actor_username: Some("system".to_owned()),
                action: "user.bootstrap_admin".to_owned(),
                subject_type: Some("user".to_owned()),
                subject_id: Some(admin.id.to_string()),
                client_addr: None,
                outcome: Outcome::Success,
                detail: serde_json::json!({"generated_password": generated}),
                request_id: None,
                on_behalf_of: None,
            },
            now,
        )?;
        Ok(())
    })?;
    Ok(generated.then_some(password))
}

/// The HTTP layer's settings from the server's configuration.
pub fn http_config(
    config: &Config,
    secret: Vec<u8>,
    vault_key: ecops_app::vault::VaultKey,
) -> HttpConfig {
    let timezone = config.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    let node = config
        .orders
        .node
        .clone()
        // Containers often all run as process 1: the host name and a random tag keep two nodes'
        // names (their leases) apart.
        .unwrap_or_else(|| {
            let host = std::env::var("HOSTNAME")
                .ok()
                .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "node".to_owned());
            format!(
                "{host}-{}-{:04x}",
                std::process::id(),
                rand::random::<u16>()
            )
        });
    HttpConfig {
        vault_key,
        backups: backup_settings(config, timezone, node.clone()),
        webhooks: webhook_settings(config, node.clone()),
        webhook_tick_ms: config.webhooks.tick_ms,
        token_rate_per_minute: config.api.token_rate_per_minute,
        jwt: JwtSettings {
            secret,
            issuer: "ecops".to_owned(),
            audience: "ecops-api".to_owned(),
            access_ttl_secs: config.auth.access_ttl_secs,
            refresh_ttl_days: config.auth.refresh_ttl_days,
            leeway_secs: config.auth.clock_leeway_secs,
        },
        password_policy: PasswordPolicy {
            min_length: config.password.min_length,
            min_classes: config.password.min_classes,
            max_age_days: config.password.max_age_days,
            history: config.password.history,
        },
        lockout: LockoutPolicy {
            max_failures: config.auth.lockout_max_failures,
            lock_minutes: config.auth.lockout_minutes,
        },
        login_rate_per_minute: config.auth.login_rate_per_minute,
        body_limit: config.body_limit_bytes,
        import_body_limit: config.import_body_limit_bytes,
        cors_origins: config.cors_origins.clone(),
        trust_proxy_headers: config.trust_proxy_headers,
        dashboard_dir: config.dashboard_dir.clone(),
        idempotency_ttl_hours: config.idempotency_ttl_hours,
        publish_within_hours: config.approvals.publish_within_hours,
        lending: ecops_domain::lending::LendingPolicy {
            max_period: chrono::Duration::days(config.approvals.max_delegation_days.max(1)),
        },
        monthly_close_day: config.reports.monthly_close_day,
        draft_evaluations: config.reports.draft_evaluations,
        data_dir: config.data_dir.clone(),
        shutdown_timeout_secs: config.shutdown_timeout_secs,
        max_in_flight: config.in_flight_limit(),
        orders: ecops_http::OrderSettings {
            timezone,
            contact_minutes: config.orders.contact_minutes,
            complaint_hours: config.orders.complaint_hours,
            export_hour: config.orders.export_hour,
            scheduler_tick_ms: config.orders.scheduler_tick_ms,
            node,
            discount_limits: ecops_domain::order::DiscountLimits {
                customer_service_bp: config.orders.discount_limit_customer_service_bp,
                cs_supervisor_bp: config.orders.discount_limit_cs_supervisor_bp,
            },
            aftersales_authority: ecops_domain::aftersales::AuthorityLimits {
                customer_service_fen: config.orders.aftersales_authority_customer_service_fen,
            },
        },
        upload_limits: ecops_http::UploadLimits {
            image_bytes: config.uploads.max_image_bytes,
            video_bytes: config.uploads.max_video_bytes,
            document_bytes: config.uploads.max_document_bytes,
        },
    }
}

/// How webhooks are delivered (the allowlist was checked by [`Config::validate`]).
pub fn webhook_settings(config: &Config, node: String) -> ecops_app::webhooks::Settings {
    let w = &config.webhooks;
    ecops_app::webhooks::Settings {
        allowlist: ecops_domain::webhook::Allowlist::parse(&w.allowlist).unwrap_or_default(),
        retry: ecops_domain::webhook::RetryPolicy {
            schedule: w
                .retry_schedule_secs
                .iter()
                .map(|s| chrono::Duration::seconds(i64::try_from(*s).unwrap_or(i64::MAX / 1000)))
                .collect(),
            jitter_percent: w.retry_jitter_percent.min(100),
        },
        pause_after_failures: w.pause_after_failures,
        pause_after: chrono::Duration::minutes(i64::from(w.pause_after_minutes)),
        timeout: std::time::Duration::from_secs(w.timeout_secs.max(1)),
        batch: w.batch.max(1),
        node,
    }
}

/// Where backups go and when the schedule takes them.
pub fn backup_settings(
    config: &Config,
    timezone: chrono_tz::Tz,
    node: String,
) -> ecops_app::backups::Settings {
    let schedule = config.backups.schedule.trim();
    ecops_app::backups::Settings {
        dir: config
            .backups
            .dir
            .clone()
            .unwrap_or_else(|| config.data_dir.join("backups")),
        keep: config.backups.keep.max(1),
        schedule: (!schedule.is_empty()).then(|| schedule.to_owned()),
        timezone,
        node,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// A built, listening application.
pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    state: actix_web::web::Data<AppState>,
    /// The bootstrap admin's generated password, if one was generated on this start.
    pub generated_admin_password: Option<String>,
}

impl Application {
    /// Opens the database, bootstraps, binds the listener and builds the server (not yet awaited).
    pub fn build(config: &Config, clock: Arc<dyn Clock>) -> Result<Application, StartupError> {
        config.validate().map_err(StartupError::Config)?;
        let db = open_database(config)?;
        let secret = jwt_secret(config)?;
        let key = vault_key(config)?;
        ecops_app::vault::check_key(&mut *db.conn()?, &key)
            .map_err(|e| StartupError::Config(e.to_string()))?;
        let http = http_config(config, secret, key);
        let generated = bootstrap_admin(&db, config, &http.password_policy, clock.now())?;
        // The configuration's attendance policy becomes the first version once; after that the
        // versions are managed through the API.
        ecops_app::workdays::seed(
            &mut *db.conn()?,
            config.attendance_policy(),
            &config.timezone,
            clock.now(),
        )
        .map_err(|e| StartupError::Bootstrap(e.to_string()))?;
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| StartupError::Config(format!("cannot listen on {}: {e}", config.bind)))?;
        let port = listener.local_addr()?.port();
        let state = actix_web::web::Data::new(
            AppState::new(db, http, clock).map_err(|e| StartupError::Bootstrap(e.to_string()))?,
        );
        let server = ecops_http::serve(listener, state.clone(), config.workers)?;
        Ok(Application {
            port,
            server,
            state,
            generated_admin_password: generated,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server gracefully.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGTERM/SIGINT stop it gracefully: in-flight requests finish).
    /// The scheduler (daily order exports, R-ORD-8) runs beside the server until it stops.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let scheduler = tokio::spawn(ecops_http::routes::exports::run_scheduler(
            self.state.clone(),
        ));
        let backups = tokio::spawn(ecops_http::routes::backups::run_scheduler(
            self.state.clone(),
        ));
        let evaluations = tokio::spawn(ecops_http::routes::evaluations::run_scheduler(
            self.state.clone(),
        ));
        let webhooks = tokio::spawn(ecops_http::routes::webhooks::run_dispatcher(
            self.state.clone(),
        ));
        let result = self.server.await;
        webhooks.abort();
        scheduler.abort();
        backups.abort();
        evaluations.abort();
        result
    }
}
