//! The `twinning` binary: see `twinning --help`.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    twinning::app::cli::run(twinning::app::cli::Cli::parse()).await
}
