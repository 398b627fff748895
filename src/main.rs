//! The `twinning` binary: see `twinning --help`.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    twinning::cli::run(twinning::cli::Cli::parse()).await
}
