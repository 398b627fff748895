//! Settings, read from the environment (and command-line flags of the same name).
//! Every setting is documented here once; `twinning --help` and README show them.

use std::net::SocketAddr;

/// Settings shared by `twinning` and `twinning-worker`.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Database URL: `sqlite://FILE` (created if missing; the job queue goes to FILE with
    /// `.queue.db`) or `postgres://USER@HOST/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://twinning.db")]
    pub database_url: String,

    /// Address the web server listens on.
    #[arg(long, env = "TWINNING_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Public base URL used in links (private registration pages, emails). Defaults to
    /// `http://` + the bind address.
    #[arg(long, env = "TWINNING_BASE_URL")]
    pub base_url: Option<String>,

    /// Maximum database connections per process.
    #[arg(long, env = "TWINNING_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, env = "TWINNING_MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,

    /// Public registrations allowed per client IP address per minute (0 = no limit).
    #[arg(long, env = "TWINNING_REGISTRATIONS_PER_MINUTE", default_value_t = 60)]
    pub registrations_per_minute: u32,

    /// Fill an empty database with sample events a newcomer can click through: `auto`
    /// (only for SQLite), `always` or `never`.
    #[arg(long, env = "TWINNING_SAMPLE_DATA", default_value = "auto")]
    pub sample_data: SampleData,

    /// Log format: `text` for people, `json` for log collectors. Levels come from `RUST_LOG`.
    #[arg(long, env = "TWINNING_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,
}

/// When to load the sample site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SampleData {
    /// On an empty SQLite database.
    Auto,
    /// On any empty database.
    Always,
    /// Never.
    Never,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl Settings {
    /// Settings for tests and tools: defaults with the given database.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            bind: "127.0.0.1:0".parse().expect("valid address"),
            base_url: None,
            db_max_connections: 16,
            max_body_bytes: 64 * 1024,
            registrations_per_minute: 0,
            sample_data: SampleData::Never,
            log_format: LogFormat::Text,
        }
    }

    /// The base URL without a trailing slash.
    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }
}

/// Sets up tracing. Secrets never reach the logs: tokens are not logged by any handler and
/// request logging records the matched route, not the raw path.
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,apalis=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
