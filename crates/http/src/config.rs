//! Settings the HTTP layer needs, filled by the server from its layered configuration.

use ecops_domain::password::{LockoutPolicy, PasswordPolicy};
use std::path::PathBuf;

/// JWT signing settings. HS256 only; the algorithm is pinned when verifying.
#[derive(Clone)]
pub struct JwtSettings {
    pub secret: Vec<u8>,
    pub issuer: String,
    pub audience: String,
    pub access_ttl_secs: i64,
    pub refresh_ttl_days: i64,
    /// Clock difference tolerated on `nbf` and `iat`, in seconds.
    pub leeway_secs: i64,
}

impl std::fmt::Debug for JwtSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtSettings")
            .field("secret", &"[redacted]")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("access_ttl_secs", &self.access_ttl_secs)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub jwt: JwtSettings,
    pub password_policy: PasswordPolicy,
    pub lockout: LockoutPolicy,
    /// Login attempts allowed per client address per minute.
    pub login_rate_per_minute: u32,
    /// Largest JSON body accepted, in bytes.
    pub body_limit: usize,
    /// Largest import body accepted, in bytes.
    pub import_body_limit: usize,
    /// Origins allowed to call the API from a browser (empty: same origin only).
    pub cors_origins: Vec<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy_headers: bool,
    /// Folder with the built dashboard (`index.html`, `pkg/`).
    pub dashboard_dir: PathBuf,
    /// How long idempotency keys are kept, in hours.
    pub idempotency_ttl_hours: i64,
    /// R-APR-5: approved news and page revisions must be published within this many hours.
    pub publish_within_hours: i64,
    /// R-ACC-1: the longest a delegation of job roles may last.
    pub lending: ecops_domain::lending::LendingPolicy,
    /// R-REP-2: a month's summaries may be filed or changed through this day of the next month.
    pub monthly_close_day: u32,
    /// R-EVAL-1: the scheduler drafts the evaluations of a month that is over.
    pub draft_evaluations: bool,
    /// R-PUB-3: largest image, video and document attachments, in bytes.
    pub upload_limits: UploadLimits,
    /// Orders, after-sales and exports.
    pub orders: OrderSettings,
    /// Attendance policy and working days.
    /// The data folder (exports are written under it).
    pub data_dir: PathBuf,
    /// On SIGTERM, how long in-flight requests (and open event streams) may take to finish.
    pub shutdown_timeout_secs: u64,
    /// Requests this node works on at once; beyond it a request is refused at once with 503 and
    /// `Retry-After` (health, readiness and metrics always answer). 0: no limit.
    pub max_in_flight: usize,
    /// The key sealing the vault's secrets (R-SEC-1).
    pub vault_key: ecops_app::vault::VaultKey,
    /// Where backups go and their schedule (R-SEC-2).
    pub backups: ecops_app::backups::Settings,
    /// How webhooks are delivered: allowlist, retries, pausing, timeout.
    pub webhooks: ecops_app::webhooks::Settings,
    /// How often the webhook dispatcher looks for new events and due retries, in milliseconds.
    pub webhook_tick_ms: u64,
    /// Requests a minute an API token may make unless the token sets its own.
    pub token_rate_per_minute: u32,
}

/// Deadlines and schedules of orders and after-sales (R-ORD-3, R-ORD-8, R-AFS-2).
#[derive(Debug, Clone)]
pub struct OrderSettings {
    /// The company time zone: days and the 18:00 export are judged in it.
    pub timezone: chrono_tz::Tz,
    /// R-ORD-3: customer contact within this many minutes of accepting.
    pub contact_minutes: i64,
    /// R-AFS-2: complaints are processed within this many hours, else escalated.
    pub complaint_hours: i64,
    /// R-ORD-8: the daily export runs at this hour (company time).
    pub export_hour: u32,
    /// How often the scheduler looks for due work, in milliseconds.
    pub scheduler_tick_ms: u64,
    /// This node's name in job leases.
    pub node: String,
    /// R-ORD-10: how far below the effective price each role may agree a price.
    pub discount_limits: ecops_domain::order::DiscountLimits,
    /// R-AFS-1: what customer service settles on its own in after-sales.
    pub aftersales_authority: ecops_domain::aftersales::AuthorityLimits,
}

impl Default for OrderSettings {
    fn default() -> Self {
        OrderSettings {
            timezone: chrono_tz::Asia::Shanghai,
            contact_minutes: 10,
            complaint_hours: 24,
            export_hour: 18,
            scheduler_tick_ms: 30_000,
            node: format!("node-{}", std::process::id()),
            discount_limits: ecops_domain::order::DiscountLimits::default(),
            aftersales_authority: ecops_domain::aftersales::AuthorityLimits::default(),
        }
    }
}

/// Size limits of uploads by kind (R-PUB-3).
pub use ecops_domain::content::UploadLimits;

impl HttpConfig {
    /// Defaults for a given secret (used by tests and as the base of the server's config).
    pub fn with_secret(secret: Vec<u8>) -> Self {
        HttpConfig {
            jwt: JwtSettings {
                secret,
                issuer: "ecops".to_owned(),
                audience: "ecops-api".to_owned(),
                access_ttl_secs: 15 * 60,
                refresh_ttl_days: 14,
                leeway_secs: 60,
            },
            password_policy: PasswordPolicy::default(),
            lockout: LockoutPolicy::default(),
            login_rate_per_minute: 30,
            body_limit: 1024 * 1024,
            import_body_limit: 32 * 1024 * 1024,
            cors_origins: Vec::new(),
            trust_proxy_headers: false,
            dashboard_dir: PathBuf::from("frontend/dist"),
            idempotency_ttl_hours: 24,
            publish_within_hours: 48,
            lending: ecops_domain::lending::LendingPolicy::default(),
            monthly_close_day: 5,
            draft_evaluations: true,
            upload_limits: UploadLimits::default(),
            orders: OrderSettings::default(),
            data_dir: PathBuf::from("data"),
            shutdown_timeout_secs: 30,
            max_in_flight: 512,
            vault_key: ecops_app::vault::VaultKey::generate().0,
            backups: ecops_app::backups::Settings {
                dir: PathBuf::from("data/backups"),
                keep: 8,
                schedule: None,
                timezone: chrono_tz::Asia::Shanghai,
                node: "node".to_owned(),
                app_version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            webhooks: ecops_app::webhooks::Settings::default(),
            webhook_tick_ms: 1_000,
            token_rate_per_minute: 600,
        }
    }
}
