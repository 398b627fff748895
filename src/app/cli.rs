//! The `twinning` command line.

use std::io::Read;

use clap::{Parser, Subcommand};

use crate::app::startup::{Application, connect, shutdown_signal};
use crate::core::clock::Clock;
use crate::core::config::{Settings, init_tracing};

/// Twinning: registrations, payments, host matching and email for sister-city associations.
#[derive(Debug, Parser)]
#[command(name = "twinning", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (and, unless --no-workers, the background job workers).
    Serve {
        /// Serve HTTP only; run `twinning-worker` processes for the jobs.
        #[arg(long)]
        no_workers: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Staff accounts and tokens.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write a consistent copy of the SQLite database to FILE while the site runs (on
    /// PostgreSQL, use pg_dump).
    Backup {
        /// Where to write the copy; must not exist yet.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Put a backup in place of the SQLite database (stop the service first); the file it
    /// replaces is kept as FILE.before-restore.
    Restore {
        /// The backup to restore.
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Job queue maintenance.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Print the API's OpenAPI document (as served at /api/openapi.json) and exit.
    Openapi,
}

/// `twinning admin ...`
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a staff user. Reads a password from stdin if one is piped in, else prints a
    /// generated one.
    CreateStaff {
        #[arg(long)]
        email: String,
        /// admin, staff or checkin.
        #[arg(long, default_value = "staff")]
        role: String,
    },
    /// Print a new API bearer token for a staff user (only its hash is stored).
    CreateToken {
        #[arg(long)]
        email: String,
    },
}

/// `twinning jobs ...`
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Run every due job and overdue deadline now, in this process, then exit.
    RunDue,
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    init_tracing(cli.settings.log_format);
    match cli.command {
        Command::Serve { no_workers } => {
            let app = Application::build(cli.settings, Clock::system(), !no_workers).await?;
            app.run_until(shutdown_signal()).await
        }
        Command::Openapi => {
            println!("{}", crate::web::openapi_json());
            Ok(())
        }
        Command::Migrate => {
            connect(cli.settings, Clock::system()).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Admin { command } => {
            let ctx = connect(cli.settings, Clock::system()).await?;
            match command {
                AdminCommand::CreateStaff { email, role } => {
                    let piped = read_piped_password()?;
                    let generated = piped.is_none();
                    let new = crate::staff_accounts::NewStaff {
                        email: email.clone(),
                        name: String::new(),
                        role: crate::domain::Role::parse(&role)
                            .map_err(|e| anyhow::anyhow!("--role {e}"))?,
                        password: piped,
                    };
                    let password = crate::staff_accounts::create_staff(&ctx, new, None).await?;
                    if generated {
                        println!("created {role} {email} with password: {password}");
                    } else {
                        println!("created {role} {email}");
                    }
                }
                AdminCommand::CreateToken { email } => {
                    println!(
                        "{}",
                        crate::staff_accounts::create_token(&ctx, &email).await?
                    );
                }
            }
            Ok(())
        }
        Command::Backup { to } => {
            let url = &cli.settings.database_url;
            let file = crate::db::backup::sqlite_file(url)?;
            anyhow::ensure!(file.exists(), "{} does not exist", file.display());
            let db = crate::db::Db::connect(url, 2, true).await?;
            crate::db::backup::backup(&db, &to).await?;
            db.close().await;
            println!("backed up to {}", to.display());
            Ok(())
        }
        Command::Restore { from } => {
            let kept = crate::db::backup::restore(&cli.settings.database_url, &from).await?;
            println!(
                "restored {}; the database it replaced is kept as {}",
                from.display(),
                kept.display()
            );
            Ok(())
        }
        Command::Jobs {
            command: JobsCommand::RunDue,
        } => {
            let ctx = connect(cli.settings, Clock::system()).await?;
            let deadlines = crate::worker::sweep(&ctx).await?;
            let jobs = crate::worker::run_due_jobs(&ctx).await?;
            println!("ran {jobs} jobs; handled {deadlines} overdue deadlines");
            Ok(())
        }
    }
}

/// A password piped on stdin (first line), or `None` when stdin is a terminal or empty.
fn read_piped_password() -> anyhow::Result<Option<String>> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let line = input.lines().next().unwrap_or("").trim_end().to_owned();
    Ok((!line.is_empty()).then_some(line))
}
