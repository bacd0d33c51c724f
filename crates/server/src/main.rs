//! `ecops`: the server binary and its administrative subcommands.

use clap::{Parser, Subcommand};
use ecops_server::config::{redact_url, Config};
use ecops_server::{backup, Application};
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
    /// Write a consistent, checksummed copy of the SQLite database.
    Backup {
        /// Target file (default: <data_dir>/backups/ecops-<timestamp>.db).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Restore the SQLite database from a backup after verifying its checksum (server stopped).
    Restore {
        /// The backup file (its `.sha256` sidecar must sit beside it).
        from: PathBuf,
    },
    /// Print the OpenAPI document.
    Openapi,
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
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate => ecops_server::open_database(&config)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Command::Backup { out } => {
            let out = out.unwrap_or_else(|| {
                config.data_dir.join("backups").join(format!(
                    "ecops-{}.db",
                    chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
                ))
            });
            backup::backup(&config.database_url, &out)
                .map(|sum| println!("{}  {}", sum, out.display()))
        }
        Command::Restore { from } => backup::restore(&config.database_url, &from).map(|()| {
            println!(
                "restored {} into {}",
                from.display(),
                redact_url(&config.database_url)
            )
        }),
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
