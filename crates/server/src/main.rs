//! `ecops`: the server binary and its administrative subcommands.

use clap::{Parser, Subcommand};
use ecops_server::config::{redact_url, Config};
use ecops_server::{cli, Application};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "ecops",
    version,
    about = "Operations system of the e-commerce department"
)]
struct Cli {
    /// Configuration file (TOML); `ecops.toml` in the working folder is read when present.
    #[arg(long, global = true, env = "ECOPS_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the API and dashboard server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Write a portable archive of the whole database while the server runs (SQLite or
    /// PostgreSQL; it restores into either), recorded in the list of backups.
    Backup {
        /// Target file (default: a new file in the backup folder, `<data_dir>/backups`).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(subcommand)]
        action: Option<BackupAction>,
    },
    /// Restore an archive into an empty database, or with --replace over an existing one (stop
    /// the server first). An older archive is migrated forward; a newer one is refused.
    Restore {
        /// The archive (`ecops backup` or `POST /api/v1/backups` made it).
        from: PathBuf,
        /// Replace a database that holds data (everything in it is lost).
        #[arg(long)]
        replace: bool,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// The official-account vault.
    Vault {
        #[command(subcommand)]
        action: VaultAction,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Debug, Subcommand)]
enum BackupAction {
    /// Check an archive without restoring it: the manifest, every table against its checksum.
    Verify {
        /// The archive.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AuditAction {
    /// Walk the hash chain end to end; exit 1 when an entry was altered, deleted or slipped in.
    Verify,
}

#[derive(Debug, Subcommand)]
enum VaultAction {
    /// Re-seal every secret under a new key, in one transaction.
    RotateKey {
        /// The new key (64 hexadecimal digits); default: a generated one.
        #[arg(long)]
        new_key: Option<String>,
    },
}

fn init_tracing(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if format == "json" {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init();
    } else {
        builder.init();
    }
}

/// mimalloc instead of the C library's allocator: per-thread free lists without the
/// consolidation passes glibc runs across the blocking pool's threads (about 8 % less server CPU
/// per detail read in `scripts/bench.sh`, which uses the same allocator).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        print!("{}", ecops_http::openapi::document_json());
        return ExitCode::SUCCESS;
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ecops: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config.log_format);
    // Events a command records (a backup taken from the CLI) carry their resource as the API
    // shows it, as the server's do.
    ecops_app::outbox::set_renderer(ecops_http::routes::events::render);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate => ecops_server::open_database(&config)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Command::Backup {
            action: Some(BackupAction::Verify { file }),
            ..
        } => cli::verify(&config, &file),
        Command::Backup { out, action: None } => cli::backup(&config, out.as_deref()),
        Command::Restore { from, replace } => cli::restore(&config, &from, replace),
        Command::Audit {
            action: AuditAction::Verify,
        } => cli::audit_verify(&config),
        Command::Vault {
            action: VaultAction::RotateKey { new_key },
        } => cli::rotate_vault_key(&config, new_key.as_deref()),
        Command::Openapi => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ecops: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(config: Config) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(&config, Arc::new(ecops_http::SystemClock)).map_err(|e| e.to_string())?;
        if let Some(password) = &app.generated_admin_password {
            println!(
                "\n  First start: created user `admin` with the generated password\n\n      {password}\n\n  \
                 It is shown only this once. Set ECOPS_ADMIN_PASSWORD before the first start to choose it.\n"
            );
        }
        tracing::info!(
            address = %config.bind,
            port = app.port(),
            database = %redact_url(&config.database_url),
            "ecops listening; dashboard at http://{}/",
            config.bind
        );
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}
