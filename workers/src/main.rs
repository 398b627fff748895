//! `twinning-worker`: runs the background jobs of Twinning without a web server, for
//! deployments with several processes on PostgreSQL.

use clap::Parser;
use twinning::core::clock::Clock;
use twinning::core::config::{Settings, init_tracing};

/// Runs Twinning's background jobs: email delivery and reminders, seat holds and waitlist
/// offers running out.
#[derive(Debug, Parser)]
#[command(name = "twinning-worker", version, about)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing(cli.settings.log_format);
    let ctx = twinning::app::startup::connect(cli.settings, Clock::system()).await?;
    tracing::info!("worker running");
    let queue = ctx.queue.clone();
    twinning::worker::run_workers(&queue, ctx, twinning::app::startup::shutdown_signal()).await
}
