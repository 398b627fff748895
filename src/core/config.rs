//! Settings, read from the environment (and command-line flags of the same name).
//! Every setting is documented here once; `twinning --help` and README show them.

use std::net::SocketAddr;

/// Stripe's API, unless `STRIPE_API_BASE` points elsewhere (a fake in tests).
pub const DEFAULT_STRIPE_API_BASE: &str = "https://api.stripe.com/";

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

    /// SQLite durability: `full` (every commit survives a power cut; the default) or `normal`
    /// (commits survive a crash of the process but the last ones may be lost if the machine
    /// loses power; much faster on slow disks). Ignored for PostgreSQL.
    #[arg(long, env = "TWINNING_SQLITE_SYNCHRONOUS", default_value = "full")]
    pub sqlite_synchronous: SqliteSync,

    /// Maximum database connections per process.
    #[arg(long, env = "TWINNING_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, env = "TWINNING_MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,

    /// How long the home page, event pages, partner pages and the calendar feed are served
    /// from memory, in milliseconds (0 = render every request). A change made through this
    /// process shows at once; one made by another process, and seats left, within this time.
    #[arg(long, env = "TWINNING_PAGE_CACHE_MS", default_value_t = 1000)]
    pub page_cache_ms: u64,

    /// Public registrations allowed per client IP address per minute (0 = no limit).
    #[arg(long, env = "TWINNING_REGISTRATIONS_PER_MINUTE", default_value_t = 60)]
    pub registrations_per_minute: u32,

    /// Seconds a client may take to send a request's headers before its connection is
    /// closed (against connections held open by trickling headers).
    #[arg(long, env = "TWINNING_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// Open HTTP connections at most; a new one beyond it is closed at once.
    #[arg(long, env = "TWINNING_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Minutes a pay-later registration holds its seats while its contact's email address is
    /// not confirmed (the first email carries the link that confirms it and extends the hold
    /// to the event's); 0 turns this off.
    #[arg(long, env = "TWINNING_UNCONFIRMED_HOLD_MINUTES", default_value_t = 30)]
    pub unconfirmed_hold_minutes: i64,

    /// Days a finished background job (done, or failed for good) is kept in the job queue
    /// before the worker's sweep removes it.
    #[arg(long, env = "TWINNING_JOB_RETENTION_DAYS", default_value_t = 7)]
    pub job_retention_days: i64,

    /// Days the text of a sent email is kept in the outbox; then the worker's sweep removes
    /// its bodies and calendar file (its recipient, subject, state, times and Message-ID stay);
    /// 0 keeps them forever.
    #[arg(long, env = "TWINNING_OUTBOX_BODY_DAYS", default_value_t = 90)]
    pub outbox_body_days: i64,

    /// A bearer token that opens `/metrics` to a scraper on another machine; without it only
    /// clients on this machine (not through the proxy) may read it.
    #[arg(long, env = "TWINNING_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Fill an empty database with sample events (and a staff sign-in printed on the
    /// terminal) a newcomer can click through: `auto` (only the quick start: SQLite at a
    /// loopback address, never at a public one), `always` (a demo site anywhere) or `never`.
    #[arg(long, env = "TWINNING_SAMPLE_DATA", default_value = "auto")]
    pub sample_data: SampleData,

    /// SMTP server for outgoing mail: `smtp://user:pass@host:587` (STARTTLS required),
    /// `smtps://user:pass@host:465` (TLS), `smtp://host:25?tls=opportunistic` or
    /// `smtp://host:25?tls=none` (plain). Unset: every email is kept in the outbox as `held`,
    /// readable through the API, and nothing is sent.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,

    /// Sender of every email.
    #[arg(
        long,
        env = "TWINNING_MAIL_FROM",
        default_value = "Twinning <noreply@localhost>"
    )]
    pub mail_from: String,

    /// Reply-To of every email (e.g. the association's office); none if unset.
    #[arg(long, env = "TWINNING_MAIL_REPLY_TO")]
    pub mail_reply_to: Option<String>,

    /// How to pay later, shown with the amount and the payment reference to every family that
    /// pays later (the `received` and `payment_due` emails, the private page): account holder,
    /// IBAN and BIC, where to pay in cash ... `\n` starts a new line.
    #[arg(long, env = "TWINNING_PAYMENT_INSTRUCTIONS")]
    pub payment_instructions: Option<String>,

    /// The association's name, shown in emails.
    #[arg(long, env = "TWINNING_ORG_NAME", default_value = "Twinning")]
    pub org_name: String,

    /// Emails sent at the same time per worker process (also the SMTP connection pool size).
    #[arg(long, env = "TWINNING_EMAIL_CONCURRENCY", default_value_t = 8)]
    pub email_concurrency: usize,

    /// First wait after a temporary SMTP failure, in seconds; it doubles on each attempt.
    #[arg(long, env = "TWINNING_EMAIL_RETRY_INITIAL_SECS", default_value_t = 60)]
    pub email_retry_initial_secs: u64,

    /// Longest wait between attempts, in seconds.
    #[arg(long, env = "TWINNING_EMAIL_RETRY_MAX_SECS", default_value_t = 3600)]
    pub email_retry_max_secs: u64,

    /// Hours after which an email that keeps failing temporarily is marked failed.
    #[arg(long, env = "TWINNING_EMAIL_RETRY_HOURS", default_value_t = 24)]
    pub email_retry_hours: u64,

    /// Language of public pages for visitors whose browser asks for none we have (`en`,
    /// `es`, `de`).
    #[arg(long, env = "TWINNING_DEFAULT_LANGUAGE", default_value = "en")]
    pub default_language: String,

    /// Messages from staff to attendees are delivered at most this many per minute, so a
    /// big mailing does not trip the mail server's limits or spam filters.
    #[arg(long, env = "TWINNING_MESSAGE_RATE", default_value_t = 60)]
    pub message_rate: u32,

    /// Age from which a member of a host household counts as an adult who must be screened
    /// before a minor is placed there (18 in the US; UK practice uses 16 or 17).
    #[arg(long, env = "TWINNING_ADULT_AGE", default_value_t = 18)]
    pub adult_age: i32,

    /// Stripe secret key (`sk_live_...` / `sk_test_...`). Without it, card payments are off and
    /// paid events offer only paying later.
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_secret_key: Option<Secret>,

    /// Signing secret of the webhook endpoint (`whsec_...`), from the Stripe dashboard.
    #[arg(long, env = "STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<Secret>,

    /// Stripe's API address (tests point it at a local server).
    #[arg(long, env = "STRIPE_API_BASE", default_value = DEFAULT_STRIPE_API_BASE)]
    pub stripe_api_base: String,

    /// Seconds to wait for Stripe before giving up on a request.
    #[arg(long, env = "STRIPE_TIMEOUT_SECS", default_value_t = 10)]
    pub stripe_timeout_secs: u64,

    /// Log format: `text` for people, `json` for log collectors. Levels come from `RUST_LOG`.
    #[arg(long, env = "TWINNING_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,

    /// Reverse proxies (addresses or CIDR networks, comma-separated) whose `Forwarded` or
    /// `X-Forwarded-For` header names the client; every limit and the audit log then count
    /// the client's address, not the proxy's. None by default: the headers are ignored.
    #[arg(long, env = "TWINNING_TRUSTED_PROXIES", default_value = "", value_parser = crate::core::net::TrustedProxies::parse)]
    pub trusted_proxies: crate::core::net::TrustedProxies,
}

/// A setting that must never be printed (it may hold credentials).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// SQLite's `synchronous` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SqliteSync {
    /// fsync on every commit.
    Full,
    /// fsync at checkpoints (WAL).
    Normal,
}

/// When to load the sample site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SampleData {
    /// On an empty SQLite database served at a loopback address (the quick start).
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
            sqlite_synchronous: SqliteSync::Full,
            max_body_bytes: 64 * 1024,
            registrations_per_minute: 0,
            unconfirmed_hold_minutes: 30,
            header_timeout_secs: 10,
            max_connections: 1024,
            job_retention_days: 7,
            outbox_body_days: 90,
            metrics_token: None,
            page_cache_ms: 1000,
            sample_data: SampleData::Never,
            smtp_url: None,
            mail_from: "Twinning <noreply@localhost>".to_owned(),
            mail_reply_to: None,
            payment_instructions: None,
            org_name: "Twinning".to_owned(),
            email_concurrency: 8,
            email_retry_initial_secs: 60,
            email_retry_max_secs: 3600,
            email_retry_hours: 24,
            message_rate: 60,
            default_language: "en".to_owned(),
            log_format: LogFormat::Text,
            adult_age: 18,
            stripe_secret_key: None,
            stripe_webhook_secret: None,
            stripe_api_base: DEFAULT_STRIPE_API_BASE.to_owned(),
            stripe_timeout_secs: 10,
            trusted_proxies: Default::default(),
        }
    }

    /// Whether the site is reached only from this machine: its base URL names `localhost` or
    /// a loopback address.
    pub fn is_local(&self) -> bool {
        let host = self.base_host();
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// The host of the base URL (without brackets for IPv6).
    fn base_host(&self) -> String {
        let base = self.base_url();
        let rest = base.split_once("://").map_or(base.as_str(), |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
        }
        .to_owned()
    }

    /// The domain of the Message-IDs of outgoing email: `MAIL_FROM`'s, or the site's own host
    /// name when `MAIL_FROM` is at `localhost` or a name without a dot (spam filters count
    /// a Message-ID at `localhost` against a message).
    pub fn message_id_domain(&self) -> String {
        let from = self
            .mail_from
            .rsplit_once('@')
            .map_or("", |(_, d)| d.trim_end_matches('>').trim())
            .to_ascii_lowercase();
        let is_name = |d: &str| d.contains('.') && d.parse::<std::net::IpAddr>().is_err();
        if is_name(&from) {
            return from;
        }
        let host = self.base_host().to_ascii_lowercase();
        if is_name(&host) {
            host
        } else if from.is_empty() {
            "localhost".to_owned()
        } else {
            from
        }
    }

    /// The lines of `TWINNING_PAYMENT_INSTRUCTIONS` (none when unset or blank).
    pub fn payment_instructions(&self) -> Vec<String> {
        self.payment_instructions
            .as_deref()
            .unwrap_or("")
            .replace("\\n", "\n")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_on_the_senders_domain_or_else_the_sites() {
        let mut settings = Settings::for_database("sqlite::memory:");
        settings.mail_from = "Toledo Sister Cities <hello@ToledoSisterCities.org>".to_owned();
        settings.base_url = Some("https://register.toledosistercities.org".to_owned());
        assert_eq!(settings.message_id_domain(), "toledosistercities.org");
        settings.mail_from = "Twinning <noreply@localhost>".to_owned();
        assert_eq!(
            settings.message_id_domain(),
            "register.toledosistercities.org"
        );
        settings.base_url = Some("http://127.0.0.1:8080".to_owned());
        assert_eq!(settings.message_id_domain(), "localhost");
    }

    #[test]
    fn only_loopback_base_urls_are_local() {
        let mut settings = Settings::for_database("sqlite://x.db");
        assert!(settings.is_local(), "the default bind is 127.0.0.1");
        for (url, local) in [
            ("http://localhost:8080", true),
            ("http://127.0.0.1:8080/", true),
            ("http://[::1]:8080", true),
            ("https://twinning.example.org", false),
            ("http://192.0.2.10:8080", false),
            ("https://localhost.example.org", false),
        ] {
            settings.base_url = Some(url.to_owned());
            assert_eq!(settings.is_local(), local, "{url}");
        }
        settings.base_url = None;
        settings.bind = "0.0.0.0:8080".parse().unwrap();
        assert!(!settings.is_local(), "listening on every address is public");
    }

    #[test]
    fn settings_never_print_the_smtp_credentials() {
        let mut settings = Settings::for_database("sqlite://x.db");
        settings.smtp_url = Some(Secret(
            "smtp://user:hunter2-password@mail.example.org:587".into(),
        ));
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("Secret(***)"));
    }
}
