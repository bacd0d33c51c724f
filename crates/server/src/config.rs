//! Typed configuration: built-in defaults, then an optional TOML file, then environment variables
//! (`DATABASE_URL`, `ECOPS_BIND`, … and `ECOPS__SECTION__KEY` for any nested value).

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbSection {
    /// Pool size per server node.
    pub max_connections: u32,
    /// SQLite `synchronous`: FULL (default: an acknowledged write survives a power cut) or NORMAL.
    pub sqlite_synchronous: String,
    /// How long a SQLite writer waits for the lock, in milliseconds.
    pub busy_timeout_ms: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSection {
    pub access_ttl_secs: i64,
    pub refresh_ttl_days: i64,
    pub login_rate_per_minute: u32,
    pub lockout_max_failures: i32,
    pub lockout_minutes: i64,
    /// Clock difference tolerated on a token's `nbf` and `iat` (RFC 7519 §4.1.5), in seconds.
    #[serde(default = "default_clock_leeway")]
    pub clock_leeway_secs: i64,
}

fn default_clock_leeway() -> i64 {
    60
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordSection {
    pub min_length: usize,
    pub min_classes: usize,
    pub max_age_days: i64,
    pub history: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalsSection {
    /// R-APR-5: approved news and page revisions are published within this many hours.
    pub publish_within_hours: i64,
    /// R-ACC-1: the longest a delegation of job roles may last, in days.
    #[serde(default = "default_max_delegation_days")]
    pub max_delegation_days: i64,
}

fn default_max_delegation_days() -> i64 {
    7
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportsSection {
    /// R-REP-2: a month's summaries may be filed or changed through this day of the next month.
    pub monthly_close_day: u32,
    /// R-EVAL-1: once a month is over, draft the evaluations nobody drafted yet.
    #[serde(default = "default_true")]
    pub draft_evaluations: bool,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrdersSection {
    /// R-ORD-3: minutes to contact the customer after accepting an order.
    pub contact_minutes: i64,
    /// R-AFS-2: hours to process a complaint before it is escalated.
    pub complaint_hours: i64,
    /// R-ORD-8: hour (company time) of the daily order export.
    pub export_hour: u32,
    /// How often the scheduler looks for due work, in milliseconds.
    pub scheduler_tick_ms: u64,
    /// This node's name in job leases (default: derived from the process).
    pub node: Option<String>,
    /// R-ORD-10: how far below the effective price customer service may agree a price, in basis
    /// points (500 = 5 %).
    #[serde(default = "default_cs_discount")]
    pub discount_limit_customer_service_bp: u32,
    /// R-ORD-10: the same for the customer-service supervisor; beyond it, the department manager.
    #[serde(default = "default_supervisor_discount")]
    pub discount_limit_cs_supervisor_bp: u32,
    /// R-AFS-1: the value of goods returned or exchanged and gifts that customer service settles
    /// on its own, in fen; beyond it the supervisor decides.
    #[serde(default = "default_aftersales_authority")]
    pub aftersales_authority_customer_service_fen: i64,
}

fn default_aftersales_authority() -> i64 {
    ecops_domain::aftersales::AuthorityLimits::default().customer_service_fen
}

fn default_cs_discount() -> u32 {
    ecops_domain::order::DiscountLimits::default().customer_service_bp
}

fn default_supervisor_discount() -> u32 {
    ecops_domain::order::DiscountLimits::default().cs_supervisor_bp
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadsSection {
    pub max_image_bytes: i64,
    pub max_video_bytes: i64,
    pub max_document_bytes: i64,
}

/// Backups (R-SEC-2).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupsSection {
    /// The folder of the archives (default: `<data_dir>/backups`).
    pub dir: Option<PathBuf>,
    /// When the schedule takes a backup: a cron expression (minute hour day-of-month month
    /// day-of-week) in company time; empty: no scheduled backups.
    pub schedule: String,
    /// How many archives to keep (older files are removed after a scheduled backup).
    pub keep: usize,
}

impl Default for BackupsSection {
    fn default() -> Self {
        BackupsSection {
            dir: None,
            // Weekly, Sunday 03:00 company time.
            schedule: "0 3 * * 0".to_owned(),
            keep: 8,
        }
    }
}

/// Webhook delivery.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksSection {
    /// Hosts (exact names), IP addresses and networks (`10.1.0.0/16`) a subscription may reach
    /// over plain HTTP and at internal addresses. Empty: only public HTTPS targets.
    pub allowlist: Vec<String>,
    /// Waits between tries after a failed delivery, in seconds; when spent, the delivery has
    /// failed (it can be sent again by hand).
    pub retry_schedule_secs: Vec<u64>,
    /// Each wait is stretched by up to this many percent, so failures do not come back at once.
    pub retry_jitter_percent: u32,
    /// A subscription is paused after this many failed attempts in a row (0: never)...
    pub pause_after_failures: u32,
    /// ... once the run of failures has lasted this many minutes.
    #[serde(default = "default_pause_after_minutes")]
    pub pause_after_minutes: u32,
    /// How long one attempt may take, in seconds.
    pub timeout_secs: u64,
    /// How often the dispatcher looks for new events and due retries, in milliseconds.
    pub tick_ms: u64,
    /// Deliveries one node sends at once.
    pub batch: usize,
}

impl Default for WebhooksSection {
    fn default() -> Self {
        let retry = ecops_domain::webhook::RetryPolicy::default();
        WebhooksSection {
            allowlist: Vec::new(),
            retry_schedule_secs: retry
                .schedule
                .iter()
                .map(|d| d.num_seconds().max(0) as u64)
                .collect(),
            retry_jitter_percent: retry.jitter_percent,
            pause_after_failures: 20,
            pause_after_minutes: default_pause_after_minutes(),
            timeout_secs: 10,
            tick_ms: 1_000,
            batch: 16,
        }
    }
}

fn default_pause_after_minutes() -> u32 {
    30
}

/// Integrations over the API.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSection {
    /// Requests a minute an API token may make, unless the token sets its own.
    pub token_rate_per_minute: u32,
}

impl Default for ApiSection {
    fn default() -> Self {
        ApiSection {
            token_rate_per_minute: 600,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendanceSection {
    /// R-ATT-1: start of the working day, company time (`HH:MM:SS`).
    pub day_start: chrono::NaiveTime,
    /// R-ATT-1: end of the working day, company time.
    pub day_end: chrono::NaiveTime,
    /// The days of the week that are working days (`Mon` … `Sun`).
    pub working_days: Vec<chrono::Weekday>,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `sqlite://<path>` or `postgres://user:pass@host/db`.
    pub database_url: String,
    /// Listen address.
    pub bind: String,
    /// Folder for the generated JWT secret, exports and backups.
    pub data_dir: PathBuf,
    /// Signing secret; generated once into the data folder when unset.
    pub jwt_secret: Option<String>,
    /// First-start password of `admin`; random (printed once) when unset.
    pub admin_password: Option<String>,
    /// Company time zone (IANA name).
    pub timezone: String,
    /// `text` or `json` log lines.
    pub log_format: String,
    /// HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// The built dashboard.
    pub dashboard_dir: PathBuf,
    /// Read the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy_headers: bool,
    /// Browser origins allowed to call the API.
    pub cors_origins: Vec<String>,
    pub body_limit_bytes: usize,
    pub import_body_limit_bytes: usize,
    pub idempotency_ttl_hours: i64,
    /// On SIGTERM, seconds in-flight requests may take to finish.
    pub shutdown_timeout_secs: u64,
    /// Requests worked on at once; the excess is refused with 503 and `Retry-After`. 0: no limit.
    /// Unset: derived from the pool and the backend ([`Config::in_flight_limit`]).
    pub max_in_flight_requests: Option<usize>,
    pub db: DbSection,
    pub auth: AuthSection,
    pub password: PasswordSection,
    pub approvals: ApprovalsSection,
    pub reports: ReportsSection,
    pub uploads: UploadsSection,
    pub orders: OrdersSection,
    pub attendance: AttendanceSection,
    /// The vault key: 64 hexadecimal digits (`ECOPS_VAULT_KEY`). Unset: generated once into
    /// `<data_dir>/vault_key` (mode 0600). Several nodes must share one key.
    pub vault_key: Option<String>,
    #[serde(default)]
    pub backups: BackupsSection,
    #[serde(default)]
    pub webhooks: WebhooksSection,
    #[serde(default)]
    pub api: ApiSection,
}

impl Config {
    /// The node's in-flight limit: the configured one, or one derived from the pool. Measured on
    /// a 2-core machine with 256 callers and an open loop at twice the maximum
    /// (`scripts/bench.sh`): SQLite serializes its writers in the process, and two requests per
    /// connection keep the accepted ones' p99 near 55 ms at full throughput; on PostgreSQL one per
    /// two connections does the same (near 80 ms), while more only lengthens the queue.
    pub fn in_flight_limit(&self) -> usize {
        self.max_in_flight_requests.unwrap_or_else(|| {
            let pool = self.db.max_connections.max(1) as usize;
            if self.database_url.starts_with("postgres") {
                pool.div_ceil(2)
            } else {
                pool * 2
            }
        })
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("timezone", &self.timezone)
            .field("backups", &self.backups)
            .finish_non_exhaustive()
    }
}

/// Hides the password of a database URL for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// The keys settable as `ECOPS_<KEY>`.
const TOP_LEVEL_KEYS: [&str; 17] = [
    "vault_key",
    "shutdown_timeout_secs",
    "max_in_flight_requests",
    "database_url",
    "bind",
    "data_dir",
    "jwt_secret",
    "admin_password",
    "timezone",
    "log_format",
    "workers",
    "dashboard_dir",
    "trust_proxy_headers",
    "cors_origins",
    "body_limit_bytes",
    "import_body_limit_bytes",
    "idempotency_ttl_hours",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://./data/ecops.db".to_owned(),
            bind: "127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./data"),
            jwt_secret: None,
            admin_password: None,
            timezone: "Asia/Shanghai".to_owned(),
            log_format: "text".to_owned(),
            workers: None,
            dashboard_dir: PathBuf::from("frontend/dist"),
            trust_proxy_headers: false,
            cors_origins: Vec::new(),
            body_limit_bytes: 1024 * 1024,
            import_body_limit_bytes: 32 * 1024 * 1024,
            idempotency_ttl_hours: 24,
            shutdown_timeout_secs: 30,
            max_in_flight_requests: None,
            db: DbSection {
                max_connections: 16,
                sqlite_synchronous: "FULL".to_owned(),
                busy_timeout_ms: 10_000,
            },
            auth: AuthSection {
                access_ttl_secs: 15 * 60,
                refresh_ttl_days: 14,
                login_rate_per_minute: 30,
                lockout_max_failures: 5,
                lockout_minutes: 15,
                clock_leeway_secs: default_clock_leeway(),
            },
            password: PasswordSection {
                min_length: 8,
                min_classes: 3,
                max_age_days: 90,
                history: 3,
            },
            approvals: ApprovalsSection {
                publish_within_hours: 48,
                max_delegation_days: 7,
            },
            reports: ReportsSection {
                monthly_close_day: 5,
                draft_evaluations: true,
            },
            uploads: UploadsSection {
                max_image_bytes: 5 * 1024 * 1024,
                max_video_bytes: 200 * 1024 * 1024,
                max_document_bytes: 20 * 1024 * 1024,
            },
            orders: OrdersSection {
                contact_minutes: 10,
                complaint_hours: 24,
                export_hour: 18,
                scheduler_tick_ms: 30_000,
                node: None,
                discount_limit_customer_service_bp: default_cs_discount(),
                discount_limit_cs_supervisor_bp: default_supervisor_discount(),
                aftersales_authority_customer_service_fen: default_aftersales_authority(),
            },
            attendance: AttendanceSection {
                day_start: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
                day_end: chrono::NaiveTime::from_hms_opt(17, 30, 0).unwrap_or_default(),
                working_days: vec![
                    chrono::Weekday::Mon,
                    chrono::Weekday::Tue,
                    chrono::Weekday::Wed,
                    chrono::Weekday::Thu,
                    chrono::Weekday::Fri,
                ],
            },
            vault_key: None,
            backups: BackupsSection::default(),
            webhooks: WebhooksSection::default(),
            api: ApiSection::default(),
        }
    }
}

impl Config {
    /// Loads defaults, then the file (if given or if `ecops.toml` exists), then the environment.
    pub fn load(file: Option<&std::path::Path>) -> Result<Config, Box<figment::Error>> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => fig = fig.merge(Toml::file_exact(path)),
            None => fig = fig.merge(Toml::file("ecops.toml")),
        }
        fig = fig
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .merge(
                // Only the top-level keys: other ECOPS_ variables (ECOPS_TEST_DATABASE_URL, …)
                // belong to other tools.
                Env::prefixed("ECOPS_").only(&TOP_LEVEL_KEYS),
            )
            .merge(Env::prefixed("ECOPS__").split("__"));
        fig.extract().map_err(Box::new)
    }

    /// Checks what the types cannot.
    /// The attendance policy this configuration describes (the rule book's fines and tiers).
    pub fn attendance_policy(&self) -> ecops_domain::attendance::AttendancePolicy {
        ecops_domain::attendance::AttendancePolicy {
            start: self.attendance.day_start,
            end: self.attendance.day_end,
            working_weekdays: self.attendance.working_days.clone(),
            ..Default::default()
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if !(1..=90).contains(&self.approvals.max_delegation_days) {
            return Err(format!(
                "approvals.max_delegation_days must be 1 to 90 days, not {}",
                self.approvals.max_delegation_days
            ));
        }
        if !self.backups.schedule.trim().is_empty() {
            ecops_app::backups::parse_schedule(self.backups.schedule.trim())?;
        }
        ecops_domain::webhook::Allowlist::parse(&self.webhooks.allowlist)
            .map_err(|e| format!("webhooks.allowlist: {e}"))?;
        if !(1..=120).contains(&self.webhooks.timeout_secs) {
            return Err("webhooks.timeout_secs must be 1 to 120".to_owned());
        }
        if self.webhooks.retry_schedule_secs.len() > 20 {
            return Err("webhooks.retry_schedule_secs holds at most 20 waits".to_owned());
        }
        if !(1..=256).contains(&self.webhooks.batch) {
            return Err("webhooks.batch must be 1 to 256".to_owned());
        }
        if !(1..=100_000).contains(&self.api.token_rate_per_minute) {
            return Err("api.token_rate_per_minute must be 1 to 100000".to_owned());
        }
        if let Some(k) = &self.vault_key {
            ecops_app::vault::VaultKey::from_hex(k).map_err(|e| format!("ECOPS_VAULT_KEY: {e}"))?;
        }
        self.timezone.parse::<chrono_tz::Tz>().map_err(|_| {
            format!(
                "ECOPS_TIMEZONE `{}` is not an IANA time zone",
                self.timezone
            )
        })?;
        ecops_persistence::db::parse_url(&self.database_url).map_err(|e| e.to_string())?;
        if !["text", "json"].contains(&self.log_format.as_str()) {
            return Err(format!(
                "log_format must be text or json, not `{}`",
                self.log_format
            ));
        }
        if !(1..=28).contains(&self.reports.monthly_close_day) {
            return Err("reports.monthly_close_day must be 1-28".to_owned());
        }
        if self.orders.export_hour > 23 {
            return Err("orders.export_hour must be 0-23".to_owned());
        }
        if self.password.min_length < 6 {
            return Err("password.min_length must be at least 6 (R-ACL-5)".to_owned());
        }
        self.attendance_policy()
            .check()
            .map_err(|e| format!("attendance: {} ({})", e.message, e.field))?;
        if self.jwt_secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err("ECOPS_JWT_SECRET must be at least 32 characters".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
#[expect(
    clippy::result_large_err,
    reason = "figment::Jail closures return figment::Error, which is large"
)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted_for_logs() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("sqlite://./data/x.db"), "sqlite://./data/x.db");
    }

    #[test]
    fn the_environment_overrides_defaults_and_foreign_variables_are_ignored() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("DATABASE_URL", "postgres://u:p@h/db");
            jail.set_env("ECOPS_BIND", "0.0.0.0:9000");
            jail.set_env("ECOPS__AUTH__LOCKOUT_MINUTES", "30");
            jail.set_env("ECOPS_CORS_ORIGINS", "[\"https://ops.example.com\"]");
            jail.set_env("ECOPS_TEST_DATABASE_URL", "postgres://elsewhere/x");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.database_url, "postgres://u:p@h/db");
            assert_eq!(c.bind, "0.0.0.0:9000");
            assert_eq!(c.auth.lockout_minutes, 30);
            assert_eq!(c.cors_origins, vec!["https://ops.example.com".to_owned()]);
            Ok(())
        });
    }

    #[test]
    fn a_config_file_sits_between_defaults_and_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("ecops.toml", "bind = \"127.0.0.1:7000\"\n[password]\nmin_length = 12\nmin_classes = 3\nmax_age_days = 60\nhistory = 5\n")?;
            jail.set_env("ECOPS_BIND", "127.0.0.1:7001");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.bind, "127.0.0.1:7001");
            assert_eq!(c.password.min_length, 12);
            Ok(())
        });
    }

    #[test]
    fn the_in_flight_limit_follows_the_backend_unless_configured() {
        let mut c = Config::default();
        assert_eq!(c.in_flight_limit(), 32);
        c.database_url = "postgres://u@h/db".to_owned();
        assert_eq!(c.in_flight_limit(), 8);
        figment::Jail::expect_with(|jail| {
            jail.set_env("ECOPS_MAX_IN_FLIGHT_REQUESTS", "0");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.in_flight_limit(), 0);
            Ok(())
        });
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn the_example_file_loads_and_is_valid() {
        figment::Jail::expect_with(|jail| {
            let example = include_str!("../../../ecops.example.toml");
            jail.create_file("example.toml", example)?;
            let c = Config::load(Some(std::path::Path::new("example.toml")))
                .map_err(|e| e.to_string())?;
            assert_eq!(c.validate(), Ok(()));
            assert_eq!(c.attendance.working_days.len(), 5);
            assert_eq!(c.backups.schedule, "0 3 * * 0");
            assert_eq!(c.backups.keep, 8);
            Ok(())
        });
    }

    #[test]
    fn a_bad_backup_schedule_or_vault_key_is_refused_at_start() {
        let mut c = Config::default();
        c.backups.schedule = "every sunday".to_owned();
        assert!(c.validate().is_err_and(|e| e.contains("backup schedule")));
        let mut c = Config {
            vault_key: Some("abc".to_owned()),
            ..Config::default()
        };
        assert!(c.validate().is_err_and(|e| e.contains("ECOPS_VAULT_KEY")));
        c.vault_key = Some("ab".repeat(32));
        assert_eq!(c.validate(), Ok(()));
        c.backups.schedule = String::new();
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn an_attendance_day_that_ends_before_it_starts_is_refused() {
        let mut c = Config::default();
        c.attendance.day_end = chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default();
        assert!(c.validate().is_err_and(|e| e.contains("attendance")));
    }
}
